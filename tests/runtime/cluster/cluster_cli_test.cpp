// `btk node` and `btk walker --nodes`: sweeps leased to real node processes
// on loopback end byte-identical to a one-process run, whatever fails — a
// node killed or started mid-sweep, a coordinator killed and resumed — and
// nodes refuse peers without the shared secret.

#define CATCH_CONFIG_EXTERNAL_INTERFACES
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include "runtime/cluster/placement.hpp"
#include "tests/runtime/btk_process.hpp"
#include "tests/runtime/bybit_data.hpp"

using namespace btk::test;
using namespace std::chrono_literals;

namespace {

// The btk processes of a cluster test run CAF's middleman, which leaks a
// cycle of its own at exit when a peer vanishes mid-conversation (see
// caf_io_leaks.supp); LeakSanitizer ignores CAF's allocations in them.
struct caf_io_leaks : Catch::TestEventListenerBase {
  using TestEventListenerBase::TestEventListenerBase;
  void testCaseStarting(const Catch::TestCaseInfo& info) override {
    const auto& t = info.tags;
    if (std::find(t.begin(), t.end(), "cluster") == t.end())
      return;
    const char* old = std::getenv("LSAN_OPTIONS");
    std::string v =
        old != nullptr && *old != '\0' ? std::string{old} + ":" : "";
    v += "suppressions=" BTK_SOURCE_DIR
         "/tests/runtime/cluster/caf_io_leaks.supp:print_suppressions=0";
    ::setenv("LSAN_OPTIONS", v.c_str(), 1);
  }
};
CATCH_REGISTER_LISTENER(caf_io_leaks)

std::string write_secret(const scratch_dir& dir, const std::string& name,
                         const std::string& text) {
  const std::string path = write_file(dir / name, text + "\n");
  ::chmod(path.c_str(), 0600);
  return path;
}

// A port nothing listens on (the kernel's pick, released at once).
std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// A `btk node` process, stopped (or reaped) when the test ends.
class node_proc {
public:
  node_proc(const scratch_dir& dir, const std::string& name,
            const std::string& secret, std::uint16_t port = 0,
            const std::vector<std::string>& more = {})
      : out_(dir / (name + ".out"))
      , log_(dir / (name + ".log")) {
    std::vector<std::string> args{
        "node",      "--listen", "127.0.0.1:" + std::to_string(port),
        "--workers", "1",        "--secret-file",
        secret};
    args.insert(args.end(), more.begin(), more.end());
    pid_ = start_btk(args, out_, log_);
    REQUIRE(wait_for(out_, "listening on"));
    std::smatch m;
    const auto text = slurp(out_);
    REQUIRE(std::regex_search(text, m, std::regex{":([0-9]+) with"}));
    port_ = static_cast<std::uint16_t>(std::stoi(m[1]));
  }
  ~node_proc() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  node_proc(const node_proc&) = delete;
  node_proc& operator=(const node_proc&) = delete;

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string log() const { return slurp(log_); }
  const std::string& log_path() const { return log_; }
  void signal(int sig) { ::kill(pid_, sig); }
  void kill9() {
    ::kill(pid_, SIGKILL);
    CHECK(reap_killed(pid_));
    pid_ = 0;
  }
  // Jobs this node ran for coordinators that have gone (its log says).
  std::uint64_t jobs_ran() const {
    std::uint64_t n = 0;
    const auto text = log();
    std::regex re{"\\(([0-9]+) jobs in"};
    for (auto i = std::sregex_iterator(text.begin(), text.end(), re);
         i != std::sregex_iterator(); ++i)
      n += std::stoull((*i)[1]);
    return n;
  }

private:
  std::string out_;
  std::string log_;
  pid_t pid_ = 0;
  std::uint16_t port_ = 0;
};

std::vector<std::string> sweep_args(const std::string& store,
                                    const std::string& grid) {
  return {"walker",          "--store", store, "--symbols",
          "BTCUSDT,ETHUSDT", "--grid",  grid,  "--where",
          "fast<slow",       "--top",   "5"};
}

std::vector<std::string> with(std::vector<std::string> a,
                              const std::vector<std::string>& more) {
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

const std::string secret_text = "0123456789abcdef0123456789abcdef";

// The reference: the same sweep in one process.
struct reference {
  std::string file;
  nlohmann::json summary;
  std::chrono::steady_clock::duration took{};
};

reference run_local(const scratch_dir& dir, const std::vector<std::string>& a) {
  reference r;
  const auto t0 = std::chrono::steady_clock::now();
  REQUIRE(run_btk(dir, with(a, {"--quiet", "--results-out", dir / "local.jsonl",
                                "--summary-out", dir / "local.json"}))
              .code == 0);
  r.took = std::chrono::steady_clock::now() - t0;
  r.file = slurp(dir / "local.jsonl");
  r.summary = nlohmann::json::parse(slurp(dir / "local.json"));
  return r;
}

void check_same(const scratch_dir& dir, const reference& want,
                const std::string& name) {
  const auto file = slurp(dir / (name + ".jsonl"));
  const auto got = nlohmann::json::parse(slurp(dir / (name + ".json")));
  const auto total = want.summary.at("jobs").at("total").get<std::uint64_t>();
  CHECK(got.at("jobs").at("total") == total);
  CHECK(got.at("jobs").at("run").get<std::uint64_t>() +
            got.at("jobs").at("resumed").get<std::uint64_t>() ==
        total);
  CHECK(lines(file) == total);
  CHECK(file == want.file);
  CHECK(got.at("top") == want.summary.at("top"));
}

// 314 jobs, a fraction of a second.
const char* grid_text = "sma-cross:fast=3..30:1,slow=20..120:20,interval=5m";
// About 2,200 jobs, a second or two on two workers since the jobs share
// their moving averages: long enough to kill something part way, or for a
// late node to join while jobs remain.
const char* long_grid = "sma-cross:fast=3..60:1,slow=20..220:10,interval=1m|5m";

} // namespace

TEST_CASE("a sweep over three nodes gives the results file and ranking of a "
          "one-process run",
          "[cli][cluster]") {
  if (!have_data())
    return;
  scratch_dir dir{"cluster_three"};
  const auto store = make_store(dir);
  const auto secret = write_secret(dir, "secret", secret_text);
  const auto args = sweep_args(store, grid_text);
  const auto want = run_local(dir, args);
  node_proc a{dir, "a", secret}, b{dir, "b", secret}, c{dir, "c", secret};
  const auto r =
      run_btk(dir, with(args, {"--nodes", a.address() + "," + b.address(),
                               "--nodes", c.address(), "--secret-file", secret,
                               "--results-out", dir / "dist.jsonl",
                               "--summary-out", dir / "dist.json"}));
  REQUIRE(r.code == 0);
  check_same(dir, want, "dist");
  // Each node said it was up, and each ran a share of the jobs.
  for (const auto* n : {&a, &b, &c})
    CHECK(has(r.err, "node " + n->address() + " is up: 1 workers"));
  REQUIRE(wait_for(dir / "c.log", "jobs in"));
  REQUIRE(wait_for(dir / "a.log", "jobs in"));
  REQUIRE(wait_for(dir / "b.log", "jobs in"));
  const auto total = want.summary.at("jobs").at("total").get<std::uint64_t>();
  CHECK(a.jobs_ran() + b.jobs_ran() + c.jobs_ran() == total);
  CHECK(a.jobs_ran() > 0);
  CHECK(b.jobs_ran() > 0);
  CHECK(c.jobs_ran() > 0);
  // A second sweep on the same nodes finds the candles cached: the same
  // results again.
  REQUIRE(
      run_btk(dir, with(args, {"--nodes", a.address(), "--secret-file", secret,
                               "--quiet", "--results-out", dir / "again.jsonl",
                               "--summary-out", dir / "again.json"}))
          .code == 0);
  check_same(dir, want, "again");
}

TEST_CASE("a node killed mid-sweep has its leases re-queued and the sweep "
          "ends byte-identical",
          "[cli][cluster]") {
  if (!have_data())
    return;
  scratch_dir dir{"cluster_kill_node"};
  const auto store = make_store(dir);
  const auto secret = write_secret(dir, "secret", secret_text);
  const auto args = sweep_args(store, long_grid);
  const auto want = run_local(dir, args);
  bool killed_mid_sweep = false;
  for (double part : {0.4, 0.2, 0.1}) {
    INFO("killed after " << part << " of a local run's time");
    node_proc a{dir, "a", secret}, b{dir, "b", secret};
    const auto pid = start_btk(
        with(args, {"--nodes", a.address() + "," + b.address(), "--secret-file",
                    secret, "--results-out", dir / "dist.jsonl",
                    "--summary-out", dir / "dist.json"}),
        dir / "walker.out", dir / "walker.err");
    REQUIRE(wait_for(dir / "walker.err", b.address() + " is up"));
    std::this_thread::sleep_for(
        std::chrono::duration_cast<std::chrono::milliseconds>(want.took *
                                                              part));
    b.kill9();
    int status = 0;
    ::waitpid(pid, &status, 0);
    const auto err = slurp(dir / "walker.err");
    INFO("walker's stderr:\n" << err);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
    if (!has(err, "node " + b.address() + " is down"))
      continue; // the sweep ended first: kill sooner
    killed_mid_sweep = true;
    check_same(dir, want, "dist");
    break;
  }
  CHECK(killed_mid_sweep);
}

TEST_CASE("a node that stops answering is declared down, and its late "
          "results are ignored when it wakes",
          "[cli][cluster]") {
  if (!have_data())
    return;
  scratch_dir dir{"cluster_frozen_node"};
  const auto store = make_store(dir);
  const auto secret = write_secret(dir, "secret", secret_text);
  // Long enough (about 3 s on one worker, 2026-12-08) to outlast the
  // freeze and the woken node's late answers several times over: a sweep
  // that ended first would leave nothing to ignore.
  const auto args =
      sweep_args(store, "sma-cross:fast=3..30:1,slow=20..120:1,interval=1m|3m");
  const auto want = run_local(dir, args);
  node_proc a{dir, "a", secret}, b{dir, "b", secret};
  const auto pid = start_btk(
      with(args, {"--nodes", a.address() + "," + b.address(), "--secret-file",
                  secret, "--heartbeat-ms", "100", "--node-timeout-ms", "600",
                  "--results-out", dir / "dist.jsonl", "--summary-out",
                  dir / "dist.json"}),
      dir / "walker.out", dir / "walker.err");
  REQUIRE(wait_for(dir / "walker.err", b.address() + " is up"));
  std::this_thread::sleep_for(100ms);
  // Frozen: the process holds its leases and its TCP connection stays open.
  b.signal(SIGSTOP);
  const bool declared =
      wait_for(dir / "walker.err", "node " + b.address() + " is down");
  b.signal(SIGCONT); // it wakes and answers leases the sweep re-queued
  int status = 0;
  ::waitpid(pid, &status, 0);
  INFO("walker's stderr:\n" << slurp(dir / "walker.err"));
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  const auto err = slurp(dir / "walker.err");
  INFO("walker's stderr:\n" << err);
  if (!declared && !has(err, "is down")) {
    WARN("the sweep ended before the frozen node was noticed");
    return;
  }
  CHECK(has(err, "did not answer for"));
  // Its leases were in flight when it froze: their results came late and
  // were ignored (the results file has each job once, as a local run).
  CHECK(has(err, "after it was declared down: ignored"));
  check_same(dir, want, "dist");
}

TEST_CASE("a node started mid-sweep is retried until it answers and gets "
          "work",
          "[cli][cluster]") {
  if (!have_data())
    return;
  scratch_dir dir{"cluster_late_node"};
  const auto store = make_store(dir);
  const auto secret = write_secret(dir, "secret", secret_text);
  // A bigger grid: the late node must join while jobs remain.
  const auto args = sweep_args(store, long_grid);
  const auto want = run_local(dir, args);
  node_proc a{dir, "a", secret};
  const auto late_port = free_port();
  const std::string late = "127.0.0.1:" + std::to_string(late_port);
  const auto pid = start_btk(
      with(args, {"--nodes", a.address() + "," + late, "--secret-file", secret,
                  "--results-out", dir / "dist.jsonl", "--summary-out",
                  dir / "dist.json"}),
      dir / "walker.out", dir / "walker.err");
  REQUIRE(wait_for(dir / "walker.err", a.address() + " is up"));
  // The late node is down at the start: the walker says so, and goes on.
  REQUIRE(wait_for(dir / "walker.err", "node " + late + " cannot be reached"));
  node_proc b{dir, "b", secret, late_port};
  int status = 0;
  ::waitpid(pid, &status, 0);
  INFO("walker's stderr:\n" << slurp(dir / "walker.err"));
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(has(slurp(dir / "walker.err"), "node " + late + " is up"));
  check_same(dir, want, "dist");
  REQUIRE(wait_for(dir / "b.log", "jobs in"));
  CHECK(b.jobs_ran() > 0);
}

TEST_CASE("a coordinator killed mid-sweep resumes from its state without "
          "rerunning finished jobs",
          "[cli][cluster]") {
  if (!have_data())
    return;
  scratch_dir dir{"cluster_resume"};
  const auto store = make_store(dir);
  const auto secret = write_secret(dir, "secret", secret_text);
  const auto args = sweep_args(store, long_grid);
  const auto want = run_local(dir, args);
  const auto total = want.summary.at("jobs").at("total").get<std::uint64_t>();
  node_proc a{dir, "a", secret}, b{dir, "b", secret};
  const auto dist =
      with(args, {"--nodes", a.address() + "," + b.address(), "--secret-file",
                  secret, "--state", dir / "state"});
  bool killed = false;
  for (double part : {0.5, 0.3, 0.15}) {
    std::filesystem::remove_all(dir / "state");
    const auto pid = start_btk(with(dist, {"--results-out", dir / "x.jsonl"}),
                               dir / "walker.out", dir / "walker.err");
    REQUIRE(wait_for(dir / "walker.err", b.address() + " is up"));
    std::this_thread::sleep_for(
        std::chrono::duration_cast<std::chrono::milliseconds>(want.took *
                                                              part));
    ::kill(pid, SIGKILL);
    if (reap_killed(pid)) {
      killed = true;
      break;
    }
  }
  REQUIRE(killed);
  // The nodes notice their coordinator is gone and keep serving.
  REQUIRE(wait_for(dir / "a.log", "coordinator is gone"));
  REQUIRE(
      run_btk(dir, with(dist, {"--quiet", "--results-out", dir / "dist.jsonl",
                               "--summary-out", dir / "dist.json"}))
          .code == 0);
  const auto got = nlohmann::json::parse(slurp(dir / "dist.json"));
  const auto resumed = got.at("jobs").at("resumed").get<std::uint64_t>();
  CHECK(resumed > 0);
  CHECK(resumed < total);
  check_same(dir, want, "dist");
}

TEST_CASE("nodes refuse a wrong secret, a readable secret file and no secret, "
          "saying why on both sides",
          "[cli][cluster]") {
  if (!have_data())
    return;
  scratch_dir dir{"cluster_secret"};
  const auto store = make_store(dir);
  const auto secret = write_secret(dir, "secret", secret_text);
  const auto wrong =
      write_secret(dir, "wrong", "another secret, 32 bytes long!");
  node_proc a{dir, "a", secret}, b{dir, "b", secret};
  const auto args = with(sweep_args(store, "sma-cross:fast=5,slow=30"),
                         {"--nodes", a.address() + "," + b.address()});
  // Every node refuses: the sweep stops at once and names each.
  auto r = run_btk(dir, with(args, {"--secret-file", wrong}));
  CHECK(r.code == 1);
  CHECK(has(r.err, "node " + a.address() +
                       " refused the connection: the shared secret does not "
                       "match"));
  CHECK(has(r.err, "node " + b.address()));
  CHECK(has(a.log(), "refused node"));
  CHECK(has(a.log(), "the shared secret does not match"));
  CHECK_FALSE(has(a.log(), "session for"));
  // A secret file others can read is refused before anything connects.
  const auto loose = write_file(dir / "loose", secret_text + "\n");
  ::chmod(loose.c_str(), 0644);
  r = run_btk(dir, with(args, {"--secret-file", loose}));
  CHECK(r.code == 1);
  CHECK(has(r.err, "mode 0644 lets others read it"));
  // No secret: neither side runs anonymously.
  r = run_btk(dir, args);
  CHECK(r.code == 1);
  CHECK(has(r.err, "--nodes needs --secret-file"));
  r = run_btk(dir, {"node", "--listen", "127.0.0.1:0"});
  CHECK(r.code == 1);
  CHECK(has(r.err, "a node needs --secret-file"));
  const auto short_secret = write_secret(dir, "short", "too short");
  r = run_btk(dir, {"node", "--secret-file", short_secret});
  CHECK(r.code == 1);
  CHECK(has(r.err, "a secret needs at least 16"));
  // A node refuses an address it cannot listen on.
  r = run_btk(dir, {"node", "--listen", a.address(), "--secret-file", secret});
  CHECK(r.code == 1);
  CHECK(has(r.err, "cannot listen on " + a.address()));
}

namespace {

// Makes a CA and a certificate it signs for each of `names` (EC keys) in
// `dir`; false when the openssl tool is missing.
bool make_certificates(const scratch_dir& dir, const std::string& ca,
                       const std::vector<std::string>& names) {
  if (std::system("command -v openssl >/dev/null 2>&1") != 0)
    return false;
  const std::string d = dir / "";
  const std::string key =
      " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  auto run = [](const std::string& cmd) {
    REQUIRE(std::system((cmd + " 2>/dev/null").c_str()) == 0);
  };
  run("openssl req -x509" + key + " -keyout " + d + ca + ".key -out " + d + ca +
      ".pem -days 2 -subj /CN=" + ca);
  for (const auto& n : names) {
    run("openssl req" + key + " -keyout " + d + n + ".key -out " + d + n +
        ".csr -subj /CN=" + n);
    run("openssl x509 -req -in " + d + n + ".csr -CA " + d + ca +
        ".pem -CAkey " + d + ca + ".key -CAcreateserial -out " + d + n +
        ".pem -days 2");
  }
  return true;
}

std::vector<std::string> tls_flags(const scratch_dir& dir,
                                   const std::string& name,
                                   const std::string& ca) {
  return {"--tls-cert", dir / (name + ".pem"),
          "--tls-key",  dir / (name + ".key"),
          "--tls-ca",   dir / (ca + ".pem")};
}

} // namespace

TEST_CASE("a sweep over TLS gives the same results, and a certificate of "
          "another CA or a peer without TLS is refused",
          "[cli][cluster]") {
  if (!have_data())
    return;
  scratch_dir dir{"cluster_tls"};
  if (!make_certificates(dir, "ca", {"node-a", "node-b", "coordinator"}) ||
      !make_certificates(dir, "rogue-ca", {"intruder"})) {
    WARN("skipped: the openssl tool is missing (apt-get install openssl)");
    return;
  }
  const auto store = make_store(dir);
  const auto secret = write_secret(dir, "secret", secret_text);
  const auto args = sweep_args(store, grid_text);
  const auto want = run_local(dir, args);
  node_proc a{dir, "a", secret, 0, tls_flags(dir, "node-a", "ca")};
  node_proc b{dir, "b", secret, 0, tls_flags(dir, "node-b", "ca")};
  const auto nodes = with(args, {"--nodes", a.address() + "," + b.address(),
                                 "--secret-file", secret});
  auto r = run_btk(dir, with(with(nodes, tls_flags(dir, "coordinator", "ca")),
                             {"--results-out", dir / "dist.jsonl",
                              "--summary-out", dir / "dist.json"}));
  REQUIRE(r.code == 0);
  check_same(dir, want, "dist");
  CHECK(has(r.err, "node " + a.address() + " is up"));
  CHECK(has(a.log(), "session for"));
  // A certificate from another CA: both nodes refuse the handshake, and no
  // session is opened for it.
  const auto sessions = a.log();
  r = run_btk(dir, with(nodes, tls_flags(dir, "intruder", "rogue-ca")));
  CHECK(r.code == 1);
  CHECK(has(r.err, "node " + a.address() +
                       " refused the TLS handshake: its certificate and ours "
                       "do not chain to each other's CA"));
  CHECK(has(r.err, "node " + b.address() + " refused the TLS handshake"));
  // A coordinator without TLS is dropped during the handshake.
  r = run_btk(dir, nodes);
  CHECK(r.code == 1);
  CHECK(has(r.err, "runs TLS (give --tls-cert, --tls-key and --tls-ca)"));
  CHECK(a.log() == sessions);
  // Certificate-less (anonymous) TLS is refused on both sides.
  r = run_btk(dir, with(nodes, {"--tls-ca", dir / "ca.pem"}));
  CHECK(r.code == 1);
  CHECK(has(r.err, "CAF's TLS without certificates is anonymous"));
  r = run_btk(
      dir, {"node", "--secret-file", secret, "--tls-cert", dir / "node-a.pem"});
  CHECK(r.code == 1);
  CHECK(has(r.err, "TLS needs --tls-cert, --tls-key and --tls-ca together"));
}

namespace {

// The events of a file, by instance (`symbol`, `strategy`), in file order.
std::map<std::string, std::vector<std::string>>
events_by_instance(const std::string& path) {
  std::map<std::string, std::vector<std::string>> out;
  std::istringstream in(slurp(path));
  std::string line;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line);
    out[j.at("symbol").get<std::string>() + "/" +
        j.at("strategy").get<std::string>()]
        .push_back(line);
  }
  return out;
}

std::vector<std::string> fleet_args(const std::string& store) {
  return {"live",
          "--store",
          store,
          "--symbols",
          "BTCUSDT,ETHUSDT",
          "--strategy",
          "every-n:n=30,side=alt,tp=0.6,sl=0.6,minutes=20",
          "--strategy",
          "sma-cross:fast=5,slow=20,interval=5m",
          "--clock",
          "virtual",
          "--from",
          "2025-06-01T00:00:00Z"};
}

// The single-process run every fleet must equal, instance by instance.
std::map<std::string, std::vector<std::string>>
single_process(const scratch_dir& dir, const std::string& store) {
  REQUIRE(run_btk(dir, with(fleet_args(store),
                            {"--quiet", "--state", dir / "single-state",
                             "--events-out", dir / "single.jsonl"}))
              .code == 0);
  auto want = events_by_instance(dir / "single.jsonl");
  REQUIRE(want.size() == 4);
  return want;
}

// Counts opened and closed events of every instance.
std::size_t trades(const std::map<std::string, std::vector<std::string>>& e) {
  std::size_t n = 0;
  for (const auto& [instance, lines] : e)
    for (const auto& l : lines)
      n += has(l, "\"action\":\"opened\"") || has(l, "\"action\":\"closed\"");
  return n;
}

// Three nodes with live state (`NAME-a`, `-b`, `-c`) and, once `start` is
// called, a fleet on them in the background, its stderr in `NAME.err`.
struct three_node_fleet {
  std::vector<std::unique_ptr<node_proc>> nodes;
  std::string err;
  /// The coordinator's state folder.
  std::string state;
  pid_t pid = 0;

  three_node_fleet(const scratch_dir& dir, const std::string& name,
                   const std::string& secret)
      : err(dir / (name + ".err"))
      , state(dir / (name + "-coordinator")) {
    for (const std::string n : {"-a", "-b", "-c"})
      nodes.push_back(std::make_unique<node_proc>(
          dir, name + n, secret, 0,
          std::vector<std::string>{"--state", dir / (name + n + "-state")}));
  }
  std::string addresses() const {
    return nodes[0]->address() + "," + nodes[1]->address() + "," +
           nodes[2]->address();
  }
  // The fleet's command: `args` on these nodes, with the state.
  std::vector<std::string> command(const std::vector<std::string>& args) {
    return with(args, {"--nodes", addresses(), "--state", state});
  }
  void start(const std::vector<std::string>& args) {
    pid = start_btk(command(args), err + ".out", err);
  }
  // A node that runs live instances.
  node_proc& owner() {
    for (int round = 0; round < 250; ++round) {
      for (auto& n : nodes)
        if (has(n->log(), "runs live instance"))
          return *n;
      std::this_thread::sleep_for(20ms);
    }
    FAIL("no node runs a live instance");
    return *nodes[0];
  }
  // The fleet's exit code (-1: it did not exit).
  int wait() {
    int status = 0;
    ::waitpid(pid, &status, 0);
    pid = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  // A test that failed part way leaves no coordinator behind.
  ~three_node_fleet() {
    if (pid > 0 && ::kill(pid, SIGKILL) == 0)
      ::waitpid(pid, nullptr, 0);
  }
};

// What the fleet tests start from: candles, a secret, and the events of a
// single-process run to compare with.
struct fleet_case {
  scratch_dir dir;
  std::string store;
  std::string secret;
  std::map<std::string, std::vector<std::string>> want;

  explicit fleet_case(const std::string& tag)
      : dir{tag}
      , store(make_store(dir))
      , secret(write_secret(dir, "secret", secret_text))
      , want(single_process(dir, store)) {}
  // A fleet's flags with failures noticed fast (100 ms heartbeat, 800 ms
  // timeout), its events in `fleet.jsonl`.
  std::vector<std::string> quick_args() {
    return with(fleet_args(store), {"--secret-file", secret, "--heartbeat-ms",
                                    "100", "--node-timeout-ms", "800",
                                    "--events-out", dir / "fleet.jsonl"});
  }
};

} // namespace

TEST_CASE("a live fleet on three nodes publishes every instance's events of "
          "a single-process run, and a node killed mid-run loses and repeats "
          "none",
          "[cli][cluster][fleet]") {
  if (!have_data())
    return;
  scratch_dir dir{"cluster_fleet"};
  const auto store = make_store(dir);
  const auto secret = write_secret(dir, "secret", secret_text);
  const auto want = single_process(dir, store);
  REQUIRE(trades(want) > 100);
  const auto args = with(fleet_args(store), {"--secret-file", secret});
  {
    three_node_fleet fleet{dir, "whole", secret};
    const auto r = run_btk(
        dir, fleet.command(with(args, {"--events-out", dir / "fleet.jsonl"})));
    REQUIRE(r.code == 0);
    CHECK(events_by_instance(dir / "fleet.jsonl") == want);
    CHECK(has(r.err, "0 failovers"));
    // The instances are spread: more than one node ran some.
    int running = 0;
    for (const auto& n : fleet.nodes)
      running += has(n->log(), "runs live instance") ? 1 : 0;
    CHECK(running >= 2);
  }
  // Again, a node that runs instances killed with SIGKILL part way.
  three_node_fleet fleet{dir, "killed", secret};
  fleet.start(with(args, {"--events-out", dir / "killed.jsonl"}));
  auto& victim = fleet.owner();
  REQUIRE(wait_for(dir / "killed.jsonl", "\"action\":\"closed\""));
  const auto killed_at = std::chrono::steady_clock::now();
  victim.kill9();
  const bool resumed = wait_for(fleet.err, "after its node was lost", 10s);
  const auto failover = std::chrono::steady_clock::now() - killed_at;
  INFO("live's stderr:\n" << slurp(fleet.err));
  REQUIRE(resumed);
  CHECK(fleet.wait() == 0);
  CHECK(has(slurp(fleet.err), "is down"));
  // Failover within two connection timeouts (2 s each by default).
  CHECK(failover < 4s);
  const auto got = events_by_instance(dir / "killed.jsonl");
  CHECK(got == want);
  CHECK(trades(got) == trades(want));
}

TEST_CASE("a live fleet's owner that freezes is fenced: its instances resume "
          "on their standbys and its late messages are refused",
          "[cli][cluster][fleet]") {
  if (!have_data())
    return;
  fleet_case c{"cluster_fleet_fenced"};
  auto& dir = c.dir;
  three_node_fleet fleet{dir, "frozen", c.secret};
  fleet.start(c.quick_args());
  auto& victim = fleet.owner();
  REQUIRE(wait_for(dir / "fleet.jsonl", "\"action\":\"closed\""));
  // Frozen, as a partitioned machine: its connection stays open, it answers
  // nothing; its instances move to their standbys under a new epoch.
  victim.signal(SIGSTOP);
  REQUIRE(wait_for(fleet.err, "after its node was lost", 10s));
  victim.signal(SIGCONT);
  const int code = fleet.wait();
  const auto err = slurp(fleet.err);
  INFO("live's stderr:\n"
       << err << "\nthe frozen node's log:\n"
       << victim.log());
  CHECK(code == 0);
  CHECK(has(err, "did not answer for"));
  CHECK(events_by_instance(dir / "fleet.jsonl") == c.want);
  // What the woken owner sent under its old epoch was refused, and its
  // sessions stopped: it no longer publishes for instances it lost.
  REQUIRE(wait_for(victim.log_path(), "fenced", 10s));
}

TEST_CASE("a live fleet instance that loses its owner and its standby at "
          "once waits for them, and resumes where its state is without "
          "losing or repeating an event",
          "[cli][cluster][fleet]") {
  if (!have_data())
    return;
  fleet_case c{"cluster_fleet_stranded"};
  auto& dir = c.dir;
  three_node_fleet fleet{dir, "stranded", c.secret};
  const std::string key = "BTCUSDT/every-n#1";
  const auto where =
      btk::place({fleet.nodes[0]->address(), fleet.nodes[1]->address(),
                  fleet.nodes[2]->address()},
                 {true, true, true}, key);
  REQUIRE(where);
  REQUIRE(where->standby);
  auto& owner = *fleet.nodes[where->owner];
  auto& standby = *fleet.nodes[*where->standby];
  fleet.start(c.quick_args());
  REQUIRE(wait_for(dir / "fleet.jsonl", "\"action\":\"closed\""));
  // Both machines that hold the instance's state freeze; the third cannot
  // take it over (it has none), so the instance waits.
  owner.signal(SIGSTOP);
  standby.signal(SIGSTOP);
  const bool waits = wait_for(fleet.err, key + " lost its owner", 10s);
  standby.signal(SIGCONT);
  const bool resumed = wait_for(fleet.err, key + " resumed on", 10s);
  owner.signal(SIGCONT);
  const int code = fleet.wait();
  const auto err = slurp(fleet.err);
  INFO("live's stderr:\n" << err);
  CHECK(waits);
  CHECK(resumed);
  CHECK(code == 0);
  CHECK(events_by_instance(dir / "fleet.jsonl") == c.want);
}

namespace {

// A network namespace joined to this one by a veth pair, removed at the
// end: a machine the test can cut off (link down) and reconnect.
class netns_machine {
public:
  explicit netns_machine(int tag)
      : name_("btk" + std::to_string(::getpid()))
      , host_if_("bh" + std::to_string(::getpid() % 100000))
      , subnet_("10.213." + std::to_string(tag % 250) + ".") {}
  ~netns_machine() {
    if (made_)
      std::system(("ip netns del " + name_ + " 2>/dev/null").c_str());
  }
  // Makes it; the reason when it cannot (not root, no iproute2, ...).
  std::string make() {
    const std::string ns_if = "bn" + std::to_string(::getpid() % 100000);
    const std::vector<std::string> steps{
        "ip netns add " + name_,
        "ip link add " + host_if_ + " type veth peer name " + ns_if,
        "ip link set " + ns_if + " netns " + name_,
        "ip addr add " + subnet_ + "1/30 dev " + host_if_,
        "ip link set " + host_if_ + " up",
        "ip netns exec " + name_ + " ip addr add " + subnet_ + "2/30 dev " +
            ns_if,
        "ip netns exec " + name_ + " ip link set " + ns_if + " up",
        "ip netns exec " + name_ + " ip link set lo up"};
    for (const auto& s : steps) {
      if (std::system((s + " >/dev/null 2>&1").c_str()) != 0)
        return "'" + s + "' failed (network namespaces need root and iproute2)";
      made_ = true;
    }
    return {};
  }
  std::string address() const { return subnet_ + "2"; }
  // Cuts the link (the TCP connections stay open, nothing gets through).
  void cut() { std::system(("ip link set " + host_if_ + " down").c_str()); }
  void heal() { std::system(("ip link set " + host_if_ + " up").c_str()); }
  // `btk ARGS` inside the namespace; its pid.
  pid_t start(const std::vector<std::string>& args, const std::string& out,
              const std::string& err) {
    std::vector<std::string> all{"/usr/sbin/ip", "netns", "exec", name_,
                                 btk_bin()};
    all.insert(all.end(), args.begin(), args.end());
    return start_program(std::move(all), out, err);
  }

private:
  std::string name_, host_if_, subnet_;
  bool made_ = false;
};

} // namespace

TEST_CASE("a live fleet's owner cut off by a network partition is fenced: "
          "its instances resume on their standbys and it publishes nothing "
          "more",
          "[cli][cluster][fleet]") {
  if (!have_data())
    return;
  netns_machine machine{::getpid()};
  if (const auto why = machine.make(); !why.empty()) {
    WARN("skipped: " << why);
    return;
  }
  scratch_dir dir{"cluster_partition"};
  const auto store = make_store(dir);
  const auto secret = write_secret(dir, "secret", secret_text);
  const auto want = single_process(dir, store);
  node_proc a{dir, "a", secret, 0, {"--state", dir / "a-state"}};
  node_proc b{dir, "b", secret, 0, {"--state", dir / "b-state"}};
  // The isolated machine's node, started again until it owns an instance.
  const std::vector<std::string> keys{
      "BTCUSDT/every-n#1", "BTCUSDT/sma-cross#2", "ETHUSDT/every-n#1",
      "ETHUSDT/sma-cross#2"};
  pid_t c_pid = 0;
  std::string c_address;
  for (int attempt = 0; attempt < 10 && c_address.empty(); ++attempt) {
    c_pid = machine.start({"node", "--listen", machine.address() + ":0",
                           "--workers", "1", "--secret-file", secret, "--state",
                           dir / "c-state"},
                          dir / "c.out", dir / "c.log");
    REQUIRE(wait_for(dir / "c.out", "listening on"));
    std::smatch m;
    const auto text = slurp(dir / "c.out");
    REQUIRE(std::regex_search(text, m, std::regex{" on ([^ ]+) with"}));
    const std::vector<std::string> nodes{a.address(), b.address(), m[1]};
    for (const auto& k : keys)
      if (btk::place(nodes, {true, true, true}, k)->owner == 2)
        c_address = m[1];
    if (c_address.empty()) {
      ::kill(c_pid, SIGTERM);
      ::waitpid(c_pid, nullptr, 0);
    }
  }
  REQUIRE_FALSE(c_address.empty());
  const auto pid = start_btk(
      with(fleet_args(store),
           {"--nodes", a.address() + "," + b.address() + "," + c_address,
            "--state", dir / "coordinator", "--secret-file", secret,
            "--heartbeat-ms", "100", "--node-timeout-ms", "800", "--events-out",
            dir / "fleet.jsonl"}),
      dir / "live.out", dir / "live.err");
  REQUIRE(wait_for(dir / "c.log", "runs live instance"));
  REQUIRE(wait_for(dir / "fleet.jsonl", "\"action\":\"closed\""));
  machine.cut();
  const bool moved = wait_for(dir / "live.err", "after its node was lost", 10s);
  // The isolated node cannot get its minutes onto a standby: its sessions
  // stop on their own, publishing nothing more.
  const bool stopped = wait_for(dir / "c.log", "stopped:", 10s);
  machine.heal(); // late messages of the old epoch now arrive, and are refused
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::kill(c_pid, SIGTERM);
  ::waitpid(c_pid, nullptr, 0);
  const auto err = slurp(dir / "live.err");
  INFO("live's stderr:\n"
       << err << "\nisolated node's log:\n"
       << slurp(dir / "c.log"));
  CHECK(moved);
  CHECK(stopped);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(has(err, "node " + c_address + " is down: did not answer for"));
  CHECK(events_by_instance(dir / "fleet.jsonl") == want);
}

TEST_CASE("a live fleet's coordinator killed mid-run resumes from its "
          "state: no instance runs twice, no event is lost or published "
          "twice",
          "[cli][cluster][fleet]") {
  if (!have_data())
    return;
  scratch_dir dir{"cluster_fleet_coordinator"};
  const auto store = make_store(dir);
  const auto secret = write_secret(dir, "secret", secret_text);
  const auto want = single_process(dir, store);
  three_node_fleet fleet{dir, "fleet", secret};
  const auto args =
      with(fleet_args(store),
           {"--secret-file", secret, "--events-out", dir / "fleet.jsonl"});
  fleet.start(args);
  fleet.owner();
  REQUIRE(wait_for(dir / "fleet.jsonl", "\"action\":\"closed\""));
  std::this_thread::sleep_for(300ms);
  ::kill(fleet.pid, SIGKILL);
  REQUIRE(reap_killed(fleet.pid));
  fleet.pid = 0;
  const auto part = events_by_instance(dir / "fleet.jsonl");
  // The nodes notice it has gone; their instances stop, their state safe.
  for (const auto& n : fleet.nodes)
    CHECK(wait_for(n->log_path(), "coordinator is gone"));
  // Started again on the same state, the fleet goes on where it was.
  const auto r = run_btk(dir, fleet.command(args));
  REQUIRE(r.code == 0);
  const auto got = events_by_instance(dir / "fleet.jsonl");
  std::size_t before = 0;
  for (const auto& [instance, lines] : part)
    before += lines.size();
  std::size_t after = 0;
  for (const auto& [instance, lines] : got)
    after += lines.size();
  CHECK(before > 0);
  CHECK(after > before);
  CHECK(got == want);
  CHECK(trades(got) == trades(want));
  // A third run finds every instance ended.
  const auto again = run_btk(dir, fleet.command(args));
  CHECK(again.code == 0);
  CHECK(events_by_instance(dir / "fleet.jsonl") == want);
  // Another fleet is refused that state.
  const auto other = run_btk(
      dir,
      fleet.command(with(fleet_args(store), {"--secret-file", secret,
                                             "--strategy", "every-n:n=60"})));
  CHECK(other.code == 1);
  CHECK(has(other.err, "belongs to another fleet"));
}

#include "runtime/server/server.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/api/engine.hpp"
#include "runtime/server/listener.hpp"
#include "runtime/server/server_impl.hpp"
#include "runtime/store/candle_store.hpp"

namespace btk {

namespace serve {

namespace {

// Ids of the runs whose folders are already in `dir` (`live-3`, ...).
void reserve_ids(btk::hub& h, const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (dir.empty() || !fs::is_directory(dir, ec))
    return;
  for (const auto& e : fs::directory_iterator{dir, ec}) {
    const auto name = e.path().filename().string();
    const auto dash = name.rfind('-');
    if (dash == std::string::npos)
      continue;
    const auto kind = name.substr(0, dash);
    const auto digits = name.substr(dash + 1);
    if (digits.empty() || digits.size() > 18 ||
        digits.find_first_not_of("0123456789") != std::string::npos)
      continue;
    for (auto k : {run_kind::backtest, run_kind::walker, run_kind::sweep,
                   run_kind::live})
      if (kind == to_string(k))
        h.reserve(k, std::stoull(digits));
  }
}

} // namespace

core::core(server_options opts, std::string tok)
    : o(std::move(opts))
    , token(std::move(tok))
    , events(hub_options{65536, o.nice})
    , limiter(o.rate_per_second, o.rate_burst) {
  reserve_ids(events, o.dump_dir);
  reserve_ids(events, o.state_dir);
  launcher_ = std::thread([this] { launcher_loop(); });
}

core::~core() {
  // The runs started here stop at once (their state is safe either way);
  // walkers and sweeps have no stop and run to their end.
  for (const auto& r : events.runs()) {
    r->graceful = true;
    r->hard = true;
  }
  {
    std::lock_guard<std::mutex> g{threads_mtx_};
    closing_ = true;
  }
  launch_cv_.notify_all();
  launcher_.join();
  for (auto& t : threads_)
    t.thread.join();
}

void core::spawn(std::function<void()> body,
                 std::function<void(const std::string&)> failed) {
  {
    std::lock_guard<std::mutex> g{threads_mtx_};
    to_launch_.push_back({std::move(body), std::move(failed)});
  }
  launch_cv_.notify_all();
}

void core::launcher_loop() {
  std::unique_lock<std::mutex> g{threads_mtx_};
  for (;;) {
    launch_cv_.wait(g, [this] { return closing_ || !to_launch_.empty(); });
    if (closing_)
      return;
    auto next = std::move(to_launch_.front());
    to_launch_.pop_front();
    // Joins the runs that ended.
    for (auto it = threads_.begin(); it != threads_.end();)
      if (it->done->load()) {
        it->thread.join();
        it = threads_.erase(it);
      } else {
        ++it;
      }
    auto done = std::make_shared<std::atomic<bool>>(false);
    try {
      threads_.push_back({std::thread([body = std::move(next.body), done] {
                            body();
                            done->store(true);
                          }),
                          done});
    } catch (const std::system_error& e) {
      g.unlock();
      next.failed(std::string{"no thread for the run: "} + e.what());
      g.lock();
    }
  }
}

namespace {

std::string random_token() {
  std::random_device rd; // /dev/urandom on Linux
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 8; ++i) {
    auto x = rd();
    for (int k = 0; k < 8; ++k, x >>= 4)
      out.push_back(hex[x & 15]);
  }
  return out;
}

// Reads the token file, or writes a new random token there (0600, created
// exclusively: an existing file is never replaced).
std::string token_from(const std::string& path) {
  namespace fs = std::filesystem;
  if (path.empty())
    throw api_error("--token-file: give a file for the bearer token");
  std::error_code ec;
  if (fs::exists(path, ec)) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0)
      throw api_error("--token-file '" + path + "': readable by others (mode " +
                      fmt::format("{:03o}", st.st_mode & 0777) +
                      "); chmod 600 it, it holds a secret");
    std::ifstream in{path};
    std::string tok;
    std::getline(in, tok);
    while (!tok.empty() && (tok.back() == '\r' || tok.back() == ' '))
      tok.pop_back();
    if (tok.size() < 16)
      throw api_error("--token-file '" + path +
                      "': the token must be at least 16 characters");
    return tok;
  }
  const auto parent = fs::path{path}.parent_path();
  if (!parent.empty())
    fs::create_directories(parent, ec);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0)
    throw api_error("--token-file '" + path + "': " + std::strerror(errno));
  const auto tok = random_token();
  const auto line = tok + "\n";
  const bool ok = ::write(fd, line.data(), line.size()) ==
                  static_cast<ssize_t>(line.size());
  ::close(fd);
  if (!ok)
    throw api_error("--token-file '" + path + "': could not write it");
  return tok;
}

} // namespace

} // namespace serve

struct api_server::impl {
  serve::core c;
  serve::listener l;
  impl(server_options o, std::string tok)
      : c(std::move(o), std::move(tok))
      , l(c) {}
};

api_server::api_server(server_options o) {
  if (!o.store.empty())
    if (auto s = candle_store::open_read_only(o.store); !s)
      throw api_error("--store '" + o.store + "': " + s.err().message);
  auto tok = serve::token_from(o.token_file);
  impl_ = std::make_unique<impl>(std::move(o), std::move(tok));
}

api_server::~api_server() = default;

std::string api_server::url() const {
  return "http://" + impl_->l.address();
}

const std::string& api_server::token() const {
  return impl_->c.token;
}

hub& api_server::hub() {
  return impl_->c.events;
}

std::shared_ptr<server_run> api_server::attach_live(live_options& opts) {
  std::string title;
  for (const auto& s : opts.strategies)
    title += (title.empty() ? "" : " ") + s;
  auto r = impl_->c.events.add_run(run_kind::live, title);
  serve::hook_live(impl_->c, r, opts);
  return r;
}

void api_server::finish_live(server_run& r, live_report rep) {
  serve::end_live(impl_->c, r, std::move(rep));
}

std::shared_ptr<server_run> api_server::attach_batch(batch_options& opts,
                                                     run_kind kind,
                                                     const std::string& title) {
  auto r = impl_->c.events.add_run(kind, title);
  {
    std::lock_guard<std::mutex> g{r->mtx};
    r->report_dir = opts.report_dir;
  }
  serve::hook_batch(impl_->c, r, opts);
  if (kind == run_kind::backtest)
    opts.stop = &r->graceful;
  return r;
}

std::shared_ptr<server_run> api_server::attach_sweep(sweep_options& opts,
                                                     const std::string& title) {
  auto r = attach_batch(opts, run_kind::sweep, title);
  std::lock_guard<std::mutex> g{r->mtx};
  r->results_file = opts.results_out;
  r->metric = opts.metric;
  return r;
}

void api_server::finish_batch(server_run& r, batch_report rep) {
  serve::end_batch(impl_->c, r, std::move(rep));
}

void api_server::finish_sweep(server_run& r, sweep_report rep) {
  serve::end_sweep(impl_->c, r, std::move(rep));
}

void api_server::fail(server_run& r, const std::string& why) {
  serve::end_failed(impl_->c, r, why);
}

} // namespace btk

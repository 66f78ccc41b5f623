#pragma once

// Runs the real `btk` binary (path in BTK_BIN, set by CTest) from tests.

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern "C" char** environ;

namespace btk::test {

/// The binary under test; fails the test, saying why, when BTK_BIN is not
/// set or does not point at a file.
inline std::string btk_bin() {
  const char* bin = std::getenv("BTK_BIN");
  if (bin == nullptr || *bin == '\0')
    FAIL("BTK_BIN is not set: run through ctest, or set "
         "BTK_BIN=/path/to/build/bin/btk");
  if (!std::filesystem::exists(bin))
    FAIL("BTK_BIN=" << bin << " does not exist: build the btk target first");
  return bin;
}

/// A fresh directory under the system temp dir, removed with its contents.
class scratch_dir {
public:
  explicit scratch_dir(const std::string& tag) {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("btk_" + tag + "_" + std::to_string(::getpid()) + "_" +
             std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~scratch_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;

  /// A path inside the directory.
  std::string operator/(const std::string& name) const {
    return (path_ / name).string();
  }

private:
  std::filesystem::path path_;
};

/// The whole content of a file ("" when missing).
inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// True when `part` occurs in `text`.
inline bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// Writes `text` to `path` and returns `path`.
inline std::string write_file(const std::string& path,
                              const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  return path;
}

/// Number of lines (newlines) in `text`.
inline std::size_t lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

/// 2024-01-01T00:00:00Z, where `write_csv` starts by default.
constexpr long long t0 = 1'704'067'200'000LL;

/// Writes a generic CSV of `minutes` 1-minute candles from `start` on a
/// gentle zig-zag, leaving out the minutes in `skip`; `bump` adds to every
/// price. Returns `path`.
inline std::string write_csv(const std::string& path, int minutes,
                             long long start = t0,
                             const std::vector<int>& skip = {},
                             double bump = 0) {
  std::ostringstream out;
  out << "timestamp,open,high,low,close,volume\n";
  for (int i = 0; i < minutes; ++i) {
    bool skipped = false;
    for (int k : skip)
      skipped = skipped || k == i;
    if (skipped)
      continue;
    const double c = 100 + bump + (i % 20 < 10 ? i % 10 : 10 - i % 10) * 0.1;
    out << start + i * 60'000LL << ',' << c << ',' << c + 0.05 << ','
        << c - 0.05 << ',' << c << ",10\n";
  }
  return write_file(path, out.str());
}

/// What a run printed and returned.
struct process_result {
  int code = -1;
  std::string out;
  std::string err;
};

/// Runs `btk ARGS`; stderr goes through a file in `dir`. `shell` runs
/// first in the same shell (`ulimit -f 16; ` to limit file sizes).
inline process_result run_btk(const scratch_dir& dir,
                              const std::vector<std::string>& args,
                              const std::string& shell = "") {
  auto quote = [](const std::string& s) {
    std::string out = "'";
    for (char c : s)
      out += c == '\'' ? std::string{"'\\''"} : std::string(1, c);
    return out + "'";
  };
  const std::string err_path = dir / "stderr.txt";
  std::string cmd = shell + (shell.empty() ? "" : "exec ") + quote(btk_bin());
  for (const auto& a : args)
    cmd += " " + quote(a);
  cmd += " 2>" + quote(err_path);
  process_result r;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0)
    r.out.append(buf, n);
  const int status = ::pclose(pipe);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.err = slurp(err_path);
  UNSCOPED_INFO("command: " << cmd << "\nexit " << r.code << "\nstdout:\n"
                            << r.out << "\nstderr:\n"
                            << r.err);
  return r;
}

/// Starts the program `all[0]` with arguments `all[1..]` in the background,
/// its standard output and error going to `out` and `err`; returns its pid.
inline pid_t start_program(std::vector<std::string> all, const std::string& out,
                           const std::string& err) {
  const std::string bin = all.at(0);
  std::vector<char*> argv;
  for (auto& a : all)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  const int rc =
      ::posix_spawn(&pid, bin.c_str(), &fa, nullptr, argv.data(), ::environ);
  posix_spawn_file_actions_destroy(&fa);
  REQUIRE(rc == 0);
  return pid;
}

/// Starts `btk ARGS` in the background, its standard output and error
/// going to `out` and `err` (discarded by default); returns its pid.
inline pid_t start_btk(const std::vector<std::string>& args,
                       const std::string& out = "/dev/null",
                       const std::string& err = "/dev/null") {
  std::vector<std::string> all{btk_bin()};
  all.insert(all.end(), args.begin(), args.end());
  return start_program(std::move(all), out, err);
}

/// Waits up to `limit` for the file `path` to contain `text` (a process's
/// output saying it is ready); false when it never does.
inline bool
wait_for(const std::string& path, const std::string& text,
         std::chrono::milliseconds limit = std::chrono::milliseconds{10000}) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (has(slurp(path), text))
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  return false;
}

/// Waits for `pid`; returns true when it was killed by SIGKILL.
inline bool reap_killed(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

} // namespace btk::test

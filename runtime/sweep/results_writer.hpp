#pragma once

#include <condition_variable>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "messages/sweep_convert.hpp"

namespace btk {

/// Writes a sweep's results file, one JSON line per result in the order
/// they are pushed, on a thread of its own: the coordinator of many nodes
/// takes the next results while the last ones are formatted and written.
class results_writer {
public:
  /// Opens `path` for writing (truncated); lines carry `metric`'s value.
  /// A failed open names `path`; later errors name the file as `shown`
  /// (the file the user asked for, when `path` is a temporary one renamed
  /// over it). Each says why.
  static expected<std::unique_ptr<results_writer>>
  open(std::string path, std::string metric, std::string shown);

  /// Writes what is queued and stops the thread (see `close`).
  ~results_writer();
  results_writer(const results_writer&) = delete;
  results_writer& operator=(const results_writer&) = delete;

  /// Queues `r` for writing; waits while `max_queued` results wait, so
  /// memory stays flat when the disk is slower than the sweep.
  void push(sweep_result r);

  /// Writes every queued result, flushes and closes the file; the first
  /// error, naming the file, when there was one: a failed write, or a
  /// result whose text is not UTF-8 (nothing is written after it). Call
  /// `push` no more after it.
  expected<bool> close();

  /// Results queued at most before `push` waits (the writer may be
  /// formatting as many more). Default: 4096.
  static constexpr std::size_t max_queued = 4096;

private:
  results_writer(std::string path, std::string metric, std::string shown);
  void run();
  expected<bool> outcome() const;

  std::string path_;
  std::string shown_;
  std::string metric_;
  std::vector<char> buffer_;
  std::ofstream out_;
  std::mutex mutex_;
  std::condition_variable has_work_;
  std::condition_variable has_room_;
  std::vector<sweep_result> queue_;
  bool writer_idle_ = false;
  bool closing_ = false;
  bool closed_ = false;
  /// errno of the first failed write (EIO when errno said nothing).
  int write_errno_ = 0;
  /// Why a result could not be formatted (the first such).
  std::string failure_;
  std::thread thread_;
};

} // namespace btk

#include "runtime/sweep/results_writer.hpp"

#include <cerrno>
#include <cstring>
#include <exception>

#include "runtime/results/json.hpp"

namespace btk {

results_writer::results_writer(std::string path, std::string metric,
                               std::string shown)
    : path_(std::move(path))
    , shown_(std::move(shown))
    , metric_(std::move(metric))
    , buffer_(std::size_t{1} << 20) {}

expected<std::unique_ptr<results_writer>>
results_writer::open(std::string path, std::string metric, std::string shown) {
  std::unique_ptr<results_writer> w{
      new results_writer(std::move(path), std::move(metric), std::move(shown))};
  // Large writes (set before open, as filebuf requires).
  w->out_.rdbuf()->pubsetbuf(w->buffer_.data(),
                             static_cast<std::streamsize>(w->buffer_.size()));
  errno = 0;
  w->out_.open(w->path_, std::ios::binary | std::ios::trunc);
  if (!w->out_)
    return error{"cannot write " + w->path_ + ": " +
                 std::strerror(errno != 0 ? errno : EIO)};
  auto* self = w.get();
  w->thread_ = std::thread([self] { self->run(); });
  return w;
}

results_writer::~results_writer() {
  close();
}

void results_writer::push(sweep_result r) {
  std::unique_lock lock{mutex_};
  has_room_.wait(lock, [&] { return queue_.size() < max_queued; });
  queue_.push_back(std::move(r));
  if (writer_idle_) {
    writer_idle_ = false;
    has_work_.notify_one();
  }
}

void results_writer::run() {
  std::vector<sweep_result> batch;
  std::string text;
  for (;;) {
    {
      std::unique_lock lock{mutex_};
      batch.clear();
      writer_idle_ = queue_.empty();
      has_work_.wait(lock, [&] { return !queue_.empty() || closing_; });
      if (queue_.empty())
        return; // closing, all written
      batch.swap(queue_);
      has_room_.notify_all();
    }
    text.clear();
    try {
      for (const auto& r : batch) {
        text += sweep_result_line(r, metric_);
        text += '\n';
      }
    } catch (const std::exception& e) {
      // Text that is not UTF-8 (nlohmann refuses it), or no memory: said
      // at close, and nothing more is written (the file would be short).
      std::lock_guard lock{mutex_};
      if (failure_.empty())
        failure_ = e.what();
      out_.setstate(std::ios::badbit);
      continue;
    }
    errno = 0;
    if (out_ &&
        !out_.write(text.data(), static_cast<std::streamsize>(text.size()))) {
      std::lock_guard lock{mutex_};
      if (write_errno_ == 0)
        write_errno_ = errno != 0 ? errno : EIO;
    }
  }
}

expected<bool> results_writer::close() {
  if (closed_)
    return outcome();
  {
    std::lock_guard lock{mutex_};
    closing_ = true;
    has_work_.notify_one();
  }
  if (thread_.joinable()) // not when the file did not open
    thread_.join();
  closed_ = true;
  errno = 0;
  out_.flush();
  if (!out_ && write_errno_ == 0)
    write_errno_ = errno != 0 ? errno : EIO;
  out_.close();
  if (!out_ && write_errno_ == 0)
    write_errno_ = errno != 0 ? errno : EIO;
  return outcome();
}

expected<bool> results_writer::outcome() const {
  if (!failure_.empty())
    return error{"cannot write " + shown_ + ": " + failure_};
  if (write_errno_ != 0)
    return error{"cannot write " + shown_ + ": " + std::strerror(write_errno_)};
  return true;
}

} // namespace btk

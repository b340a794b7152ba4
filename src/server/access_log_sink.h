// AccessLogSink: an spdlog sink for the request log that never makes a request thread wait on
// the disk. Lines are formatted into an in-memory buffer under a short lock; a writer thread swaps
// the buffer out and writes it every 200 ms, or sooner when it passes 1 MiB. (An async logger wakes
// its thread for every line; a plain file sink writes on the request thread and stalls it when
// the kernel throttles writeback — both showed up in tail latency under load.) Thread-safe.
#pragma once

#include <spdlog/sinks/base_sink.h>

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

namespace logidata {

class AccessLogSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  // Appends to `path`, or writes to stdout when `path` is "stdout".
  explicit AccessLogSink(const std::string& path);
  ~AccessLogSink() override;

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override;

 private:
  void WriterLoop();
  void WriteOut(const std::string& bytes);

  std::FILE* file_ = nullptr;
  bool owns_file_ = false;
  std::mutex buffer_mu_;  // guards pending_ and stop_ (base_sink's mutex guards formatting)
  std::condition_variable wake_;
  std::string pending_;
  bool stop_ = false;
  std::thread writer_;
};

}  // namespace logidata

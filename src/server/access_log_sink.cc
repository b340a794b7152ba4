#include "server/access_log_sink.h"

#include <chrono>
#include <filesystem>
#include <system_error>

namespace logidata {

namespace {
constexpr size_t kWakeBytes = 1 << 20;
constexpr auto kWriteInterval = std::chrono::milliseconds(200);
}  // namespace

AccessLogSink::AccessLogSink(const std::string& path) {
  if (path == "stdout") {
    file_ = stdout;
  } else {
    std::error_code ec;
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    file_ = std::fopen(path.c_str(), "ab");
    if (file_ == nullptr) throw spdlog::spdlog_ex("cannot open the access log '" + path + "'", errno);
    owns_file_ = true;
  }
  writer_ = std::thread([this] { WriterLoop(); });
}

AccessLogSink::~AccessLogSink() {
  {
    std::lock_guard<std::mutex> lock(buffer_mu_);
    stop_ = true;
  }
  wake_.notify_one();
  writer_.join();
  if (owns_file_) std::fclose(file_);
}

void AccessLogSink::sink_it_(const spdlog::details::log_msg& msg) {
  spdlog::memory_buf_t line;
  formatter_->format(msg, line);
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(buffer_mu_);
    pending_.append(line.data(), line.size());
    wake = pending_.size() >= kWakeBytes;
  }
  if (wake) wake_.notify_one();
}

void AccessLogSink::flush_() {
  std::string bytes;
  {
    std::lock_guard<std::mutex> lock(buffer_mu_);
    bytes.swap(pending_);
  }
  WriteOut(bytes);
}

void AccessLogSink::WriterLoop() {
  std::string bytes;
  std::unique_lock<std::mutex> lock(buffer_mu_);
  while (true) {
    wake_.wait_for(lock, kWriteInterval, [this] { return stop_ || pending_.size() >= kWakeBytes; });
    bytes.clear();
    bytes.swap(pending_);
    bool stopping = stop_;
    lock.unlock();
    WriteOut(bytes);  // the disk is only ever waited on here
    lock.lock();
    if (stopping && pending_.empty()) return;
  }
}

void AccessLogSink::WriteOut(const std::string& bytes) {
  if (bytes.empty()) return;
  std::fwrite(bytes.data(), 1, bytes.size(), file_);
  std::fflush(file_);
}

}  // namespace logidata

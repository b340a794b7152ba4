// RequestPacer: spaces requests at most `per_second` apart across every HttpClient that shares it,
// so a node that calls an API from several threads still honours one rate limit (a per-client
// limit would multiply it by the number of threads). Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>

namespace logidata {

class RequestPacer {
 public:
  // `per_second` <= 0 means unlimited.
  explicit RequestPacer(double per_second) : per_second_(per_second) {}

  // Blocks until the caller may send its next request, then reserves that slot. Returns false
  // (without reserving) when `cancelled` was set while waiting.
  bool Wait(const std::atomic<bool>* cancelled = nullptr);

  double per_second() const { return per_second_; }

 private:
  const double per_second_;
  std::mutex mu_;
  std::chrono::steady_clock::time_point next_{};
};

}  // namespace logidata

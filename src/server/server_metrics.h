// ServerMetrics: the Prometheus counters and histograms of the server — HTTP requests by method,
// route and status with a latency histogram, pipeline executions by status with a duration
// histogram, and rows processed. Recording is lock-free on the hot path (atomics; a lock only
// when a new label set first appears). Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>

namespace logidata {

class Histogram {
 public:
  static constexpr std::array<double, 12> kBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1,    2.5};
  void Observe(double seconds);
  // Appends `name_bucket{labels,le=…}` lines, `_sum` and `_count`.
  void Render(const std::string& name, const std::string& labels, std::string& out) const;

 private:
  std::array<std::atomic<int64_t>, kBounds.size() + 1> buckets_{};
  std::atomic<int64_t> count_{0};
  std::atomic<int64_t> sum_micros_{0};
};

class ServerMetrics {
 public:
  void RecordRequest(const std::string& method, const std::string& route, int status, double seconds);
  void RecordExecution(const std::string& status, double seconds, int64_t rows);
  std::string RenderPrometheus() const;

 private:
  struct Series {
    std::atomic<int64_t> count{0};
  };
  mutable std::shared_mutex mu_;
  std::map<std::string, std::unique_ptr<Series>> requests_;        // by label text
  std::map<std::string, std::unique_ptr<Histogram>> durations_;    // by route label
  std::map<std::string, std::unique_ptr<Series>> executions_;      // by status
  Histogram execution_seconds_;
  std::atomic<int64_t> rows_processed_{0};
};

}  // namespace logidata

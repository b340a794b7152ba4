#include "server/server_metrics.h"

#include <cstdio>
#include <mutex>

namespace logidata {

void Histogram::Observe(double seconds) {
  size_t i = 0;
  while (i < kBounds.size() && seconds > kBounds[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<int64_t>(seconds * 1e6), std::memory_order_relaxed);
}

void Histogram::Render(const std::string& name, const std::string& labels, std::string& out) const {
  int64_t cumulative = 0;
  std::string sep = labels.empty() ? "" : ",";
  char buf[64];
  for (size_t i = 0; i <= kBounds.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    std::string le = "+Inf";
    if (i < kBounds.size()) {
      std::snprintf(buf, sizeof buf, "%g", kBounds[i]);
      le = buf;
    }
    out += name + "_bucket{" + labels + sep + "le=\"" + le + "\"} " + std::to_string(cumulative) + "\n";
  }
  std::snprintf(buf, sizeof buf, "%.6f", sum_micros_.load() / 1e6);
  std::string braces = labels.empty() ? "" : "{" + labels + "}";
  out += name + "_sum" + braces + " " + buf + "\n";
  out += name + "_count" + braces + " " + std::to_string(count_.load()) + "\n";
}

namespace {
template <typename T>
T& FindOrAdd(std::shared_mutex& mu, std::map<std::string, std::unique_ptr<T>>& map, const std::string& key) {
  {
    std::shared_lock lock(mu);
    auto it = map.find(key);
    if (it != map.end()) return *it->second;
  }
  std::unique_lock lock(mu);
  auto& slot = map[key];
  if (!slot) slot = std::make_unique<T>();
  return *slot;
}
}  // namespace

void ServerMetrics::RecordRequest(const std::string& method, const std::string& route, int status, double seconds) {
  std::string labels = "method=\"" + method + "\",route=\"" + route + "\",status=\"" + std::to_string(status) + "\"";
  FindOrAdd(mu_, requests_, labels).count.fetch_add(1, std::memory_order_relaxed);
  FindOrAdd(mu_, durations_, "route=\"" + route + "\"").Observe(seconds);
}

void ServerMetrics::RecordExecution(const std::string& status, double seconds, int64_t rows) {
  FindOrAdd(mu_, executions_, status).count.fetch_add(1, std::memory_order_relaxed);
  execution_seconds_.Observe(seconds);
  rows_processed_.fetch_add(rows, std::memory_order_relaxed);
}

std::string ServerMetrics::RenderPrometheus() const {
  std::string out;
  std::shared_lock lock(mu_);
  out += "# HELP http_requests_total HTTP requests served.\n# TYPE http_requests_total counter\n";
  for (const auto& [labels, s] : requests_) out += "http_requests_total{" + labels + "} " + std::to_string(s->count.load()) + "\n";
  out += "# HELP http_request_duration_seconds Time to answer an HTTP request.\n"
         "# TYPE http_request_duration_seconds histogram\n";
  for (const auto& [labels, h] : durations_) h->Render("http_request_duration_seconds", labels, out);
  // One count per attempt: a run retried twice counts three times (failed, failed, succeeded).
  out += "# HELP pipeline_executions_total Pipeline run attempts finished, by outcome.\n"
         "# TYPE pipeline_executions_total counter\n";
  for (const char* status : {"succeeded", "failed", "cancelled", "timed_out", "handed_back", "refused"}) {
    auto it = executions_.find(status);
    out += std::string("pipeline_executions_total{status=\"") + status + "\"} " +
           std::to_string(it == executions_.end() ? 0 : it->second->count.load()) + "\n";
  }
  out += "# HELP pipeline_execution_duration_seconds Wall time of pipeline runs.\n"
         "# TYPE pipeline_execution_duration_seconds histogram\n";
  execution_seconds_.Render("pipeline_execution_duration_seconds", "", out);
  out += "# HELP data_rows_processed_total Rows read by pipeline sources.\n# TYPE data_rows_processed_total counter\n";
  out += "data_rows_processed_total " + std::to_string(rows_processed_.load()) + "\n";
  return out;
}

}  // namespace logidata

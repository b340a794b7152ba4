#include "anomaly/anomaly_detector.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "anomaly/robust_statistics.h"

namespace logidata::anomaly {
namespace {

constexpr int64_t kMillisPerHour = 3'600'000;

// Hours since the epoch, and the weekday (0 = Monday) and hour of day of a UTC instant.
int64_t HourIndex(int64_t at_ms) { return at_ms >= 0 ? at_ms / kMillisPerHour : (at_ms - kMillisPerHour + 1) / kMillisPerHour; }
int HourOfDay(int64_t at_ms) { return static_cast<int>(((HourIndex(at_ms) % 24) + 24) % 24); }
int Weekday(int64_t at_ms) {
  const int64_t days = HourIndex(at_ms) >= 0 ? HourIndex(at_ms) / 24 : (HourIndex(at_ms) - 23) / 24;
  return static_cast<int>(((days + 3) % 7 + 7) % 7);  // 1970-01-01 was a Thursday
}

// The smallest scale a metric may have (see the header for why and the values).
double ScaleFloor(std::string_view metric, double median, const DetectorOptions& options) {
  const double m = std::fabs(median);
  if (metric == kDurationSeconds) return std::max(options.duration_relative_floor * m, 0.5);
  if (metric == kNullRate) return std::max(options.relative_floor * m, 0.005);
  if (metric == kMin || metric == kMax) return options.relative_floor * std::max(m, 1.0);
  return std::max(options.relative_floor * m, 1.0);  // rows, distinct
}

// Clips an expected range to what the metric can be.
void ClipToDomain(std::string_view metric, double* low, double* high) {
  if (metric == kMin || metric == kMax) return;
  *low = std::max(*low, 0.0);
  if (metric == kNullRate) *high = std::min(*high, 1.0);
}

// The most recent `keep` samples of `samples` (sorted oldest first) that `in_bucket` accepts.
template <typename Pred>
std::vector<MetricSample> RecentIn(const std::vector<MetricSample>& samples, size_t keep, Pred in_bucket) {
  std::vector<MetricSample> out;
  for (auto it = samples.rbegin(); it != samples.rend() && out.size() < keep; ++it) {
    if (in_bucket(*it)) out.push_back(*it);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::string FormatNumber(double v) {
  char buf[64];
  if (std::fabs(v) >= 1e15 || (v != 0 && std::fabs(v) < 1e-4)) {
    std::snprintf(buf, sizeof buf, "%.4g", v);
  } else if (v == std::floor(v)) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.4g", v);
  }
  return buf;
}

std::string BaselineWords(const std::string& baseline) {
  if (baseline == "weekday_hour") return "on the same weekday and hour";
  if (baseline == "hour") return "at the same hour";
  return "in all";
}

}  // namespace

DetectorOptions OptionsForSensitivity(std::string_view sensitivity) {
  DetectorOptions options;
  if (sensitivity == "low") options.threshold = 7;
  if (sensitivity == "high") options.threshold = 3;
  return options;
}

Judgement JudgeMetric(std::string_view metric, std::vector<MetricSample> history, const MetricSample& current,
                      const DetectorOptions& options) {
  Judgement j;
  j.observed = current.value;
  std::stable_sort(history.begin(), history.end(),
                   [](const MetricSample& a, const MetricSample& b) { return a.at_ms < b.at_ms; });
  // A new pipeline is not judged at all: a few first runs say too little about what is normal.
  if (history.empty() || static_cast<int>(history.size()) < options.min_history) return j;
  const int weekday = Weekday(current.at_ms), hour = HourOfDay(current.at_ms);
  const auto seasonal_keep = static_cast<size_t>(std::max(1, options.max_seasonal_history));
  std::vector<MetricSample> baseline = RecentIn(history, seasonal_keep, [&](const MetricSample& s) {
    return Weekday(s.at_ms) == weekday && HourOfDay(s.at_ms) == hour;
  });
  j.baseline = "weekday_hour";
  if (static_cast<int>(baseline.size()) < options.min_seasonal_history) {
    baseline = RecentIn(history, seasonal_keep, [&](const MetricSample& s) { return HourOfDay(s.at_ms) == hour; });
    j.baseline = "hour";
  }
  if (static_cast<int>(baseline.size()) < options.min_seasonal_history) {
    baseline = RecentIn(history, static_cast<size_t>(std::max(1, options.max_history)),
                        [](const MetricSample&) { return true; });
    j.baseline = "all";
  }
  j.judged = true;
  j.history.reserve(baseline.size());
  for (const MetricSample& s : baseline) j.history.push_back(s.value);
  j.median = Median(j.history);
  j.scale = std::max(kMadToSigma * MedianAbsoluteDeviation(j.history, j.median), ScaleFloor(metric, j.median, options));
  j.score = (j.observed - j.median) / j.scale;
  j.expected_low = j.median - options.threshold * j.scale;
  j.expected_high = j.median + options.threshold * j.scale;
  ClipToDomain(metric, &j.expected_low, &j.expected_high);
  const bool slow_side_only = metric == kDurationSeconds;
  j.anomalous = slow_side_only ? j.score > options.threshold : std::fabs(j.score) > options.threshold;
  return j;
}

AnomalyReport DetectRunAnomalies(const std::vector<RunMeasurements>& history, const RunMeasurements& current,
                                 const DetectorOptions& options) {
  AnomalyReport report;
  report.history_runs = static_cast<int>(history.size());
  for (const auto& [key, value] : current.values) {
    std::vector<MetricSample> samples;
    for (const RunMeasurements& run : history) {
      auto it = run.values.find(key);
      if (it != run.values.end()) samples.push_back({run.started_at_ms, it->second});
    }
    Judgement j = JudgeMetric(key.metric, std::move(samples), {current.started_at_ms, value}, options);
    if (!j.judged) {
      ++report.not_enough_history;
      continue;
    }
    ++report.checked;
    if (j.anomalous) report.anomalies.push_back({key, std::move(j)});
  }
  std::stable_sort(report.anomalies.begin(), report.anomalies.end(), [](const Anomaly& a, const Anomaly& b) {
    return std::fabs(a.judgement.score) > std::fabs(b.judgement.score);
  });
  return report;
}

nlohmann::json AnomalyReportJson(const AnomalyReport& report, const DetectorOptions& options) {
  nlohmann::json items = nlohmann::json::array();
  for (const Anomaly& a : report.anomalies) {
    const Judgement& j = a.judgement;
    items.push_back({{"node_id", a.key.node_id},
                     {"column", a.key.column.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.key.column)},
                     {"metric", a.key.metric},
                     {"observed", j.observed},
                     {"expected_low", j.expected_low},
                     {"expected_high", j.expected_high},
                     {"median", j.median},
                     {"score", j.score},
                     {"baseline", j.baseline},
                     {"baseline_runs", j.history.size()},
                     {"history", j.history}});
  }
  return {{"history_runs", report.history_runs},
          {"checked", report.checked},
          {"not_enough_history", report.not_enough_history},
          {"min_history", options.min_history},
          {"threshold", options.threshold},
          {"summary", DescribeAnomalies(report.anomalies)},
          {"items", std::move(items)}};
}

std::string DescribeAnomalies(const std::vector<Anomaly>& anomalies) {
  std::string out;
  for (const Anomaly& a : anomalies) {
    const Judgement& j = a.judgement;
    std::string what = a.key.node_id + (a.key.column.empty() ? "" : "." + a.key.column) + " " + a.key.metric;
    char score[32];
    std::snprintf(score, sizeof score, "%.1f", j.score);
    out += (out.empty() ? "" : "; ") + what + ": " + FormatNumber(j.observed) + ", expected " +
           FormatNumber(j.expected_low) + " to " + FormatNumber(j.expected_high) + " (median " + FormatNumber(j.median) +
           " over " + std::to_string(j.history.size()) + " runs " + BaselineWords(j.baseline) + ", score " + score + ")";
  }
  return out;
}

}  // namespace logidata::anomaly

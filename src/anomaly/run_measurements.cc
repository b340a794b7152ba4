#include "anomaly/run_measurements.h"

#include <cmath>

namespace logidata::anomaly {

nlohmann::json MeasurementsJson(const RunMeasurements& run) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, value] : run.values) {
    nlohmann::json& node = out[key.node_id];
    if (key.column.empty()) {
      node[key.metric] = value;
    } else {
      node["columns"][key.column][key.metric] = value;
    }
  }
  return out;
}

namespace {

bool IsFiniteNumber(const nlohmann::json& v) { return v.is_number() && std::isfinite(v.get<double>()); }

}  // namespace

RunMeasurements MeasurementsFromJson(const nlohmann::json& json, int64_t started_at_ms) {
  RunMeasurements run;
  run.started_at_ms = started_at_ms;
  if (!json.is_object()) return run;
  for (const auto& [node_id, node] : json.items()) {
    if (!node.is_object()) continue;
    for (std::string_view metric : {kRows, kDurationSeconds}) {
      auto it = node.find(std::string(metric));
      if (it != node.end() && IsFiniteNumber(*it)) run.Set(node_id, "", metric, it->get<double>());
    }
    auto columns = node.find("columns");
    if (columns == node.end() || !columns->is_object()) continue;
    for (const auto& [column, stats] : columns->items()) {
      if (!stats.is_object() || column.empty()) continue;
      for (std::string_view metric : {kNullRate, kDistinct, kMin, kMax}) {
        auto it = stats.find(std::string(metric));
        if (it != stats.end() && IsFiniteNumber(*it)) run.Set(node_id, column, metric, it->get<double>());
      }
    }
  }
  return run;
}

}  // namespace logidata::anomaly

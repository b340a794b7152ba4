#include "scheduler/run_anomaly_check.h"

#include <spdlog/spdlog.h>

#include "pipeline/bound_pipeline.h"

namespace logidata {

RunAnomalyCheck::RunAnomalyCheck(Database* db, std::string org_id, std::string pipeline_id, RunLease lease,
                                 const RunPolicy& policy, int64_t started_at_ms)
    : db_(db), org_id_(std::move(org_id)), pipeline_id_(std::move(pipeline_id)), lease_(std::move(lease)),
      policy_(policy.anomaly_policy), options_(anomaly::OptionsForSensitivity(policy.anomaly_sensitivity)),
      started_at_ms_(started_at_ms) {}

void RunAnomalyCheck::OnBound(const BoundPipeline& bound) {
  for (const BoundNode& node : bound.nodes) {
    if (node.skipped || node.op == nullptr) continue;
    is_loader_[node.spec->id] = node.spec->type == "load";
  }
}

anomaly::RunMeasurements RunAnomalyCheck::Measurements(const std::map<std::string, NodeMetrics>& nodes) const {
  anomaly::RunMeasurements run;
  run.started_at_ms = started_at_ms_;
  for (const auto& [id, loader] : is_loader_) {
    auto it = nodes.find(id);
    if (it == nodes.end()) continue;
    const NodeMetrics& m = it->second;
    run.Set(id, "", anomaly::kRows, static_cast<double>(loader ? m.rows_in : m.rows_out));
    run.Set(id, "", anomaly::kDurationSeconds, m.wall_seconds);
  }
  measurer_.Report(&run);
  return run;
}

Status RunAnomalyCheck::Check(const std::map<std::string, NodeMetrics>& nodes,
                              const std::function<void(const std::string&)>& log) {
  if (!enabled()) return Status::OK();
  const anomaly::RunMeasurements current = Measurements(nodes);
  auto previous = PreviousRunMeasurements(*db_, org_id_, pipeline_id_, lease_.run_id, anomaly::kHistoryRunsToLoad);
  if (!previous.ok()) {
    // An unknown history is no anomaly: the run goes on, and records its measurements.
    spdlog::warn("run {}: cannot read the run history: {}", lease_.run_id, previous.status().ToString());
  }
  std::vector<anomaly::RunMeasurements> history;
  if (previous.ok()) {
    for (const MeasuredRun& r : *previous) history.push_back(anomaly::MeasurementsFromJson(r.measurements, r.started_at_ms));
  }
  const anomaly::AnomalyReport report = anomaly::DetectRunAnomalies(history, current, options_);
  nlohmann::json report_json = anomaly::AnomalyReportJson(report, options_);
  report_json["policy"] = policy_;
  auto saved = SaveRunAnomalies(*db_, lease_, anomaly::MeasurementsJson(current), report_json);
  if (!saved.ok()) spdlog::warn("run {}: cannot record its measurements: {}", lease_.run_id, saved.status().ToString());
  if (report.anomalies.empty()) return Status::OK();
  found_ = true;
  const std::string text = std::to_string(report.anomalies.size()) + " anomal" +
                           (report.anomalies.size() == 1 ? "y" : "ies") + " against the run history: " +
                           anomaly::DescribeAnomalies(report.anomalies);
  log(text + (policy_ == "fail" ? "" : " (anomalies: warn, the run goes on)"));
  if (policy_ != "fail") return Status::OK();
  return Status::DataError(text + " (anomalies: fail; nothing was published). Review them on the run page; to accept "
                                  "a lasting change, run once with the anomalies policy set to warn");
}

}  // namespace logidata

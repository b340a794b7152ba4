// RunAnomalyCheck: the anomaly check of one server run attempt. While the run executes it
// measures every loader's input columns (anomaly/run_measurer.h); once every node has finished,
// before the loaders publish, it adds each node's row count and duration, compares the whole with
// the pipeline's earlier successful runs (anomaly/anomaly_detector.h), records measurements and
// report with the run (runs.measurements, runs.anomalies) and says whether the policy fails it.
// Thread-safe: Measure is called from executor threads; the other calls come once each, in order.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "anomaly/anomaly_detector.h"
#include "anomaly/run_measurer.h"
#include "metadata/run_store.h"
#include "pipeline/run_pipeline.h"
#include "pipeline/run_policy.h"

namespace logidata {

struct BoundPipeline;

class RunAnomalyCheck {
 public:
  // `started_at_ms`: when the attempt started (Unix ms), which places it in its weekday and hour.
  RunAnomalyCheck(Database* db, std::string org_id, std::string pipeline_id, RunLease lease, const RunPolicy& policy,
                  int64_t started_at_ms);

  bool enabled() const { return policy_ != "off" && !pipeline_id_.empty(); }

  // Notes which nodes are loaders (their row count is what they received) and which ran.
  void OnBound(const BoundPipeline& bound);
  void Measure(const std::string& node_id, const Batch& batch) { measurer_.Add(node_id, batch); }

  // Measures, compares, records. Returns the run's verdict: DataError naming the anomalies under
  // the "fail" policy, OK otherwise. `log` receives the warning line when anomalies were found.
  Status Check(const std::map<std::string, NodeMetrics>& nodes, const std::function<void(const std::string&)>& log);

  // Anomalies were found (whatever the policy): the run.anomaly notification is due.
  bool found_anomalies() const { return found_; }

 private:
  anomaly::RunMeasurements Measurements(const std::map<std::string, NodeMetrics>& nodes) const;

  Database* db_;
  std::string org_id_;
  std::string pipeline_id_;
  RunLease lease_;
  std::string policy_;  // warn | fail | off
  anomaly::DetectorOptions options_;
  int64_t started_at_ms_;
  std::map<std::string, bool> is_loader_;  // bound, enabled nodes
  anomaly::RunMeasurer measurer_;
  bool found_ = false;
};

}  // namespace logidata

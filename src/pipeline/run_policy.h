// RunPolicy: how the orchestrator treats runs of one pipeline — retries, time limit, how many
// runs of it may execute at once and their priority. It is read from top-level fields of the
// pipeline document:
//   "retry": {"max_attempts": 3, "backoff_seconds": 10, "max_backoff_seconds": 600},
//   "timeout_seconds": 3600,
//   "concurrency": {"limit": 1, "policy": "queue" | "skip" | "cancel_older"},
//   "priority": 0,
//   "schema_drift": "ignore" | "fail" | "evolve",
//   "anomalies": {"policy": "warn" | "fail" | "off", "sensitivity": "low" | "medium" | "high"}
// All are optional; the defaults are one attempt, no time limit, one run at a time (queued),
// priority 0, schema drift recorded but ignored (pipeline/schema_drift.h) and anomalies against
// the run history recorded and notified, at medium sensitivity (anomaly/anomaly_detector.h).
//
// A node may carry its own "retry" and "timeout_seconds" (NodePolicy, same shapes). A node's retry
// re-runs only work that has not reached any other node yet: opening the node (connecting to its
// database or API) and the ELT task's script, which runs in one transaction. Once a node has sent
// rows downstream, running it again would send them twice, so later failures are left to the
// run's retry, which starts a clean attempt. A node's timeout bounds its wall time from opening to
// its last output; exceeding it ends the attempt as timed_out (retried by the run's policy).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace logidata {

struct RetryPolicy {
  int max_attempts = 1;              // attempts in all, the first included
  double backoff_seconds = 10;       // wait before the second attempt; doubles after each failure
  double max_backoff_seconds = 600;  // cap of the doubling
};

struct RunPolicy {
  RetryPolicy retry;
  double timeout_seconds = 0;        // 0 = no limit; per attempt
  int concurrency_limit = 1;         // runs of this pipeline executing at once
  std::string concurrency_policy = "queue";  // when the limit is reached: queue | skip | cancel_older
  int priority = 0;                  // higher runs are claimed first
  // Sources whose columns were added, removed or retyped since the last successful run: always
  // recorded with the run; "fail" also fails the run before any data moves; "evolve" lets the
  // database loaders add the input's new columns to their existing target tables.
  std::string schema_drift = "ignore";
  // Measurements far from the pipeline's run history: "warn" records them with the run and sends
  // the run.anomaly notification; "fail" also fails the run before its loaders publish; "off"
  // neither measures nor checks.
  std::string anomaly_policy = "warn";
  std::string anomaly_sensitivity = "medium";  // low | medium | high: the detector's threshold
};

struct NodePolicy {
  RetryPolicy retry;
  double timeout_seconds = 0;  // 0 = no limit
};

// Appends "<json path>: <problem>" for each invalid run policy field of `doc`.
void CheckRunPolicy(const nlohmann::json& doc, std::vector<std::string>* errors);

// The policy of a document; InvalidArgument naming the first bad field.
Result<RunPolicy> ParseRunPolicy(const nlohmann::json& doc);

// The node policy of node object `node` found at `path` ("/nodes/3"); errors are appended with
// their JSON paths and the defaults kept for the bad fields.
NodePolicy ReadNodePolicy(const nlohmann::json& node, const std::string& path, std::vector<std::string>* errors);

// The wait before attempt `failed_attempt + 1`: backoff * 2^(failed_attempt-1), capped, with
// "equal jitter" (half fixed, half random by `unit_random` in [0, 1)) so that runs failing
// together against the same outage do not all come back at the same instant.
double RetryBackoffSeconds(const RetryPolicy& retry, int64_t failed_attempt, double unit_random);

}  // namespace logidata

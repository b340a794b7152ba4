// Stored runs and their state machine. Runs are always queued in the database first; executors
// claim them atomically and then hold a lease (a random token with an expiry they renew). Every
// write an executor makes afterwards — logs, node metrics, the final status — is a compare-and-set
// on that token, so an executor presumed dead (paused, partitioned) whose run was handed on has
// its late writes refused and stops. Thread-safe.
//
//   queued ──claim──▶ running ──▶ succeeded | failed | cancelled | timed_out
//     ▲   ╲                 │ retryable failure (Unavailable, timeout, lost executor) with
//     │    ╲ skip policy     ▼ attempts left
//     │     ▶ skipped     retrying (not_before) ──claim──▶ running (attempt + 1)
//     └── handed back on a graceful stop (attempt + 1)
// Rows written before the state machine existed may say `interrupted` (an executor died).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "metadata/database.h"

namespace logidata {

struct NewRun {
  std::string org_id;
  std::string pipeline_id;
  int64_t pipeline_version = 0;
  std::string trigger;  // manual | schedule | retry | api | backfill | webhook | …
  nlohmann::json parameters = nlohmann::json::object();
  std::string created_by;
  std::string retry_of;
  std::optional<int64_t> priority;  // overrides the pipeline's run policy priority
};

struct ClaimedRun {
  std::string id;
  std::string org_id;
  std::string pipeline_id;
  int64_t pipeline_version = 0;
  nlohmann::json parameters;
  nlohmann::json document;  // the pipeline version's document; null if it was deleted
  int64_t attempt = 1;
  std::string lease_token;  // fences every later write of this attempt
  int64_t last_log_seq = 0;  // log lines of earlier attempts
};

// The fence of one attempt: writes succeed only while the run is running under this token.
struct RunLease {
  std::string run_id;
  std::string token;
};

// How an attempt ended, as the executor stores it.
struct AttemptOutcome {
  // The run's next status: succeeded, failed, cancelled, timed_out (final), retrying (another
  // attempt after `not_before`) or queued (handed back by an executor that stops).
  std::string run_status;
  std::string attempt_status;  // succeeded, failed, cancelled, timed_out, handed_back
  std::string error;           // empty = none
  std::string failed_node;
  int64_t rows_processed = 0;
  std::string not_before;      // retrying: ISO time of the next attempt
};

// A run whose executor stopped renewing its lease, as the sweep left it.
struct RecoveredRun {
  std::string org_id;
  std::string run_id;
  std::string status;  // retrying (re-queued as a new attempt), failed or cancelled
};

constexpr const char* kRunColumns =
    "id, org_id, pipeline_id, pipeline_version, status, trigger_kind, parameters, created_by, created_at, started_at, "
    "finished_at, error, failed_node, rows_processed, retry_of, attempt, max_attempts, priority, not_before, worker, "
    "schema_drift, anomalies";

// Every status a run row may have (`interrupted` only on rows from before the state machine).
const std::vector<std::string>& RunStatuses();
bool IsFinalRunStatus(const std::string& status);

nlohmann::json RunRowJson(const DbRow& row);

// Inserts a queued run (and its audit row), applying the pipeline's run policy: its priority,
// attempts and concurrency limit are copied onto the run; with the `skip` policy a run over the
// limit is stored as skipped, with `cancel_older` the older runs over the limit are cancelled.
// On PostgreSQL it NOTIFYs waiting workers when the transaction commits. Returns the run's JSON.
Result<nlohmann::json> CreateRun(Database& db, const NewRun& run, const std::string& actor);
// The same inside the caller's transaction (a scheduler fire moves next_fire_at and queues its
// run atomically). Returns the new run's id.
Result<std::string> CreateRunIn(DbConnection& c, const NewRun& run, const std::string& actor);
// The node metrics of a run as {node_id: {status, rows_in, …, started_at, finished_at}}.
Result<nlohmann::json> LoadNodeMetricsJson(Database& db, const std::string& run_id);
// The run with "nodes": {node_id: metrics} and "attempts": [...]. NotFound for unknown or foreign ids.
Result<nlohmann::json> LoadRunJson(Database& db, const std::string& org_id, const std::string& id);

// Claims the most urgent runnable run (queued, or retrying whose not_before has passed; highest
// priority, then oldest) whose pipeline is under its concurrency limit, for `worker`, with a lease
// of `lease_seconds`. Claims are serialized (an advisory lock on PostgreSQL, the write lock on
// SQLite) so the per-pipeline limit holds across workers.
Result<std::optional<ClaimedRun>> ClaimNextRun(Database& db, const std::string& worker, int lease_seconds);

// Extends the lease. nullopt = refused (the run moved on: stop it); else whether a cancel was
// requested.
Result<std::optional<bool>> RenewRunLease(Database& db, const RunLease& lease, int lease_seconds);

// Appends one log line; false = refused (lease lost).
Result<bool> AppendRunLog(Database& db, const RunLease& lease, int64_t seq, const std::string& ts,
                          const std::string& level, const std::string& node_id, const std::string& message);

// Stores how the attempt ended (a compare-and-set on the lease). false = refused: the run was
// handed on or cancelled meanwhile and this executor's result is discarded.
// The source schemas (pipeline/schema_drift.h) of the pipeline's latest successful run that
// recorded them, or null.
Result<nlohmann::json> PreviousSourceSchemas(Database& db, const std::string& org_id, const std::string& pipeline_id);
// Records the attempt's source schemas and its drift against the previous successful run; false
// when the lease no longer holds.
Result<bool> SaveSchemaDrift(Database& db, const RunLease& lease, const nlohmann::json& source_schemas,
                             const nlohmann::json& drift);

// One earlier run's measurements (anomaly/run_measurements.h: MeasurementsJson) and when it
// started.
struct MeasuredRun {
  int64_t started_at_ms = 0;
  nlohmann::json measurements;
};
// The measurements of the pipeline's latest `limit` successful runs other than `run_id`, newest
// first. Runs that failed — the anomaly policy "fail" included — are not history: what failed is
// not the normal to compare with. Unreadable rows are skipped.
Result<std::vector<MeasuredRun>> PreviousRunMeasurements(Database& db, const std::string& org_id,
                                                          const std::string& pipeline_id, const std::string& run_id,
                                                          int limit);
// Records the attempt's measurements and anomaly report; false when the lease no longer holds.
Result<bool> SaveRunAnomalies(Database& db, const RunLease& lease, const nlohmann::json& measurements,
                              const nlohmann::json& report);

Result<bool> FinishRunAttempt(Database& db, const RunLease& lease, int64_t attempt, const AttemptOutcome& outcome);

// The orphan sweep: one UPDATE … RETURNING takes every running run whose lease expired before
// `now` (`all_running`: every running run — a single-process store after a restart) and re-queues
// it as a new attempt (status retrying) while attempts remain, else fails it. Only the process
// whose statement returned a run reports it, so a run is reported once however many sweep.
Result<std::vector<RecoveredRun>> RecoverOrphanedRuns(Database& db, bool all_running, const std::string& reason);

// Wakes executors waiting on PostgreSQL LISTEN (no-op on SQLite).
inline constexpr const char* kRunQueueChannel = "logidata_runs";

}  // namespace logidata

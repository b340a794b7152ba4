// Stored runs: queueing (runs are always queued in the database first), claiming by executors
// (atomically; PostgreSQL uses FOR UPDATE SKIP LOCKED so many workers share one queue), status
// changes, logs and per-node metrics, and recovery of runs whose executor died. Thread-safe.
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
  std::string trigger;  // manual | schedule | retry | api
  nlohmann::json parameters = nlohmann::json::object();
  std::string created_by;
  std::string retry_of;
};

struct ClaimedRun {
  std::string id;
  std::string org_id;
  std::string pipeline_id;
  int64_t pipeline_version = 0;
  nlohmann::json parameters;
  nlohmann::json document;  // the pipeline version's document; null if it was deleted
};

constexpr const char* kRunColumns =
    "id, org_id, pipeline_id, pipeline_version, status, trigger_kind, parameters, created_by, created_at, started_at, "
    "finished_at, error, failed_node, rows_processed, retry_of";

nlohmann::json RunRowJson(const DbRow& row);

// Inserts a queued run (and its audit row). Returns the run's JSON.
Result<nlohmann::json> CreateRun(Database& db, const NewRun& run, const std::string& actor);
// The same inside the caller's transaction (a scheduler fire moves next_fire_at and queues its
// run atomically). Returns the new run's id.
Result<std::string> CreateRunIn(DbConnection& c, const NewRun& run, const std::string& actor);
// The run with "nodes": {node_id: metrics}. NotFound for unknown or foreign ids.
Result<nlohmann::json> LoadRunJson(Database& db, const std::string& org_id, const std::string& id);
// Takes the oldest queued run, marking it running by `worker`.
Result<std::optional<ClaimedRun>> ClaimNextRun(Database& db, const std::string& worker);
// Marks running runs as interrupted: all of them (`stale_before` empty) or those whose executor
// has not sent a heartbeat since `stale_before`. Returns how many.
// `interrupted`, if given, receives the (org id, run id) of each run marked (for notifications).
Result<int64_t> InterruptOrphanedRuns(Database& db, const std::string& stale_before,
                                      std::vector<std::pair<std::string, std::string>>* interrupted = nullptr);

}  // namespace logidata

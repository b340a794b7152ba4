#include "metadata/run_store.h"

#include <algorithm>
#include <chrono>

#include "common/json_text.h"
#include "metadata/audit_log.h"
#include "pipeline/run_policy.h"

namespace logidata {
namespace {

nlohmann::json OptJson(const DbRow& r, const char* col) {
  return r.IsNull(col) ? nlohmann::json(nullptr) : nlohmann::json(r.Str(col));
}

// Serializes claims and concurrency decisions across processes sharing a PostgreSQL store (SQLite
// serializes writers already). A bounded wait: a claimer stopped mid-transaction (SIGSTOP) makes
// the others fail this claim and retry, never hang.
Status LockRunQueue(DbConnection& c, DbDialect dialect) {
  if (dialect != DbDialect::kPostgres) return Status::OK();
  auto t = c.Query("SET LOCAL lock_timeout = '2s'");
  if (!t.ok()) return t.status();
  auto l = c.Query("SELECT pg_advisory_xact_lock(4245)");
  return l.ok() ? Status::OK() : l.status();
}

Status NotifyRunQueue(DbConnection& c, DbDialect dialect, const std::string& run_id) {
  if (dialect != DbDialect::kPostgres) return Status::OK();
  auto n = c.Query("SELECT pg_notify(?, ?)", {std::string(kRunQueueChannel), run_id});
  return n.ok() ? Status::OK() : n.status();
}

std::string IsoAfterSeconds(double seconds) {
  int64_t now =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  return IsoFromUnixMillis(now + static_cast<int64_t>(seconds * 1000));
}

// A lost executor is not the run's fault: its run gets at least this many attempts.
constexpr int kLostExecutorAttempts = 3;

}  // namespace

const std::vector<std::string>& RunStatuses() {
  static const std::vector<std::string> kStatuses = {"queued",    "running", "retrying",  "succeeded",  "failed",
                                                     "cancelled", "timed_out", "skipped", "interrupted"};
  return kStatuses;
}

bool IsFinalRunStatus(const std::string& s) {
  return s == "succeeded" || s == "failed" || s == "cancelled" || s == "timed_out" || s == "skipped" ||
         s == "interrupted";
}

// The recorded drift (an array, empty when nothing changed), or null when the run recorded none.
nlohmann::json SchemaDriftJson(const DbRow& r) {
  if (r.IsNull("schema_drift")) return nullptr;
  nlohmann::json drift = ParseJsonOrDiscarded(r.Str("schema_drift"));
  return drift.is_array() ? drift : nlohmann::json(nullptr);
}

// The anomaly report (anomaly/anomaly_detector.h) recorded with the run, or null.
nlohmann::json AnomaliesJson(const DbRow& r) {
  if (r.IsNull("anomalies")) return nullptr;
  nlohmann::json report = ParseJsonOrDiscarded(r.Str("anomalies"));
  return report.is_object() ? report : nlohmann::json(nullptr);
}

nlohmann::json RunRowJson(const DbRow& r) {
  nlohmann::json params = ParseJsonOrDiscarded(r.Str("parameters"));
  return {{"id", r.Str("id")},
          {"pipeline_id", r.Str("pipeline_id")},
          {"pipeline_version", r.Int("pipeline_version")},
          {"status", r.Str("status")},
          {"trigger", r.Str("trigger_kind")},
          {"parameters", params.is_discarded() ? nlohmann::json::object() : params},
          {"created_by", OptJson(r, "created_by")},
          {"created_at", r.Str("created_at")},
          {"started_at", OptJson(r, "started_at")},
          {"finished_at", OptJson(r, "finished_at")},
          {"error", OptJson(r, "error")},
          {"failed_node", OptJson(r, "failed_node")},
          {"rows_processed", r.Int("rows_processed")},
          {"retry_of", OptJson(r, "retry_of")},
          {"attempt", r.Int("attempt")},
          {"max_attempts", r.Int("max_attempts")},
          {"priority", r.Int("priority")},
          {"not_before", OptJson(r, "not_before")},
          {"worker", OptJson(r, "worker")},
          {"schema_drift", SchemaDriftJson(r)},
          {"anomalies", AnomaliesJson(r)}};
}

Result<std::string> CreateRunIn(DbConnection& c, const NewRun& run, const std::string& actor) {
  std::string id = NewId();
  std::string now = NowIso8601();
  std::string params = run.parameters.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  DbDialect dialect = c.Query("SELECT pg_backend_pid()").ok() ? DbDialect::kPostgres : DbDialect::kSqlite;
  // The policy of the version that will run. Documents were checked when saved; a stored one that
  // no longer parses runs with the defaults rather than not at all.
  RunPolicy policy;
  auto doc = c.Query("SELECT document FROM pipeline_versions WHERE pipeline_id = ? AND version = ?",
                     {run.pipeline_id, run.pipeline_version});
  if (!doc.ok()) return doc.status();
  if (!doc->rows.empty()) {
    auto parsed = ParseRunPolicy(ParseJsonOrDiscarded(doc->rows[0].Str("document")));
    if (parsed.ok()) policy = *parsed;
  }
  std::string status = "queued";
  std::string error;
  if (policy.concurrency_policy != "queue") {
    LD_RETURN_IF_ERROR(LockRunQueue(c, dialect));
    auto active = c.Query(
        "SELECT id, status FROM runs WHERE pipeline_id = ? AND status IN ('queued', 'retrying', 'running') ORDER BY "
        "created_at DESC, id DESC",
        {run.pipeline_id});
    if (!active.ok()) return active.status();
    int64_t count = static_cast<int64_t>(active->rows.size());
    if (policy.concurrency_policy == "skip" && count >= policy.concurrency_limit) {
      status = "skipped";
      error = "skipped: " + std::to_string(count) + " run(s) of this pipeline are already queued or running (limit " +
              std::to_string(policy.concurrency_limit) + ", concurrency policy skip)";
    } else if (policy.concurrency_policy == "cancel_older") {
      // Keep the newest limit-1 older runs; the new one takes the last place.
      for (size_t i = static_cast<size_t>(std::max(0, policy.concurrency_limit - 1)); i < active->rows.size(); ++i) {
        const DbRow& old = active->rows[i];
        auto r = old.Str("status") == "running"
                     ? c.Query("UPDATE runs SET cancel_requested = 1 WHERE id = ? AND status = 'running'", {old.Str("id")})
                     : c.Query("UPDATE runs SET status = 'cancelled', finished_at = ?, error = ? WHERE id = ? AND status "
                               "IN ('queued', 'retrying')",
                               {now, std::string("cancelled: a newer run was queued (concurrency policy cancel_older)"),
                                old.Str("id")});
        if (!r.ok()) return r.status();
      }
    }
  }
  int64_t priority = run.priority.value_or(policy.priority);
  auto ins = c.Query(
      "INSERT INTO runs (id, org_id, pipeline_id, pipeline_version, status, trigger_kind, parameters, created_by, "
      "created_at, retry_of, finished_at, error, max_attempts, max_concurrency, priority) VALUES (?, ?, ?, ?, ?, ?, ?, "
      "?, ?, ?, ?, ?, ?, ?, ?)",
      {id, run.org_id, run.pipeline_id, run.pipeline_version, status, run.trigger, params,
       run.created_by.empty() ? DbValue(nullptr) : DbValue(run.created_by), now,
       run.retry_of.empty() ? DbValue(nullptr) : DbValue(run.retry_of),
       status == "skipped" ? DbValue(now) : DbValue(nullptr), error.empty() ? DbValue(nullptr) : DbValue(error),
       int64_t{policy.retry.max_attempts}, int64_t{policy.concurrency_limit}, priority});
  if (!ins.ok()) return ins.status();
  LD_RETURN_IF_ERROR(WriteAudit(c, {run.org_id, actor, "run.start", "run", id, nullptr,
                                    {{"pipeline_id", run.pipeline_id}, {"trigger", run.trigger},
                                     {"parameters", run.parameters}}}));
  if (status == "queued") LD_RETURN_IF_ERROR(NotifyRunQueue(c, dialect, id));
  return id;
}

Result<nlohmann::json> CreateRun(Database& db, const NewRun& run, const std::string& actor) {
  std::string id;
  Status st = db.Transact([&](DbConnection& c) -> Status {
    LD_ASSIGN_OR_RETURN(id, CreateRunIn(c, run, actor));
    return Status::OK();
  });
  LD_RETURN_IF_ERROR(st);
  return LoadRunJson(db, run.org_id, id);
}

Result<nlohmann::json> LoadNodeMetricsJson(Database& db, const std::string& run_id) {
  auto nodes = db.Query(
      "SELECT node_id, status, rows_in, rows_out, bytes_out, wall_seconds, peak_memory_bytes, error, attempt, "
      "started_at, finished_at FROM node_metrics WHERE run_id = ? ORDER BY node_id",
      {run_id});
  if (!nodes.ok()) return nodes.status();
  nlohmann::json map = nlohmann::json::object();
  for (const DbRow& n : nodes->rows) {
    map[n.Str("node_id")] = {{"status", n.Str("status")},         {"rows_in", n.Int("rows_in")},
                             {"rows_out", n.Int("rows_out")},     {"bytes_out", n.Int("bytes_out")},
                             {"wall_seconds", n.Real("wall_seconds")}, {"peak_memory_bytes", n.Int("peak_memory_bytes")},
                             {"error", n.Str("error")},           {"attempt", n.Int("attempt")},
                             {"started_at", OptJson(n, "started_at")}, {"finished_at", OptJson(n, "finished_at")}};
  }
  return map;
}

Result<nlohmann::json> LoadRunJson(Database& db, const std::string& org_id, const std::string& id) {
  auto r = db.Query(std::string("SELECT ") + kRunColumns + " FROM runs WHERE id = ? AND org_id = ?", {id, org_id});
  if (!r.ok()) return r.status();
  if (r->rows.empty()) return Status::NotFound("run not found");
  nlohmann::json run = RunRowJson(r->rows[0]);
  auto nodes = LoadNodeMetricsJson(db, id);
  if (!nodes.ok()) return nodes.status();
  run["nodes"] = std::move(*nodes);
  auto attempts = db.Query(
      "SELECT attempt, worker, status, started_at, finished_at, error FROM run_attempts WHERE run_id = ? ORDER BY attempt",
      {id});
  if (!attempts.ok()) return attempts.status();
  nlohmann::json list = nlohmann::json::array();
  for (const DbRow& a : attempts->rows) {
    list.push_back({{"attempt", a.Int("attempt")},
                    {"worker", OptJson(a, "worker")},
                    {"status", a.Str("status")},
                    {"started_at", a.Str("started_at")},
                    {"finished_at", OptJson(a, "finished_at")},
                    {"error", OptJson(a, "error")}});
  }
  run["attempts"] = list;
  return run;
}

Result<std::optional<ClaimedRun>> ClaimNextRun(Database& db, const std::string& worker, int lease_seconds) {
  std::optional<ClaimedRun> claimed;
  Status st = db.Transact([&](DbConnection& c) -> Status {
    claimed.reset();
    LD_RETURN_IF_ERROR(LockRunQueue(c, db.dialect()));
    std::string now = NowIso8601();
    std::string token = NewId();
    auto r = c.Query(
        "UPDATE runs SET status = 'running', worker = ?, started_at = COALESCE(started_at, ?), heartbeat_at = ?, "
        "lease_token = ?, lease_expires_at = ?, not_before = NULL WHERE id = (SELECT q.id FROM runs q WHERE q.status IN "
        "('queued', 'retrying') AND (q.not_before IS NULL OR q.not_before <= ?) AND (SELECT COUNT(*) FROM runs b WHERE "
        "b.pipeline_id = q.pipeline_id AND b.status = 'running') < q.max_concurrency ORDER BY q.priority DESC, "
        "q.created_at, q.id LIMIT 1) AND status IN ('queued', 'retrying') RETURNING id, org_id, pipeline_id, "
        "pipeline_version, parameters, attempt",
        {worker, now, now, token, IsoAfterSeconds(lease_seconds), now});
    if (!r.ok()) return r.status();
    if (r->rows.empty()) return Status::OK();
    const DbRow& row = r->rows[0];
    ClaimedRun run;
    run.id = row.Str("id");
    run.org_id = row.Str("org_id");
    run.pipeline_id = row.Str("pipeline_id");
    run.pipeline_version = row.Int("pipeline_version");
    run.parameters = ParseJsonOrDiscarded(row.Str("parameters"));
    if (!run.parameters.is_object()) run.parameters = nlohmann::json::object();
    run.attempt = row.Int("attempt");
    run.lease_token = token;
    auto a = c.Query(
        "INSERT INTO run_attempts (run_id, attempt, worker, status, started_at) VALUES (?, ?, ?, 'running', ?) ON "
        "CONFLICT (run_id, attempt) DO UPDATE SET worker = excluded.worker, status = 'running', started_at = "
        "excluded.started_at, finished_at = NULL, error = NULL",
        {run.id, run.attempt, worker, now});
    if (!a.ok()) return a.status();
    auto seq = c.Query("SELECT MAX(seq) AS seq FROM run_logs WHERE run_id = ?", {run.id});
    if (!seq.ok()) return seq.status();
    run.last_log_seq = seq->rows.empty() ? 0 : seq->rows[0].Int("seq");
    claimed = std::move(run);
    return Status::OK();
  });
  LD_RETURN_IF_ERROR(st);
  if (!claimed) return claimed;
  auto doc = db.Query("SELECT document FROM pipeline_versions WHERE pipeline_id = ? AND version = ?",
                      {claimed->pipeline_id, claimed->pipeline_version});
  if (!doc.ok()) return doc.status();
  claimed->document =
      doc->rows.empty() ? nlohmann::json(nullptr) : ParseJsonOrDiscarded(doc->rows[0].Str("document"));
  return claimed;
}

Result<std::optional<bool>> RenewRunLease(Database& db, const RunLease& lease, int lease_seconds) {
  auto r = db.Query(
      "UPDATE runs SET heartbeat_at = ?, lease_expires_at = ? WHERE id = ? AND lease_token = ? AND status = 'running' "
      "RETURNING cancel_requested",
      {NowIso8601(), IsoAfterSeconds(lease_seconds), lease.run_id, lease.token});
  if (!r.ok()) return r.status();
  if (r->rows.empty()) return std::optional<bool>();
  return std::optional<bool>(r->rows[0].Int("cancel_requested") != 0);
}

Result<nlohmann::json> PreviousSourceSchemas(Database& db, const std::string& org_id, const std::string& pipeline_id) {
  auto r = db.Query(
      "SELECT source_schemas FROM runs WHERE org_id = ? AND pipeline_id = ? AND status = 'succeeded' AND "
      "source_schemas IS NOT NULL ORDER BY finished_at DESC LIMIT 1",
      {org_id, pipeline_id});
  if (!r.ok()) return r.status();
  if (r->rows.empty()) return nlohmann::json(nullptr);
  nlohmann::json schemas = ParseJsonOrDiscarded(r->rows[0].Str("source_schemas"));
  return schemas.is_object() ? schemas : nlohmann::json(nullptr);
}

Result<bool> SaveSchemaDrift(Database& db, const RunLease& lease, const nlohmann::json& source_schemas,
                             const nlohmann::json& drift) {
  auto r = db.Query("UPDATE runs SET source_schemas = ?, schema_drift = ? WHERE id = ? AND lease_token = ? AND status = "
                    "'running'",
                    {source_schemas.dump(), drift.dump(), lease.run_id, lease.token});
  if (!r.ok()) return r.status();
  return r->affected > 0;
}

Result<std::vector<MeasuredRun>> PreviousRunMeasurements(Database& db, const std::string& org_id,
                                                          const std::string& pipeline_id, const std::string& run_id,
                                                          int limit) {
  auto r = db.Query(
      "SELECT started_at, created_at, measurements FROM runs WHERE org_id = ? AND pipeline_id = ? AND status = "
      "'succeeded' AND measurements IS NOT NULL AND id <> ? ORDER BY created_at DESC LIMIT ?",
      {org_id, pipeline_id, run_id, static_cast<int64_t>(limit)});
  if (!r.ok()) return r.status();
  std::vector<MeasuredRun> out;
  for (const DbRow& row : r->rows) {
    auto at = UnixMillisFromIso(row.IsNull("started_at") ? row.Str("created_at") : row.Str("started_at"));
    nlohmann::json measurements = ParseJsonOrDiscarded(row.Str("measurements"));
    if (!at.ok() || !measurements.is_object()) continue;  // one bad row must not stop the check
    out.push_back({*at, std::move(measurements)});
  }
  return out;
}

Result<bool> SaveRunAnomalies(Database& db, const RunLease& lease, const nlohmann::json& measurements,
                              const nlohmann::json& report) {
  auto r = db.Query("UPDATE runs SET measurements = ?, anomalies = ? WHERE id = ? AND lease_token = ? AND status = "
                    "'running'",
                    {measurements.dump(), report.dump(), lease.run_id, lease.token});
  if (!r.ok()) return r.status();
  return r->affected > 0;
}

Result<bool> AppendRunLog(Database& db, const RunLease& lease, int64_t seq, const std::string& ts,
                          const std::string& level, const std::string& node_id, const std::string& message) {
  // One statement: the insert happens only while the lease holds (no lock is kept between steps).
  auto r = db.Query(
      "INSERT INTO run_logs (run_id, seq, ts, level, node_id, message) SELECT id, CAST(? AS BIGINT), CAST(? AS TEXT), "
      "CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT) FROM runs WHERE id = ? AND lease_token = ? AND status = "
      "'running'",
      {seq, ts, level, node_id, message, lease.run_id, lease.token});
  if (!r.ok()) return r.status();
  return r->affected > 0;
}

Result<bool> FinishRunAttempt(Database& db, const RunLease& lease, int64_t attempt, const AttemptOutcome& o) {
  bool landed = false;
  Status st = db.Transact([&](DbConnection& c) -> Status {
    landed = false;
    std::string now = NowIso8601();
    bool again = o.run_status == "retrying" || o.run_status == "queued";
    DbValue error = o.error.empty() ? DbValue(nullptr) : DbValue(o.error);
    auto r = c.Query(
        "UPDATE runs SET status = ?, finished_at = ?, error = ?, failed_node = ?, rows_processed = ?, attempt = ?, "
        "not_before = ?, cancel_requested = 0, lease_token = NULL, lease_expires_at = NULL WHERE id = ? AND "
        "lease_token = ? AND status = 'running'",
        {o.run_status, again ? DbValue(nullptr) : DbValue(now), error,
         o.failed_node.empty() ? DbValue(nullptr) : DbValue(o.failed_node), o.rows_processed,
         again ? attempt + 1 : attempt, o.not_before.empty() ? DbValue(nullptr) : DbValue(o.not_before), lease.run_id,
         lease.token});
    if (!r.ok()) return r.status();
    if (r->affected == 0) return Status::OK();  // refused: the run moved on without us
    auto a = c.Query("UPDATE run_attempts SET status = ?, finished_at = ?, error = ? WHERE run_id = ? AND attempt = ?",
                     {o.attempt_status, now, error, lease.run_id, attempt});
    if (!a.ok()) return a.status();
    if (o.run_status == "queued") LD_RETURN_IF_ERROR(NotifyRunQueue(c, db.dialect(), lease.run_id));
    landed = true;
    return Status::OK();
  });
  LD_RETURN_IF_ERROR(st);
  return landed;
}

Result<std::vector<RecoveredRun>> RecoverOrphanedRuns(Database& db, bool all_running, const std::string& reason) {
  std::vector<RecoveredRun> out;
  Status st = db.Transact([&](DbConnection& c) -> Status {
    out.clear();
    std::string now = NowIso8601();
    std::string again = "(attempt < max_attempts OR attempt < " + std::to_string(kLostExecutorAttempts) + ")";
    // Rows from before leases have only a heartbeat: they count as expired after a minute of silence.
    std::string where = all_running ? " WHERE status = 'running'"
                                    : " WHERE status = 'running' AND ((lease_expires_at IS NOT NULL AND "
                                      "lease_expires_at < ?) OR (lease_expires_at IS NULL AND (heartbeat_at IS NULL OR "
                                      "heartbeat_at < ?)))";
    DbParams params = {now, now, reason};
    if (!all_running) {
      params.push_back(now);
      params.push_back(IsoAfterSeconds(-60));
    }
    auto r = c.Query(
        "UPDATE runs SET status = CASE WHEN cancel_requested <> 0 THEN 'cancelled' WHEN " + again +
            " THEN 'retrying' ELSE 'failed' END, finished_at = CASE WHEN cancel_requested = 0 AND " + again +
            " THEN NULL ELSE ? END, not_before = ?, error = ?, attempt = CASE WHEN cancel_requested = 0 AND " + again +
            " THEN attempt + 1 ELSE attempt END, lease_token = NULL, lease_expires_at = NULL" + where +
            " RETURNING id, org_id, status, attempt",
        params);
    if (!r.ok()) return r.status();
    bool requeued = false;
    for (const DbRow& row : r->rows) {
      RecoveredRun run{row.Str("org_id"), row.Str("id"), row.Str("status")};
      int64_t lost_attempt = run.status == "retrying" ? row.Int("attempt") - 1 : row.Int("attempt");
      auto a = c.Query(
          "UPDATE run_attempts SET status = 'lost', finished_at = ?, error = ? WHERE run_id = ? AND attempt = ? AND "
          "status = 'running'",
          {now, reason, run.run_id, lost_attempt});
      if (!a.ok()) return a.status();
      requeued |= run.status == "retrying";
      out.push_back(std::move(run));
    }
    if (requeued) LD_RETURN_IF_ERROR(NotifyRunQueue(c, db.dialect(), "recovered"));
    return Status::OK();
  });
  LD_RETURN_IF_ERROR(st);
  return out;
}

}  // namespace logidata

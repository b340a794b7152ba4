#include "metadata/run_store.h"

#include "common/json_text.h"
#include "metadata/audit_log.h"

namespace logidata {
namespace {
nlohmann::json OptJson(const DbRow& r, const char* col) {
  return r.IsNull(col) ? nlohmann::json(nullptr) : nlohmann::json(r.Str(col));
}
}  // namespace

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
          {"retry_of", OptJson(r, "retry_of")}};
}

Result<std::string> CreateRunIn(DbConnection& c, const NewRun& run, const std::string& actor) {
  std::string id = NewId();
  std::string now = NowIso8601();
  std::string params = run.parameters.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  auto ins = c.Query(
      "INSERT INTO runs (id, org_id, pipeline_id, pipeline_version, status, trigger_kind, parameters, created_by, "
      "created_at, retry_of) VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?)",
      {id, run.org_id, run.pipeline_id, run.pipeline_version, run.trigger, params,
       run.created_by.empty() ? DbValue(nullptr) : DbValue(run.created_by), now,
       run.retry_of.empty() ? DbValue(nullptr) : DbValue(run.retry_of)});
  if (!ins.ok()) return ins.status();
  LD_RETURN_IF_ERROR(WriteAudit(c, {run.org_id, actor, "run.start", "run", id, nullptr,
                                    {{"pipeline_id", run.pipeline_id}, {"trigger", run.trigger},
                                     {"parameters", run.parameters}}}));
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

Result<nlohmann::json> LoadRunJson(Database& db, const std::string& org_id, const std::string& id) {
  auto r = db.Query(std::string("SELECT ") + kRunColumns + " FROM runs WHERE id = ? AND org_id = ?", {id, org_id});
  if (!r.ok()) return r.status();
  if (r->rows.empty()) return Status::NotFound("run not found");
  nlohmann::json run = RunRowJson(r->rows[0]);
  auto nodes = db.Query(
      "SELECT node_id, status, rows_in, rows_out, bytes_out, wall_seconds, peak_memory_bytes, error FROM node_metrics "
      "WHERE run_id = ? ORDER BY node_id",
      {id});
  if (!nodes.ok()) return nodes.status();
  nlohmann::json map = nlohmann::json::object();
  for (const DbRow& n : nodes->rows) {
    map[n.Str("node_id")] = {{"status", n.Str("status")},         {"rows_in", n.Int("rows_in")},
                             {"rows_out", n.Int("rows_out")},     {"bytes_out", n.Int("bytes_out")},
                             {"wall_seconds", n.Real("wall_seconds")}, {"peak_memory_bytes", n.Int("peak_memory_bytes")},
                             {"error", n.Str("error")}};
  }
  run["nodes"] = map;
  return run;
}

Result<std::optional<ClaimedRun>> ClaimNextRun(Database& db, const std::string& worker) {
  std::string now = NowIso8601();
  std::string pick = db.dialect() == DbDialect::kPostgres
                         ? "SELECT id FROM runs WHERE status = 'queued' ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED"
                         : "SELECT id FROM runs WHERE status = 'queued' ORDER BY created_at, id LIMIT 1";
  auto r = db.Query("UPDATE runs SET status = 'running', worker = ?, started_at = ?, heartbeat_at = ? WHERE id = (" +
                        pick + ") AND status = 'queued' RETURNING id, org_id, pipeline_id, pipeline_version, parameters",
                    {worker, now, now});
  if (!r.ok()) return r.status();
  if (r->rows.empty()) return std::optional<ClaimedRun>();
  const DbRow& row = r->rows[0];
  ClaimedRun run;
  run.id = row.Str("id");
  run.org_id = row.Str("org_id");
  run.pipeline_id = row.Str("pipeline_id");
  run.pipeline_version = row.Int("pipeline_version");
  run.parameters = ParseJsonOrDiscarded(row.Str("parameters"));
  if (!run.parameters.is_object()) run.parameters = nlohmann::json::object();
  auto doc = db.Query("SELECT document FROM pipeline_versions WHERE pipeline_id = ? AND version = ?",
                      {run.pipeline_id, run.pipeline_version});
  if (!doc.ok()) return doc.status();
  run.document = doc->rows.empty() ? nlohmann::json(nullptr) : ParseJsonOrDiscarded(doc->rows[0].Str("document"));
  return std::optional<ClaimedRun>(std::move(run));
}

Result<int64_t> InterruptOrphanedRuns(Database& db, const std::string& stale_before,
                                      std::vector<std::pair<std::string, std::string>>* interrupted) {
  std::string now = NowIso8601();
  std::string where = " WHERE status = 'running'";
  DbParams params;
  if (!stale_before.empty()) {
    where += " AND (heartbeat_at IS NULL OR heartbeat_at < ?)";
    params.push_back(stale_before);
  }
  int64_t affected = 0;
  Status st = db.Transact([&](DbConnection& c) -> Status {
    if (interrupted) {
      auto ids = c.Query("SELECT id, org_id FROM runs" + where, params);
      if (!ids.ok()) return ids.status();
      for (const DbRow& row : ids->rows) interrupted->emplace_back(row.Str("org_id"), row.Str("id"));
    }
    DbParams update = {now};
    update.insert(update.end(), params.begin(), params.end());
    auto r = c.Query(
        "UPDATE runs SET status = 'interrupted', finished_at = ?, error = 'the server stopped while the run was in "
        "progress'" + where,
        update);
    if (!r.ok()) return r.status();
    affected = r->affected;
    return Status::OK();
  });
  if (!st.ok()) return st;
  return affected;
}

}  // namespace logidata

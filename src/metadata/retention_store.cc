#include "metadata/retention_store.h"

#include <nlohmann/json.hpp>

#include "metadata/audit_log.h"

namespace logidata {

Result<std::optional<int64_t>> LoadRetentionDays(Database& db, const std::string& org_id) {
  auto r = db.Query("SELECT retention_days FROM org_retention WHERE org_id = ?", {org_id});
  if (!r.ok()) return r.status();
  if (r->rows.empty() || r->rows[0].IsNull("retention_days")) return std::optional<int64_t>();
  return std::optional<int64_t>(r->rows[0].Int("retention_days"));
}

Status SaveRetentionDays(Database& db, const std::string& org_id, std::optional<int64_t> days,
                         const std::string& actor) {
  if (days && (*days < 1 || *days > kMaxRetentionDays)) {
    return Status::InvalidArgument("/retention_days: must be between 1 and " + std::to_string(kMaxRetentionDays) +
                                   " days, or null to keep run data forever");
  }
  LD_ASSIGN_OR_RETURN(std::optional<int64_t> before, LoadRetentionDays(db, org_id));
  DbValue value = days ? DbValue(*days) : DbValue(nullptr);
  return db.Transact([&](DbConnection& c) -> Status {
    auto up = c.Query("UPDATE org_retention SET retention_days = ?, updated_by = ?, updated_at = ? WHERE org_id = ?",
                      {value, actor, NowIso8601(), org_id});
    if (!up.ok()) return up.status();
    if (up->affected == 0) {
      auto ins = c.Query(
          "INSERT INTO org_retention (org_id, retention_days, updated_by, updated_at) VALUES (?, ?, ?, ?)",
          {org_id, value, actor, NowIso8601()});
      if (!ins.ok()) return ins.status();
    }
    auto json_of = [](std::optional<int64_t> d) { return d ? nlohmann::json(*d) : nlohmann::json(nullptr); };
    return WriteAudit(c, {org_id, actor, "retention.update", "organization", org_id,
                          {{"retention_days", json_of(before)}}, {{"retention_days", json_of(days)}}});
  });
}

namespace {

// Runs `sql` (a DELETE bounded by a LIMITed sub-select) until it removes nothing or the budget
// is spent; returns how many batches removed something.
Result<int64_t> DeleteInBatches(Database& db, const std::string& sql, const DbParams& params, int max_batches) {
  int64_t batches = 0;
  for (int i = 0; i < max_batches; ++i) {
    auto r = db.Query(sql, params);
    if (!r.ok()) return r.status();
    if (r->affected == 0) break;
    ++batches;
  }
  return batches;
}

}  // namespace

Result<PurgeCounts> PurgeExpiredRunData(Database& db, int64_t now, int batch_size, int max_batches) {
  auto orgs = db.Query("SELECT org_id, retention_days FROM org_retention WHERE retention_days IS NOT NULL");
  if (!orgs.ok()) return orgs.status();
  PurgeCounts counts;
  for (const DbRow& org : orgs->rows) {
    const std::string org_id = org.Str("org_id");
    const int64_t days = org.Int("retention_days");
    if (days < 1) continue;
    const std::string cutoff = IsoFromUnixMillis((now - days * 86400) * 1000);
    const DbValue limit = int64_t{batch_size};
    // Only finished runs: a run still running (or retrying) keeps its logs whatever its age.
    const std::string expired_runs =
        "SELECT r.id FROM runs r WHERE r.org_id = ? AND r.finished_at IS NOT NULL AND r.finished_at < ? AND r.status "
        "NOT IN ('queued', 'running', 'retrying') AND ";
    // A run counts as purged once, whether it had logs, metrics or both.
    auto runs_with_data = [&]() -> Result<int64_t> {
      auto n = db.Query("SELECT COUNT(*) AS n FROM (" + expired_runs +
                            "(EXISTS (SELECT 1 FROM run_logs l WHERE l.run_id = r.id) OR EXISTS (SELECT 1 FROM "
                            "node_metrics m WHERE m.run_id = r.id))) expired",
                        {org_id, cutoff});
      if (!n.ok()) return n.status();
      return n->rows[0].Int("n");
    };
    LD_ASSIGN_OR_RETURN(int64_t runs_before, runs_with_data());
    LD_RETURN_IF_ERROR(DeleteInBatches(
        db,
        "DELETE FROM run_logs WHERE run_id IN (" + expired_runs +
            "EXISTS (SELECT 1 FROM run_logs l WHERE l.run_id = r.id) LIMIT ?)",
        {org_id, cutoff, limit}, max_batches).status());
    LD_RETURN_IF_ERROR(DeleteInBatches(
        db,
        "DELETE FROM node_metrics WHERE run_id IN (" + expired_runs +
            "EXISTS (SELECT 1 FROM node_metrics m WHERE m.run_id = r.id) LIMIT ?)",
        {org_id, cutoff, limit}, max_batches).status());
    LD_ASSIGN_OR_RETURN(int64_t runs_after, runs_with_data());
    counts.runs += runs_before - runs_after;
    auto before = db.Query("SELECT COUNT(*) AS n FROM data_previews WHERE org_id = ? AND created_at < ?",
                           {org_id, cutoff});
    if (!before.ok()) return before.status();
    LD_RETURN_IF_ERROR(DeleteInBatches(
        db,
        "DELETE FROM data_previews WHERE id IN (SELECT id FROM data_previews WHERE org_id = ? AND created_at < ? "
        "LIMIT ?)",
        {org_id, cutoff, limit}, max_batches).status());
    auto after = db.Query("SELECT COUNT(*) AS n FROM data_previews WHERE org_id = ? AND created_at < ?",
                          {org_id, cutoff});
    if (!after.ok()) return after.status();
    counts.previews += before->rows[0].Int("n") - after->rows[0].Int("n");
  }
  return counts;
}

}  // namespace logidata

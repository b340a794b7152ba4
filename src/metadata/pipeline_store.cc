#include "metadata/pipeline_store.h"

#include "common/json_text.h"
#include "metadata/audit_log.h"

namespace logidata {
namespace {

constexpr const char* kColumns = "id, org_id, name, version, document, created_by, created_at, updated_at";

StoredPipeline FromRow(const DbRow& r) {
  StoredPipeline p;
  p.id = r.Str("id");
  p.org_id = r.Str("org_id");
  p.name = r.Str("name");
  p.version = r.Int("version");
  p.document = ParseJsonOrDiscarded(r.Str("document"));
  p.created_by = r.Str("created_by");
  p.created_at = r.Str("created_at");
  p.updated_at = r.Str("updated_at");
  return p;
}

DbValue NextFire(const PipelineWrite& w) {
  if (!w.next_fire) return nullptr;
  return IsoFromUnixMillis(*w.next_fire * 1000);
}

DbValue OptText(const std::string& s) { return s.empty() ? DbValue(nullptr) : DbValue(s); }

}  // namespace

nlohmann::json StoredPipeline::ToApiJson() const {
  nlohmann::json out = document;
  out["id"] = id;
  out["version"] = version;
  out["metadata"] = {{"created_at", created_at}, {"updated_at", updated_at}, {"created_by", created_by}};
  return out;
}

Result<StoredPipeline> LoadPipeline(Database& db, const std::string& org_id, const std::string& id) {
  auto r = db.Query(std::string("SELECT ") + kColumns + " FROM pipelines WHERE id = ? AND org_id = ?", {id, org_id});
  if (!r.ok()) return r.status();
  if (r->rows.empty()) return Status::NotFound("pipeline not found");
  return FromRow(r->rows[0]);
}

Result<nlohmann::json> LoadPipelineVersion(Database& db, const std::string& org_id, const std::string& id,
                                           int64_t version) {
  auto r = db.Query(
      "SELECT v.document FROM pipeline_versions v JOIN pipelines p ON p.id = v.pipeline_id WHERE v.pipeline_id = ? "
      "AND p.org_id = ? AND v.version = ?",
      {id, org_id, version});
  if (!r.ok()) return r.status();
  if (r->rows.empty()) return Status::NotFound("pipeline version not found");
  return ParseJsonOrDiscarded(r->rows[0].Str("document"));
}

Result<StoredPipeline> CreatePipeline(Database& db, const PipelineWrite& w, const std::string& action) {
  StoredPipeline p;
  p.id = NewId();
  p.org_id = w.org_id;
  p.version = 1;
  p.document = w.document;
  p.document.erase("metadata");
  p.document["id"] = p.id;
  p.document["version"] = 1;
  p.name = p.document.value("name", "");
  p.created_by = w.actor;
  p.created_at = p.updated_at = NowIso8601();
  std::string text = p.document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  Status st = db.Transact([&](DbConnection& c) -> Status {
    auto ins = c.Query(
        "INSERT INTO pipelines (id, org_id, name, description, version, document, schedule_cron, schedule_tz, "
        "schedule_enabled, next_fire_at, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, "
        "?, ?)",
        {p.id, p.org_id, p.name, p.document.value("description", ""), text, OptText(w.cron), OptText(w.timezone),
         int64_t{w.schedule_enabled ? 1 : 0}, NextFire(w), w.actor, p.created_at, p.updated_at});
    if (!ins.ok()) return ins.status();
    auto ver = c.Query(
        "INSERT INTO pipeline_versions (pipeline_id, version, document, author, created_at) VALUES (?, 1, ?, ?, ?)",
        {p.id, text, w.actor, p.created_at});
    if (!ver.ok()) return ver.status();
    return WriteAudit(c, {p.org_id, w.actor, action, "pipeline", p.id, nullptr, p.document});
  });
  LD_RETURN_IF_ERROR(st);
  return p;
}

Result<StoredPipeline> UpdatePipeline(Database& db, const std::string& id, int64_t expected_version,
                                      const PipelineWrite& w, const std::string& action) {
  StoredPipeline result;
  Status st = db.Transact([&](DbConnection& c) -> Status {
    auto cur = c.Query(std::string("SELECT ") + kColumns + " FROM pipelines WHERE id = ? AND org_id = ?", {id, w.org_id});
    if (!cur.ok()) return cur.status();
    if (cur->rows.empty()) return Status::NotFound("pipeline not found");
    StoredPipeline before = FromRow(cur->rows[0]);
    if (before.version != expected_version) {
      return Status::Conflict("/version: pipeline was changed by someone else (stored version " +
                              std::to_string(before.version) + ", yours " + std::to_string(expected_version) + ")");
    }
    result = before;
    result.version = before.version + 1;
    result.document = w.document;
    result.document.erase("metadata");
    result.document["id"] = id;
    result.document["version"] = result.version;
    result.name = result.document.value("name", before.name);
    result.updated_at = NowIso8601();
    std::string text = result.document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    auto up = c.Query(
        "UPDATE pipelines SET name = ?, description = ?, version = ?, document = ?, schedule_cron = ?, schedule_tz = ?, "
        "schedule_enabled = ?, next_fire_at = ?, updated_at = ? WHERE id = ? AND version = ?",
        {result.name, result.document.value("description", ""), result.version, text, OptText(w.cron),
         OptText(w.timezone), int64_t{w.schedule_enabled ? 1 : 0}, NextFire(w), result.updated_at, id,
         expected_version});
    if (!up.ok()) return up.status();
    if (up->affected != 1) return Status::Conflict("/version: pipeline was changed by someone else");
    auto ver = c.Query(
        "INSERT INTO pipeline_versions (pipeline_id, version, document, author, created_at) VALUES (?, ?, ?, ?, ?)",
        {id, result.version, text, w.actor, result.updated_at});
    if (!ver.ok()) return ver.status();
    return WriteAudit(c, {w.org_id, w.actor, action, "pipeline", id, before.document, result.document});
  });
  LD_RETURN_IF_ERROR(st);
  return result;
}

Status DeletePipeline(Database& db, const std::string& org_id, const std::string& id, const std::string& actor) {
  return db.Transact([&](DbConnection& c) -> Status {
    auto cur = c.Query("SELECT document FROM pipelines WHERE id = ? AND org_id = ?", {id, org_id});
    if (!cur.ok()) return cur.status();
    if (cur->rows.empty()) return Status::NotFound("pipeline not found");
    auto before = ParseJsonOrDiscarded(cur->rows[0].Str("document"));
    // Its notification settings and saved previews go with it (runs stay in history).
    for (const char* sql : {"DELETE FROM pipeline_versions WHERE pipeline_id = ?", "DELETE FROM pipeline_state WHERE pipeline_id = ?",
                            "DELETE FROM notification_settings WHERE pipeline_id = ?",
                            "DELETE FROM data_previews WHERE pipeline_id = ?", "DELETE FROM pipelines WHERE id = ?"}) {
      auto r = c.Query(sql, {id});
      if (!r.ok()) return r.status();
    }
    return WriteAudit(c, {org_id, actor, "pipeline.delete", "pipeline", id, before, nullptr});
  });
}

}  // namespace logidata

#include "metadata/preview_store.h"

#include "common/json_text.h"

namespace logidata {
namespace {

constexpr const char* kSummaryColumns =
    "id, pipeline_id, node_id, pipeline_version, row_count, truncated, created_by, created_at";

nlohmann::json SummaryJson(const DbRow& row) {
  return {{"id", row.Str("id")},
          {"pipeline_id", row.Str("pipeline_id")},
          {"node_id", row.Str("node_id")},
          {"pipeline_version", row.Int("pipeline_version")},
          {"row_count", row.Int("row_count")},
          {"truncated", row.Int("truncated") != 0},
          {"created_by", row.Str("created_by")},
          {"created_at", row.Str("created_at")}};
}

std::string Dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

}  // namespace

Result<std::string> SavePreview(Database& db, const PreviewKey& key, nlohmann::json result, const std::string& actor) {
  std::string text = Dump(result);
  bool truncated = false;
  // Halve the rows until the document fits: previews are for looking, not for keeping data.
  while (text.size() > kMaxStoredPreviewBytes && result.contains("rows") && result["rows"].is_array() &&
         !result["rows"].empty()) {
    nlohmann::json& rows = result["rows"];
    rows.erase(rows.begin() + static_cast<std::ptrdiff_t>(rows.size() / 2), rows.end());
    truncated = true;
    text = Dump(result);
  }
  if (text.size() > kMaxStoredPreviewBytes) {
    result = {{"schema", result.value("schema", nlohmann::json())}, {"rows", nlohmann::json::array()}};
    truncated = true;
    text = Dump(result);
  }
  int64_t rows = result.contains("rows") && result["rows"].is_array() ? static_cast<int64_t>(result["rows"].size()) : 0;
  std::string id = NewId();
  Status st = db.Transact([&](DbConnection& c) -> Status {
    auto ins = c.Query(
        "INSERT INTO data_previews (id, org_id, pipeline_id, node_id, pipeline_version, row_count, truncated, result, "
        "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {id, key.org_id, key.pipeline_id, key.node_id, key.pipeline_version, rows, int64_t{truncated}, text, actor,
         NowIso8601()});
    if (!ins.ok()) return ins.status();
    auto prune = c.Query(
        "DELETE FROM data_previews WHERE pipeline_id = ? AND node_id = ? AND id NOT IN (SELECT id FROM data_previews "
        "WHERE pipeline_id = ? AND node_id = ? ORDER BY created_at DESC, id DESC LIMIT " +
            std::to_string(kPreviewsKeptPerNode) + ")",
        {key.pipeline_id, key.node_id, key.pipeline_id, key.node_id});
    return prune.ok() ? Status::OK() : prune.status();
  });
  if (!st.ok()) return st;
  return id;
}

Result<nlohmann::json> ListPreviews(Database& db, const std::string& org_id, const std::string& pipeline_id,
                                    const std::string& node_id) {
  std::string sql = std::string("SELECT ") + kSummaryColumns + " FROM data_previews WHERE org_id = ? AND pipeline_id = ?";
  DbParams params = {org_id, pipeline_id};
  if (!node_id.empty()) {
    sql += " AND node_id = ?";
    params.push_back(node_id);
  }
  auto r = db.Query(sql + " ORDER BY created_at DESC, id DESC", params);
  if (!r.ok()) return r.status();
  nlohmann::json items = nlohmann::json::array();
  for (const DbRow& row : r->rows) items.push_back(SummaryJson(row));
  return items;
}

Result<nlohmann::json> LoadPreview(Database& db, const std::string& org_id, const std::string& id) {
  auto r = db.Query(std::string("SELECT ") + kSummaryColumns + ", result FROM data_previews WHERE id = ? AND org_id = ?",
                    {id, org_id});
  if (!r.ok()) return r.status();
  if (r->rows.empty()) return Status::NotFound("preview not found");
  nlohmann::json out = SummaryJson(r->rows[0]);
  out["result"] = ParseJsonOrDiscarded(r->rows[0].Str("result"));
  return out;
}

}  // namespace logidata

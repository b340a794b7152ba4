#include "metadata/assist_settings_store.h"

namespace logidata {
namespace {

std::string KeyAad(const std::string& org_id) { return "assist_settings:" + org_id; }

}  // namespace

nlohmann::json AssistSettings::PublicJson() const {
  return {{"configured", true},
          {"base_url", base_url},
          {"model", model},
          {"has_key", has_key},
          {"allow_sample_rows", allow_sample_rows},
          {"timeout_seconds", timeout_seconds},
          {"updated_by", updated_by},
          {"updated_at", updated_at}};
}

Result<std::optional<AssistSettings>> LoadAssistSettings(Database& db, const SecretBox& box, const std::string& org_id) {
  LD_ASSIGN_OR_RETURN(DbResult r, db.Query("SELECT base_url, model, api_key_enc, allow_sample_rows, timeout_seconds, updated_by, updated_at "
                                           "FROM assist_settings WHERE org_id = ?",
                                           {org_id}));
  if (r.rows.empty()) return std::optional<AssistSettings>();
  const DbRow& row = r.rows[0];
  AssistSettings s;
  s.base_url = row.Str("base_url");
  s.model = row.Str("model");
  s.allow_sample_rows = row.Int("allow_sample_rows") != 0;
  s.timeout_seconds = row.Int("timeout_seconds");
  s.updated_by = row.Str("updated_by");
  s.updated_at = row.Str("updated_at");
  if (!row.IsNull("api_key_enc")) {
    auto key = box.Decrypt(row.Str("api_key_enc"), KeyAad(org_id));
    if (!key.ok()) return key.status().WithContext("the natural-language endpoint's API key");
    s.api_key = std::move(key).value();
    s.has_key = true;
  }
  return std::optional<AssistSettings>(std::move(s));
}

Status SaveAssistSettings(DbConnection& conn, const SecretBox& box, const std::string& org_id,
                          const AssistSettings& settings, bool keep_key, const std::string& actor) {
  DbValue key_enc = nullptr;
  if (keep_key) {
    LD_ASSIGN_OR_RETURN(DbResult old, conn.Query("SELECT api_key_enc FROM assist_settings WHERE org_id = ?", {org_id}));
    if (!old.rows.empty() && !old.rows[0].IsNull("api_key_enc")) key_enc = old.rows[0].Str("api_key_enc");
  } else if (!settings.api_key.empty()) {
    LD_ASSIGN_OR_RETURN(std::string sealed, box.Encrypt(settings.api_key, KeyAad(org_id)));
    key_enc = std::move(sealed);
  }
  LD_RETURN_IF_ERROR(DeleteAssistSettings(conn, org_id));
  auto ins = conn.Query(
      "INSERT INTO assist_settings (org_id, base_url, model, api_key_enc, allow_sample_rows, timeout_seconds, updated_by, "
      "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {org_id, settings.base_url, settings.model, key_enc, int64_t{settings.allow_sample_rows ? 1 : 0}, settings.timeout_seconds, actor,
       NowIso8601()});
  return ins.ok() ? Status::OK() : ins.status();
}

Status DeleteAssistSettings(DbConnection& conn, const std::string& org_id) {
  auto del = conn.Query("DELETE FROM assist_settings WHERE org_id = ?", {org_id});
  return del.ok() ? Status::OK() : del.status();
}

}  // namespace logidata

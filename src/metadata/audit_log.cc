#include "metadata/audit_log.h"

namespace logidata {
namespace {

bool IsSecretKey(const std::string& key) {
  static const char* kSecretKeys[] = {"secret",       "password",   "password_hash", "token",      "access_token",
                                      "refresh_token", "key",        "key_hash",      "secret_enc", "api_key",
                                      "private_key",   "passphrase", "client_secret"};
  for (const char* k : kSecretKeys) {
    if (key == k) return true;
  }
  return false;
}

}  // namespace

nlohmann::json RedactSecrets(const nlohmann::json& doc) {
  if (doc.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [k, v] : doc.items()) {
      if (IsSecretKey(k)) continue;
      out[k] = RedactSecrets(v);
    }
    return out;
  }
  if (doc.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& v : doc) out.push_back(RedactSecrets(v));
    return out;
  }
  return doc;
}

namespace {
DbParams AuditParams(const AuditEntry& e) {
  auto text = [](const nlohmann::json& j) -> DbValue {
    if (j.is_null()) return nullptr;
    return RedactSecrets(j).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  return {NewId(), e.org_id.empty() ? DbValue(nullptr) : DbValue(e.org_id), e.actor, e.action, e.object_type,
          e.object_id, text(e.before), text(e.after), NowIso8601()};
}
constexpr const char* kInsert =
    "INSERT INTO audit_log (id, org_id, actor, action, object_type, object_id, before_json, after_json, ts) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
}  // namespace

Status WriteAudit(DbConnection& conn, const AuditEntry& entry) {
  auto r = conn.Query(kInsert, AuditParams(entry));
  return r.ok() ? Status::OK() : r.status();
}

Status WriteAudit(Database& db, const AuditEntry& entry) {
  auto r = db.Query(kInsert, AuditParams(entry));
  return r.ok() ? Status::OK() : r.status();
}

}  // namespace logidata

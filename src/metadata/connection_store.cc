#include "metadata/connection_store.h"

#include "common/json_text.h"

namespace logidata {
namespace {

constexpr const char* kColumns =
    "id, name, type, host, port, database_name, user_name, secret_enc, options, created_at, updated_at";

Result<ConnectionConfig> FromRow(const DbRow& row, const SecretBox& box) {
  ConnectionConfig c;
  c.name = row.Str("name");
  c.type = row.Str("type");
  c.host = row.Str("host");
  c.port = static_cast<int>(row.Int("port"));
  c.database = row.Str("database_name");
  c.user = row.Str("user_name");
  c.options = ParseJsonOrDiscarded(row.Str("options"));
  if (!c.options.is_object()) c.options = nlohmann::json::object();
  if (!row.IsNull("secret_enc")) {
    auto secret = box.Decrypt(row.Str("secret_enc"), row.Str("id"));
    if (!secret.ok()) return secret.status().WithContext("connection '" + c.name + "'");
    c.secret = std::move(secret).value();
  }
  return c;
}

}  // namespace

nlohmann::json ConnectionRowJson(const DbRow& row) {
  return {{"id", row.Str("id")},
          {"name", row.Str("name")},
          {"type", row.Str("type")},
          {"host", row.Str("host")},
          {"port", row.Int("port")},
          {"database", row.Str("database_name")},
          {"user", row.Str("user_name")},
          {"has_secret", !row.IsNull("secret_enc")},
          {"options", ParseJsonOrDiscarded(row.Str("options"))},
          {"created_at", row.Str("created_at")},
          {"updated_at", row.Str("updated_at")}};
}

Result<ConnectionConfig> LoadConnectionById(Database& db, const SecretBox& box, const std::string& org_id,
                                            const std::string& id) {
  auto r = db.Query(std::string("SELECT ") + kColumns + " FROM connections WHERE id = ? AND org_id = ?", {id, org_id});
  if (!r.ok()) return r.status();
  if (r->rows.empty()) return Status::NotFound("connection not found");
  return FromRow(r->rows[0], box);
}

Result<ConnectionConfig> DbConnectionResolver::Resolve(const std::string& name) {
  auto r = db_->Query(std::string("SELECT ") + kColumns + " FROM connections WHERE name = ? AND org_id = ?",
                      {name, org_id_});
  if (!r.ok()) return r.status();
  if (r->rows.empty()) return Status::NotFound("connection '" + name + "' does not exist");
  LD_ASSIGN_OR_RETURN(ConnectionConfig config, FromRow(r->rows[0], *box_));
  config.egress = Policy();
  return config;
}

const EgressPolicy* DbConnectionResolver::Policy() {
  if (egress_ == nullptr) return nullptr;
  std::lock_guard lock(mu_);
  if (!policy_) policy_ = egress_->ForOrg(org_id_);
  return policy_.get();
}

}  // namespace logidata

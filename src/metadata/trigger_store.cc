#include "metadata/trigger_store.h"

#include "auth/token_codec.h"
#include "common/json_text.h"
#include "metadata/audit_log.h"

namespace logidata {
namespace {

constexpr const char* kColumns =
    "id, org_id, pipeline_id, kind, upstream_pipeline_id, token_hash, hmac_secret_enc, parameters, created_by, "
    "created_at";

// Webhook tokens carry a prefix so a leaked one is recognisable in logs and secret scanners.
constexpr const char* kTokenPrefix = "ldh_";

Status PipelineExists(Database& db, const std::string& org_id, const std::string& pipeline_id,
                      const std::string& field) {
  auto r = db.Query("SELECT id FROM pipelines WHERE id = ? AND org_id = ?", {pipeline_id, org_id});
  if (!r.ok()) return r.status();
  if (r->rows.empty()) {
    return field.empty() ? Status::NotFound("pipeline not found")
                         : Status::InvalidArgument(field + ": no pipeline with this id in the organization");
  }
  return Status::OK();
}

nlohmann::json ObjectOr(const std::string& text) {
  nlohmann::json v = ParseJsonOrDiscarded(text);
  return v.is_object() ? v : nlohmann::json::object();
}

}  // namespace

nlohmann::json TriggerRowJson(const DbRow& row) {
  nlohmann::json upstream = row.IsNull("upstream_pipeline_id") ? nlohmann::json(nullptr)
                                                                : nlohmann::json(row.Str("upstream_pipeline_id"));
  return {{"id", row.Str("id")},
          {"pipeline_id", row.Str("pipeline_id")},
          {"kind", row.Str("kind")},
          {"upstream_pipeline_id", upstream},
          {"parameters", ObjectOr(row.Str("parameters"))},
          {"has_hmac_secret", !row.IsNull("hmac_secret_enc")},
          {"created_by", row.Str("created_by")},
          {"created_at", row.Str("created_at")}};
}

Result<nlohmann::json> ListTriggers(Database& db, const std::string& org_id, const std::string& pipeline_id) {
  LD_RETURN_IF_ERROR(PipelineExists(db, org_id, pipeline_id, ""));
  auto r = db.Query(std::string("SELECT ") + kColumns +
                        " FROM pipeline_triggers WHERE org_id = ? AND pipeline_id = ? ORDER BY created_at, id",
                    {org_id, pipeline_id});
  if (!r.ok()) return r.status();
  nlohmann::json items = nlohmann::json::array();
  for (const DbRow& row : r->rows) items.push_back(TriggerRowJson(row));
  return items;
}

Result<CreatedTrigger> CreateTrigger(Database& db, const SecretBox& box, const NewTrigger& t) {
  LD_RETURN_IF_ERROR(PipelineExists(db, t.org_id, t.pipeline_id, ""));
  std::string id = NewId();
  CreatedTrigger out;
  const nlohmann::json parameters = t.parameters.is_object() ? t.parameters : nlohmann::json::object();
  DbValue upstream = nullptr, token_hash = nullptr, hmac = nullptr;
  if (t.kind == kTriggerKindWebhook) {
    if (!t.upstream_pipeline_id.empty()) {
      return Status::InvalidArgument("/upstream_pipeline_id: only on_success triggers follow a pipeline");
    }
    out.token = kTokenPrefix + RandomToken(32);
    token_hash = Sha256Hex(out.token);
    if (t.hmac_secret) {
      if (t.hmac_secret->size() < 16) {
        return Status::InvalidArgument("/hmac_secret: must be at least 16 characters");
      }
      LD_ASSIGN_OR_RETURN(std::string enc, box.Encrypt(*t.hmac_secret, id));
      hmac = enc;
    }
  } else if (t.kind == kTriggerKindOnSuccess) {
    if (t.upstream_pipeline_id.empty()) {
      return Status::InvalidArgument("/upstream_pipeline_id: is required for an on_success trigger");
    }
    if (t.hmac_secret) return Status::InvalidArgument("/hmac_secret: only webhook triggers are signed");
    if (t.upstream_pipeline_id == t.pipeline_id) {
      return Status::InvalidArgument("/upstream_pipeline_id: a pipeline cannot follow itself");
    }
    LD_RETURN_IF_ERROR(PipelineExists(db, t.org_id, t.upstream_pipeline_id, "/upstream_pipeline_id"));
    upstream = t.upstream_pipeline_id;
  } else {
    return Status::InvalidArgument("/kind: must be \"webhook\" or \"on_success\"");
  }
  Status st = db.Transact([&](DbConnection& c) -> Status {
    if (t.kind == kTriggerKindOnSuccess) {
      // Two identical followers would start two runs per upstream success.
      auto dup = c.Query("SELECT id FROM pipeline_triggers WHERE org_id = ? AND pipeline_id = ? AND kind = ? AND "
                         "upstream_pipeline_id = ?",
                         {t.org_id, t.pipeline_id, t.kind, t.upstream_pipeline_id});
      if (!dup.ok()) return dup.status();
      if (!dup->rows.empty()) {
        return Status::AlreadyExists("/upstream_pipeline_id: this pipeline already follows that pipeline");
      }
    }
    auto ins = c.Query(
        "INSERT INTO pipeline_triggers (id, org_id, pipeline_id, kind, upstream_pipeline_id, token_hash, "
        "hmac_secret_enc, parameters, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {id, t.org_id, t.pipeline_id, t.kind, upstream, token_hash, hmac, parameters.dump(), t.actor, NowIso8601()});
    if (!ins.ok()) return ins.status();
    nlohmann::json after = {{"pipeline_id", t.pipeline_id}, {"kind", t.kind}, {"parameters", parameters}};
    if (!t.upstream_pipeline_id.empty()) after["upstream_pipeline_id"] = t.upstream_pipeline_id;
    return WriteAudit(c, {t.org_id, t.actor, "trigger.create", "trigger", id, nullptr, after});
  });
  LD_RETURN_IF_ERROR(st);
  auto r = db.Query(std::string("SELECT ") + kColumns + " FROM pipeline_triggers WHERE id = ?", {id});
  if (!r.ok()) return r.status();
  if (r->rows.empty()) return Status::Internal("trigger vanished after insert");
  out.trigger = TriggerRowJson(r->rows[0]);
  return out;
}

Status DeleteTrigger(Database& db, const std::string& org_id, const std::string& pipeline_id,
                     const std::string& trigger_id, const std::string& actor) {
  return db.Transact([&](DbConnection& c) -> Status {
    auto r = c.Query(std::string("SELECT ") + kColumns +
                         " FROM pipeline_triggers WHERE id = ? AND org_id = ? AND pipeline_id = ?",
                     {trigger_id, org_id, pipeline_id});
    if (!r.ok()) return r.status();
    if (r->rows.empty()) return Status::NotFound("trigger not found");
    nlohmann::json before = TriggerRowJson(r->rows[0]);
    auto del = c.Query("DELETE FROM pipeline_triggers WHERE id = ? AND org_id = ?", {trigger_id, org_id});
    if (!del.ok()) return del.status();
    return WriteAudit(c, {org_id, actor, "trigger.delete", "trigger", trigger_id, before, nullptr});
  });
}

Result<WebhookTrigger> LoadWebhook(Database& db, const SecretBox& box, const std::string& trigger_id) {
  auto r = db.Query(std::string("SELECT ") + kColumns + " FROM pipeline_triggers WHERE id = ? AND kind = ?",
                    {trigger_id, std::string(kTriggerKindWebhook)});
  if (!r.ok()) return r.status();
  if (r->rows.empty()) return Status::NotFound("trigger not found");
  const DbRow& row = r->rows[0];
  WebhookTrigger out;
  out.id = row.Str("id");
  out.org_id = row.Str("org_id");
  out.pipeline_id = row.Str("pipeline_id");
  out.token_hash = row.Str("token_hash");
  out.parameters = ObjectOr(row.Str("parameters"));
  if (!row.IsNull("hmac_secret_enc")) {
    LD_ASSIGN_OR_RETURN(std::string key, box.Decrypt(row.Str("hmac_secret_enc"), out.id));
    out.hmac_secret = std::move(key);
  }
  return out;
}

bool WebhookTokenMatches(const WebhookTrigger& trigger, const std::string& token) {
  // Both sides are fixed-length hex digests, so the comparison time says nothing about the token.
  return !trigger.token_hash.empty() && ConstantTimeEquals(Sha256Hex(token), trigger.token_hash);
}

}  // namespace logidata

// Stored pipeline triggers besides the cron schedule (table pipeline_triggers):
//  - `webhook`: an inbound URL authenticated by a random token. Only the token's SHA-256 is kept;
//    the token itself is returned once, by CreateTrigger. An optional HMAC key (the caller signs
//    the body with it) is stored encrypted under the master key ring, the trigger id as
//    associated data, like connection secrets.
//  - `on_success`: a run of this pipeline after each success of an upstream pipeline of the same
//    organization (fired by ScheduleTrigger).
// Every call is scoped to one organization and pipeline, so a foreign id reads as NotFound,
// except LoadWebhook, which serves the unauthenticated hook endpoint and is keyed by the
// trigger's random id alone. Stateless functions; thread-safe.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "auth/secret_box.h"
#include "metadata/database.h"

namespace logidata {

inline constexpr const char* kTriggerKindWebhook = "webhook";
inline constexpr const char* kTriggerKindOnSuccess = "on_success";

struct NewTrigger {
  std::string org_id;
  std::string pipeline_id;
  std::string kind;                     // webhook | on_success
  std::string upstream_pipeline_id;     // on_success only
  std::optional<std::string> hmac_secret;  // webhook only; nullopt = no signature required
  nlohmann::json parameters = nlohmann::json::object();  // defaults of the runs it starts
  std::string actor;
};

struct CreatedTrigger {
  nlohmann::json trigger;  // the API form (TriggerRowJson)
  std::string token;       // webhook: the secret token, shown this once; else ""
};

// The API form of a row: id, pipeline_id, kind, upstream_pipeline_id, parameters,
// has_hmac_secret, created_by, created_at. Never the token hash or the HMAC key.
nlohmann::json TriggerRowJson(const DbRow& row);

// The triggers of one pipeline, oldest first. NotFound if the pipeline is not the organization's.
Result<nlohmann::json> ListTriggers(Database& db, const std::string& org_id, const std::string& pipeline_id);

// Checks (pipeline and upstream in the organization, no self-follow, no duplicate follower),
// inserts and audits. InvalidArgument names the field ("/upstream_pipeline_id").
Result<CreatedTrigger> CreateTrigger(Database& db, const SecretBox& box, const NewTrigger& trigger);

// Deletes one trigger of the pipeline (audited). NotFound for unknown or foreign ids.
Status DeleteTrigger(Database& db, const std::string& org_id, const std::string& pipeline_id,
                     const std::string& trigger_id, const std::string& actor);

// A webhook trigger as the hook endpoint needs it, its HMAC key decrypted.
struct WebhookTrigger {
  std::string id;
  std::string org_id;
  std::string pipeline_id;
  std::string token_hash;                  // hex SHA-256 of the token
  std::optional<std::string> hmac_secret;  // nullopt: no signature required
  nlohmann::json parameters;
};

// NotFound when no webhook trigger has this id.
Result<WebhookTrigger> LoadWebhook(Database& db, const SecretBox& box, const std::string& trigger_id);

// Whether `token` is the trigger's: its SHA-256 compared in constant time.
bool WebhookTokenMatches(const WebhookTrigger& trigger, const std::string& token);

}  // namespace logidata

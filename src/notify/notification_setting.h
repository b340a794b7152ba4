// NotificationSetting: who to tell when a run ends — for a whole organization or one pipeline,
// over email, a signed webhook or a Slack incoming webhook, for some of the events run.succeeded,
// run.failed, run.interrupted and run.anomaly. Webhook and Slack URLs and signing secrets are secrets: they are
// stored encrypted (SecretBox, the setting id as associated data), decrypted only in memory to
// send, and shown by the API in a masked form. Plain data plus stateless functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "auth/secret_box.h"
#include "metadata/database.h"

namespace logidata {

struct NotificationSetting {
  std::string id;
  std::string org_id;
  std::string pipeline_id;  // empty: every pipeline of the organization
  std::string name;
  std::string channel;               // email | webhook | slack
  std::vector<std::string> to;       // email recipients
  std::string url;                   // webhook / Slack URL (plaintext in memory only)
  std::string secret;                // webhook signing secret; empty: unsigned
  // run.succeeded | run.failed (timed_out included) | run.interrupted (the run's executor was lost:
  // the run was re-queued as a new attempt, or failed when it had none left) | run.anomaly (the
  // run's measurements were far from the pipeline's history: anomaly/anomaly_detector.h; sent
  // besides run.succeeded or run.failed)
  std::vector<std::string> events;
  bool enabled = true;

  bool Wants(const std::string& event) const;
};

// "run.succeeded" for a final run status ("run.failed" for timed_out), "" for statuses nobody
// subscribes to (cancelled, skipped).
std::string EventOfRunStatus(const std::string& status);

// JSON Schema of the API body; `create` makes name, channel and events required.
nlohmann::json NotificationBodySchema(bool create);

// Applies an API body (already schema-checked) on top of `setting` — `url` and `secret` omitted
// keep the stored ones, `secret: null` removes it — and checks the result: InvalidArgument naming
// the field ("/url: must be an http or https URL", "/to/1: not an email address").
Status ApplyNotificationBody(const nlohmann::json& body, NotificationSetting& setting);

// "https://hooks.example.com/…": scheme and host only; the path and query may hold tokens.
std::string MaskUrl(const std::string& url);

// Inserts or updates the row (secrets encrypted).
Status StoreNotificationSetting(DbConnection& conn, const SecretBox& box, const NotificationSetting& setting,
                                const std::string& actor, bool insert);

// The API form of a stored row: everything but the URL (masked) and the secret (has_secret).
nlohmann::json NotificationRowJson(const DbRow& row);

constexpr const char* kNotificationColumns =
    "id, org_id, pipeline_id, name, channel, recipients, url_enc, url_masked, secret_enc, events, enabled, "
    "created_by, created_at, updated_at";

// Decrypts a stored row into a setting.
Result<NotificationSetting> NotificationFromRow(const DbRow& row, const SecretBox& box);

// Loads one setting of `org_id` (NotFound for unknown or foreign ids).
Result<NotificationSetting> LoadNotificationSetting(Database& db, const SecretBox& box, const std::string& org_id,
                                                    const std::string& id);

// The enabled settings of an organization that apply to `pipeline_id` and want `event`.
Result<std::vector<NotificationSetting>> MatchingNotificationSettings(Database& db, const SecretBox& box,
                                                                      const std::string& org_id,
                                                                      const std::string& pipeline_id,
                                                                      const std::string& event);

// The email notifications a pipeline document asks for (its canonical `notifications` array:
// [{"on": ["success"|"failure"…], "channel": "email", "to": [addresses]}], see pipeline_format.h)
// that want `event`, as settings named "pipeline document" for the sender. Malformed entries are
// skipped: documents are checked when saved.
std::vector<NotificationSetting> DocumentNotificationSettings(const nlohmann::json& document, const std::string& org_id,
                                                              const std::string& pipeline_id, const std::string& event);

}  // namespace logidata

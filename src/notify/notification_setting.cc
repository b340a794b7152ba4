#include "notify/notification_setting.h"

#include "common/json_text.h"

#include <algorithm>

namespace logidata {
namespace {

const std::vector<std::string>& KnownEvents() {
  static const std::vector<std::string> kEvents = {"run.succeeded", "run.failed", "run.interrupted", "run.anomaly"};
  return kEvents;
}

bool HasControlOrSpace(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == 0x7f; });
}

// user@domain.tld with no spaces, control characters or header punctuation (the address goes
// into SMTP commands and mail headers).
bool IsEmailAddress(std::string_view s) {
  if (s.size() < 3 || s.size() > 320 || HasControlOrSpace(s)) return false;
  if (s.find_first_of("<>,;:\"()[]\\") != std::string_view::npos) return false;
  size_t at = s.find('@');
  if (at == 0 || at == std::string_view::npos || s.find('@', at + 1) != std::string_view::npos) return false;
  std::string_view domain = s.substr(at + 1);
  size_t dot = domain.find('.');
  return dot != std::string_view::npos && dot > 0 && domain.back() != '.';
}

// http(s)://host[:port][/…] with a non-empty host and no whitespace.
bool IsHttpUrl(std::string_view s) {
  if (HasControlOrSpace(s)) return false;
  size_t scheme_end = s.find("://");
  if (scheme_end == std::string_view::npos) return false;
  std::string scheme(s.substr(0, scheme_end));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
  if (scheme != "http" && scheme != "https") return false;
  std::string_view rest = s.substr(scheme_end + 3);
  std::string_view host = rest.substr(0, rest.find_first_of("/?#"));
  if (size_t at = host.rfind('@'); at != std::string_view::npos) host = host.substr(at + 1);
  return !host.empty() && host[0] != ':';
}

nlohmann::json ParseArray(const std::string& text) {
  auto j = ParseJsonOrDiscarded(text);
  return j.is_array() ? j : nlohmann::json::array();
}

std::vector<std::string> Strings(const nlohmann::json& array) {
  std::vector<std::string> out;
  for (const auto& v : array) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

}  // namespace

bool NotificationSetting::Wants(const std::string& event) const {
  return std::find(events.begin(), events.end(), event) != events.end();
}

std::string EventOfRunStatus(const std::string& status) {
  if (status == "succeeded" || status == "failed" || status == "interrupted") return "run." + status;
  if (status == "timed_out") return "run.failed";  // a run over its time limit failed
  return "";
}

nlohmann::json NotificationBodySchema(bool create) {
  nlohmann::json event = {{"type", "string"}, {"enum", KnownEvents()}};
  nlohmann::json props = {
      {"name", {{"type", "string"}, {"minLength", 1}, {"maxLength", 200}}},
      {"channel", {{"type", "string"}, {"enum", {"email", "webhook", "slack"}}}},
      {"pipeline_id", {{"type", {"string", "null"}}, {"maxLength", 100}}},
      {"events", {{"type", "array"}, {"items", event}, {"minItems", 1}, {"maxItems", KnownEvents().size()}}},
      {"to", {{"type", "array"}, {"items", {{"type", "string"}, {"maxLength", 320}}}, {"maxItems", 50}}},
      {"url", {{"type", "string"}, {"minLength", 1}, {"maxLength", 2048}}},
      {"secret", {{"type", {"string", "null"}}, {"maxLength", 1024}}},
      {"enabled", {{"type", "boolean"}}}};
  nlohmann::json schema = {{"type", "object"}, {"properties", props}, {"additionalProperties", false}};
  if (create) schema["required"] = {"name", "channel", "events"};
  return schema;
}

Status ApplyNotificationBody(const nlohmann::json& b, NotificationSetting& s) {
  if (b.contains("name")) s.name = b["name"].get<std::string>();
  if (b.contains("channel")) s.channel = b["channel"].get<std::string>();
  if (b.contains("pipeline_id")) s.pipeline_id = b["pipeline_id"].is_string() ? b["pipeline_id"].get<std::string>() : "";
  if (b.contains("events")) {
    s.events.clear();
    for (const auto& e : b["events"]) {
      if (std::find(s.events.begin(), s.events.end(), e.get<std::string>()) == s.events.end()) s.events.push_back(e);
    }
  }
  if (b.contains("to")) s.to = Strings(b["to"]);
  if (b.contains("url")) s.url = b["url"].get<std::string>();
  if (b.contains("secret")) s.secret = b["secret"].is_string() ? b["secret"].get<std::string>() : "";
  if (b.contains("enabled")) s.enabled = b["enabled"].get<bool>();

  if (s.channel == "email") {
    if (s.to.empty()) return Status::InvalidArgument("/to: an email notification needs at least one address");
    for (size_t i = 0; i < s.to.size(); ++i) {
      if (!IsEmailAddress(s.to[i])) return Status::InvalidArgument("/to/" + std::to_string(i) + ": not an email address");
    }
    s.url.clear();
    s.secret.clear();
  } else {
    if (s.url.empty()) return Status::InvalidArgument("/url: a " + s.channel + " notification needs a URL");
    if (!IsHttpUrl(s.url)) return Status::InvalidArgument("/url: must be an http or https URL");
    if (s.channel == "slack" && !s.secret.empty()) {
      return Status::InvalidArgument("/secret: Slack webhooks are not signed; only webhook channels take a secret");
    }
    s.to.clear();
  }
  return Status::OK();
}

std::string MaskUrl(const std::string& url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return "…";
  size_t host_start = scheme_end + 3;
  size_t host_end = url.find_first_of("/?#", host_start);
  std::string host = url.substr(host_start, host_end == std::string::npos ? std::string::npos : host_end - host_start);
  if (size_t at = host.rfind('@'); at != std::string::npos) host = host.substr(at + 1);  // drop user:password
  return url.substr(0, host_start) + host + "/…";
}

Status StoreNotificationSetting(DbConnection& conn, const SecretBox& box, const NotificationSetting& s,
                                const std::string& actor, bool insert) {
  DbValue url = nullptr, secret = nullptr;
  if (!s.url.empty()) {
    LD_ASSIGN_OR_RETURN(std::string enc, box.Encrypt(s.url, s.id));
    url = enc;
  }
  if (!s.secret.empty()) {
    LD_ASSIGN_OR_RETURN(std::string enc, box.Encrypt(s.secret, s.id));
    secret = enc;
  }
  DbValue pipeline = s.pipeline_id.empty() ? DbValue(nullptr) : DbValue(s.pipeline_id);
  std::string now = NowIso8601();
  std::string masked = s.url.empty() ? "" : MaskUrl(s.url);
  Result<DbResult> r = insert
      ? conn.Query("INSERT INTO notification_settings (id, org_id, pipeline_id, name, channel, recipients, url_enc, "
                   "url_masked, secret_enc, events, enabled, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, "
                   "?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   {s.id, s.org_id, pipeline, s.name, s.channel, nlohmann::json(s.to).dump(), url, masked, secret,
                    nlohmann::json(s.events).dump(), int64_t{s.enabled}, actor, now, now})
      : conn.Query("UPDATE notification_settings SET pipeline_id = ?, name = ?, channel = ?, recipients = ?, url_enc "
                   "= ?, url_masked = ?, secret_enc = ?, events = ?, enabled = ?, updated_at = ? WHERE id = ? AND "
                   "org_id = ?",
                   {pipeline, s.name, s.channel, nlohmann::json(s.to).dump(), url, masked, secret,
                    nlohmann::json(s.events).dump(), int64_t{s.enabled}, now, s.id, s.org_id});
  return r.ok() ? Status::OK() : r.status();
}

nlohmann::json NotificationRowJson(const DbRow& row) {
  nlohmann::json out = {{"id", row.Str("id")},
                        {"name", row.Str("name")},
                        {"channel", row.Str("channel")},
                        {"pipeline_id", row.IsNull("pipeline_id") ? nlohmann::json(nullptr) : nlohmann::json(row.Str("pipeline_id"))},
                        {"events", ParseArray(row.Str("events"))},
                        {"to", ParseArray(row.Str("recipients"))},
                        {"url_masked", row.IsNull("url_enc") ? nlohmann::json(nullptr) : nlohmann::json(row.Str("url_masked"))},
                        {"has_secret", !row.IsNull("secret_enc")},
                        {"enabled", row.Int("enabled") != 0},
                        {"created_at", row.Str("created_at")},
                        {"updated_at", row.Str("updated_at")}};
  return out;
}

Result<NotificationSetting> NotificationFromRow(const DbRow& row, const SecretBox& box) {
  NotificationSetting s;
  s.id = row.Str("id");
  s.org_id = row.Str("org_id");
  s.pipeline_id = row.Str("pipeline_id");
  s.name = row.Str("name");
  s.channel = row.Str("channel");
  s.to = Strings(ParseArray(row.Str("recipients")));
  s.events = Strings(ParseArray(row.Str("events")));
  s.enabled = row.Int("enabled") != 0;
  if (!row.IsNull("url_enc")) {
    auto url = box.Decrypt(row.Str("url_enc"), s.id);
    if (!url.ok()) return url.status().WithContext("notification '" + s.name + "'");
    s.url = std::move(url).value();
  }
  if (!row.IsNull("secret_enc")) {
    auto secret = box.Decrypt(row.Str("secret_enc"), s.id);
    if (!secret.ok()) return secret.status().WithContext("notification '" + s.name + "'");
    s.secret = std::move(secret).value();
  }
  return s;
}

Result<NotificationSetting> LoadNotificationSetting(Database& db, const SecretBox& box, const std::string& org_id,
                                                    const std::string& id) {
  auto r = db.Query(std::string("SELECT ") + kNotificationColumns +
                        " FROM notification_settings WHERE id = ? AND org_id = ?",
                    {id, org_id});
  if (!r.ok()) return r.status();
  if (r->rows.empty()) return Status::NotFound("notification setting not found");
  return NotificationFromRow(r->rows[0], box);
}

Result<std::vector<NotificationSetting>> MatchingNotificationSettings(Database& db, const SecretBox& box,
                                                                      const std::string& org_id,
                                                                      const std::string& pipeline_id,
                                                                      const std::string& event) {
  auto r = db.Query(std::string("SELECT ") + kNotificationColumns +
                        " FROM notification_settings WHERE org_id = ? AND enabled = 1 AND (pipeline_id IS NULL OR "
                        "pipeline_id = ?) ORDER BY created_at, id",
                    {org_id, pipeline_id});
  if (!r.ok()) return r.status();
  std::vector<NotificationSetting> out;
  for (const DbRow& row : r->rows) {
    LD_ASSIGN_OR_RETURN(NotificationSetting s, NotificationFromRow(row, box));
    if (s.Wants(event)) out.push_back(std::move(s));
  }
  return out;
}

std::vector<NotificationSetting> DocumentNotificationSettings(const nlohmann::json& document, const std::string& org_id,
                                                              const std::string& pipeline_id, const std::string& event) {
  std::vector<NotificationSetting> out;
  auto list = document.find("notifications");
  if (!document.is_object() || list == document.end() || !list->is_array()) return out;
  for (const auto& entry : *list) {
    if (!entry.is_object() || entry.value("channel", std::string("email")) != "email") continue;
    NotificationSetting s;
    s.org_id = org_id;
    s.pipeline_id = pipeline_id;
    s.name = "pipeline document";
    s.channel = "email";
    for (const auto& on : entry.value("on", nlohmann::json::array())) {
      if (on == "success") s.events.push_back("run.succeeded");
      if (on == "failure") s.events.push_back("run.failed");
    }
    auto to = entry.find("to");
    if (to != entry.end() && to->is_string()) s.to.push_back(to->get<std::string>());
    if (to != entry.end() && to->is_array()) {
      for (const auto& a : *to) {
        if (a.is_string()) s.to.push_back(a.get<std::string>());
      }
    }
    if (!s.to.empty() && s.Wants(event)) out.push_back(std::move(s));
  }
  return out;
}

}  // namespace logidata

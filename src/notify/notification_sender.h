// NotificationSender: delivers one notification message over its channel with libcurl — a JSON
// POST to a webhook (signed with HMAC-SHA256 when the setting has a secret) or a Slack incoming
// webhook, or a plain-text email over SMTP. HTTP deliveries retry with exponential backoff on
// 429, 5xx and transport errors. Blocking; stateless apart from its options; thread-safe.
#pragma once

#include <atomic>
#include <string>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "net/egress_policy.h"
#include "notify/notification_setting.h"

namespace logidata {

// SMTP server settings, from LOGIDATA_SMTP_URL ("smtp://host:25", "smtps://host:465"; smtp://
// upgrades with STARTTLS when the server offers it, and requires it when a user is set),
// LOGIDATA_SMTP_FROM, LOGIDATA_SMTP_USER and LOGIDATA_SMTP_PASSWORD.
struct SmtpSettings {
  std::string url;
  std::string from;
  std::string user;
  std::string password;

  static SmtpSettings FromEnvironment();
};

struct DeliveryOptions {
  int attempts = 4;          // HTTP channels: first try + retries
  int first_backoff_ms = 500;  // doubles after each failed attempt
  int timeout_seconds = 15;  // per attempt
  // Once true, transfers in progress are aborted and no retry starts (bounded shutdown).
  const std::atomic<bool>* abandon = nullptr;
};

// What a notification says about a run.
struct RunNotice {
  std::string event;  // run.succeeded | run.failed | run.interrupted | run.anomaly | test
  // {event, run_id, pipeline_id, pipeline, status, rows, duration_seconds, error, link}, and for
  // run.anomaly: anomalies (one line per anomaly, see DescribeAnomalies)
  nlohmann::json payload;
};

// The header carrying "sha256=<hex HMAC-SHA256 of the body under the secret>".
constexpr const char* kSignatureHeader = "X-Logidata-Signature";

class NotificationSender {
 public:
  NotificationSender(SmtpSettings smtp, DeliveryOptions options) : smtp_(std::move(smtp)), options_(options) {}

  // OK once delivered; Unavailable (with the last HTTP status or transport error) otherwise, or
  // the egress refusal when `egress` (null = anywhere) refuses the webhook's address — not
  // retried. Error messages never contain the URL's path or query, nor the secret.
  Status Send(const NotificationSetting& setting, const RunNotice& notice, const EgressPolicy* egress = nullptr) const;

 private:
  Status PostJson(const NotificationSetting& setting, const std::string& body, const std::string& event,
                  const EgressPolicy* egress) const;
  Status SendEmail(const NotificationSetting& setting, const RunNotice& notice) const;

  SmtpSettings smtp_;
  DeliveryOptions options_;
};

}  // namespace logidata

#include "notify/notification_sender.h"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

#include <curl/curl.h>

#include "auth/token_codec.h"
#include "metadata/database.h"
#include "net/curl_egress_guard.h"

namespace logidata {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

// Header values come from pipeline names and errors: no line breaks may reach the mail headers.
std::string OneLine(std::string s, size_t max = 200) {
  for (char& c : s) {
    if (c == '\r' || c == '\n' || c == '\t') c = ' ';
  }
  return s.size() > max ? s.substr(0, max) + "…" : s;
}

// A string field of the payload; "" when absent or not a string (a test message has run_id null).
std::string Text(const nlohmann::json& p, const char* key) {
  return p.contains(key) && p[key].is_string() ? p[key].get<std::string>() : std::string();
}

std::string Summary(const RunNotice& n) {
  const nlohmann::json& p = n.payload;
  std::string text = "Pipeline '" + Text(p, "pipeline") + "' run " + Text(p, "run_id") + " " + Text(p, "status");
  if (p.contains("rows") && p["rows"].is_number()) text += " — " + std::to_string(p["rows"].get<int64_t>()) + " rows";
  if (p.contains("duration_seconds") && p["duration_seconds"].is_number()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, " in %.1f s", p["duration_seconds"].get<double>());
    text += buf;
  }
  if (p.contains("error") && p["error"].is_string()) text += "\nError: " + p["error"].get<std::string>();
  if (p.contains("anomalies") && p["anomalies"].is_string()) text += "\nAnomalies: " + p["anomalies"].get<std::string>();
  if (p.contains("link") && p["link"].is_string()) text += "\n" + p["link"].get<std::string>();
  return text;
}

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

struct Upload {
  const std::string* data;
  size_t pos = 0;
};

size_t ReadUpload(char* out, size_t size, size_t n, void* ud) {
  auto* up = static_cast<Upload*>(ud);
  size_t len = std::min(size * n, up->data->size() - up->pos);
  std::memcpy(out, up->data->data() + up->pos, len);
  up->pos += len;
  return len;
}

struct CurlHandle {
  CURL* h = curl_easy_init();
  struct curl_slist* list = nullptr;
  ~CurlHandle() {
    if (list) curl_slist_free_all(list);
    if (h) curl_easy_cleanup(h);
  }
};

int AbortWhenAbandoned(void* ud, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* abandon = static_cast<const std::atomic<bool>*>(ud);
  return abandon && abandon->load() ? 1 : 0;
}

void CommonOptions(CURL* h, const DeliveryOptions& o) {
  curl_easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(o.timeout_seconds));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  if (o.abandon) {
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, AbortWhenAbandoned);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(o.abandon));
  }
}

bool Abandoned(const DeliveryOptions& o) { return o.abandon && o.abandon->load(); }

}  // namespace

SmtpSettings SmtpSettings::FromEnvironment() {
  return {Env("LOGIDATA_SMTP_URL"), Env("LOGIDATA_SMTP_FROM"), Env("LOGIDATA_SMTP_USER"), Env("LOGIDATA_SMTP_PASSWORD")};
}

Status NotificationSender::Send(const NotificationSetting& setting, const RunNotice& notice,
                                const EgressPolicy* egress) const {
  if (setting.channel == "email") return SendEmail(setting, notice);
  std::string body = setting.channel == "slack"
                         ? nlohmann::json{{"text", Summary(notice)}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                         : notice.payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return PostJson(setting, body, notice.event, egress);
}

Status NotificationSender::PostJson(const NotificationSetting& setting, const std::string& body,
                                    const std::string& event, const EgressPolicy* egress) const {
  // The URL's scheme and host only: its path and query may hold a token.
  Status scheme = CheckHttpScheme(setting.url);
  if (!scheme.ok()) return scheme.WithContext(setting.channel + " " + MaskUrl(setting.url));
  std::string last_error;
  int backoff = options_.first_backoff_ms;
  for (int attempt = 1; attempt <= std::max(1, options_.attempts); ++attempt) {
    if (attempt > 1) {
      auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(backoff);
      while (!Abandoned(options_) && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      backoff *= 2;
    }
    if (Abandoned(options_)) {
      last_error = "abandoned at shutdown" + (last_error.empty() ? "" : " after " + last_error);
      break;
    }
    CurlHandle c;
    if (!c.h) return Status::Internal("cannot create a libcurl handle");
    c.list = curl_slist_append(c.list, "Content-Type: application/json");
    c.list = curl_slist_append(c.list, "User-Agent: logidata-notifier/1");
    c.list = curl_slist_append(c.list, ("X-Logidata-Event: " + OneLine(event, 40)).c_str());
    if (!setting.secret.empty()) {
      std::string signature = HexEncode(HmacSha256(setting.secret, body));
      c.list = curl_slist_append(c.list, (std::string(kSignatureHeader) + ": sha256=" + signature).c_str());
    }
    CurlEgressGuard guard(egress);
    guard.Install(c.h, setting.url);
    curl_easy_setopt(c.h, CURLOPT_URL, setting.url.c_str());
    curl_easy_setopt(c.h, CURLOPT_HTTPHEADER, c.list);
    curl_easy_setopt(c.h, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c.h, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    CommonOptions(c.h, options_);
    curl_easy_setopt(c.h, CURLOPT_WRITEFUNCTION, Discard);
    CURLcode rc = curl_easy_perform(c.h);
    if (!guard.refusal().ok()) return guard.refusal().WithContext(setting.channel + " " + MaskUrl(setting.url));
    if (rc != CURLE_OK) {
      // curl's messages name the host at most, never the path or query where tokens live.
      last_error = curl_easy_strerror(rc);
      continue;
    }
    long code = 0;
    curl_easy_getinfo(c.h, CURLINFO_RESPONSE_CODE, &code);
    if (code >= 200 && code < 300) return Status::OK();
    last_error = "HTTP " + std::to_string(code);
    if (code != 429 && code < 500) break;  // the receiver rejected it: retrying will not help
  }
  return Status::Unavailable(setting.channel + " " + MaskUrl(setting.url) + ": " + last_error);
}

Status NotificationSender::SendEmail(const NotificationSetting& setting, const RunNotice& notice) const {
  if (smtp_.url.empty()) return Status::Unavailable("email: LOGIDATA_SMTP_URL is not set");
  std::string from = smtp_.from.empty() ? "logidata@localhost" : smtp_.from;
  const nlohmann::json& p = notice.payload;
  std::string subject = "[Logidata] " + OneLine(p.value("pipeline", std::string())) + ": run " +
                        OneLine(p.value("status", std::string()), 40);
  std::string to_header;
  for (const std::string& t : setting.to) to_header += (to_header.empty() ? "" : ", ") + t;
  std::string text = Summary(notice);
  std::string message = "From: " + from + "\r\nTo: " + to_header + "\r\nSubject: " + subject +
                        "\r\nMessage-ID: <" + NewId() + "@logidata>\r\nMIME-Version: 1.0\r\n"
                        "Content-Type: text/plain; charset=utf-8\r\nX-Logidata-Event: " + OneLine(notice.event, 40) +
                        "\r\n\r\n";
  // Bare line feeds become CRLF; a line of a single dot is escaped by curl itself.
  for (char ch : text) {
    if (ch == '\n') message += "\r\n";
    else if (ch != '\r') message += ch;
  }
  message += "\r\n";

  CurlHandle c;
  if (!c.h) return Status::Internal("cannot create a libcurl handle");
  for (const std::string& t : setting.to) c.list = curl_slist_append(c.list, ("<" + t + ">").c_str());
  Upload upload{&message};
  curl_easy_setopt(c.h, CURLOPT_URL, smtp_.url.c_str());
  curl_easy_setopt(c.h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c.h, CURLOPT_MAIL_FROM, ("<" + from + ">").c_str());
  curl_easy_setopt(c.h, CURLOPT_MAIL_RCPT, c.list);
  curl_easy_setopt(c.h, CURLOPT_READFUNCTION, ReadUpload);
  curl_easy_setopt(c.h, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c.h, CURLOPT_UPLOAD, 1L);
  CommonOptions(c.h, options_);
  if (!smtp_.user.empty()) {
    curl_easy_setopt(c.h, CURLOPT_USERNAME, smtp_.user.c_str());
    curl_easy_setopt(c.h, CURLOPT_PASSWORD, smtp_.password.c_str());
    // Credentials never travel in clear text.
    curl_easy_setopt(c.h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  } else {
    curl_easy_setopt(c.h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
  }
  CURLcode rc = curl_easy_perform(c.h);
  if (rc != CURLE_OK) return Status::Unavailable(std::string("email via SMTP: ") + curl_easy_strerror(rc));
  return Status::OK();
}

}  // namespace logidata

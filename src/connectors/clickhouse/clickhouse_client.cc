#include "connectors/clickhouse/clickhouse_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <mutex>

#include "connectors/http/http_client.h"
#include "net/curl_egress_guard.h"
#include "net/egress_policy.h"

namespace logidata {

namespace {

constexpr int64_t kMaxResponseBytes = int64_t{64} << 20;
constexpr size_t kMaxErrorBytes = 64 << 10;
// Unread bytes of a result stream beyond which receiving pauses.
constexpr size_t kPauseBytes = 1 << 20;

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Sink {
  std::string* body;
  int64_t limit;
  bool exceeded = false;
};

size_t Collect(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  if (static_cast<int64_t>(sink->body->size() + size * n) > sink->limit) {
    sink->exceeded = true;
    return 0;
  }
  sink->body->append(data, size * n);
  return size * n;
}

int AbortWhenCancelled(void* flag, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* cancelled = static_cast<const std::atomic<bool>*>(flag);
  return cancelled != nullptr && cancelled->load(std::memory_order_relaxed) ? 1 : 0;
}

// The options every request shares: URL, credentials, egress guard, timeouts, cancellation.
void Configure(CURL* c, const std::string& url, const ConnectionConfig& config, CurlEgressGuard& guard,
               const std::atomic<bool>* cancelled) {
  guard.Install(c, url);
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "logidata/0.1");
  curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
  curl_easy_setopt(c, CURLOPT_USERNAME, config.user.empty() ? "default" : config.user.c_str());
  curl_easy_setopt(c, CURLOPT_PASSWORD, config.secret.c_str());
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, cancelled != nullptr ? 0L : 1L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &AbortWhenCancelled);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(cancelled));
}

// The server's message from an error body ("Code: 60, e.displayText() = DB::Exception: …").
std::string ServerMessage(std::string body) {
  if (body.size() > 2000) body.resize(2000);
  while (!body.empty() && (body.back() == '\n' || body.back() == ' ')) body.pop_back();
  return body;
}

// 401/403 and ClickHouse's authentication codes (192 unknown user, 193 wrong password, 516).
Status HttpError(long status, const std::string& body, const std::string& what) {
  std::string msg = "ClickHouse " + what + ": HTTP " + std::to_string(status) + ": " + ServerMessage(body);
  if (status == 401 || status == 403 || body.rfind("Code: 192,", 0) == 0 || body.rfind("Code: 193,", 0) == 0 ||
      body.rfind("Code: 516,", 0) == 0) {
    return Status::Unauthenticated(msg);
  }
  if (status >= 500 && body.rfind("Code: ", 0) != 0) return Status::Unavailable(msg);
  return Status::InvalidArgument(msg);
}

Status TransportError(CURLcode rc, const CurlEgressGuard& guard, const std::atomic<bool>* cancelled,
                      const std::string& what) {
  if (!guard.refusal().ok()) return guard.refusal().WithContext("ClickHouse " + what);
  if (cancelled != nullptr && cancelled->load()) return Status::Cancelled("run cancelled");
  return Status::Unavailable("ClickHouse " + what + ": " + curl_easy_strerror(rc));
}

}  // namespace

Result<std::string> ClickhouseBaseUrl(const ConnectionConfig& config) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("connection '" + config.name + "': " + why);
  };
  std::string host = config.host;
  if (host.empty()) return bad("a host or URL is required (e.g. http://clickhouse:8123)");
  bool secure = config.options.is_object() && config.options.value("secure", false);
  std::string scheme = secure ? "https" : "http";
  if (auto p = host.find("://"); p != std::string::npos) {
    scheme = host.substr(0, p);
    std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
    if (scheme != "http" && scheme != "https") return bad("the URL scheme must be http or https");
    host = host.substr(p + 3);
    while (!host.empty() && host.back() == '/') host.pop_back();
  }
  for (unsigned char c : host) {
    if (c == '/' || c == '?' || c == '#' || c == '@' || c == '\\' || c <= ' ' || c >= 0x7f) {
      return bad("the host must be a host name or address (with an optional :port), without path, query or user info");
    }
  }
  if (host.empty()) return bad("the URL has no host");
  bool has_port = false;
  if (auto colon = host.rfind(':'); colon != std::string::npos && host.find(']') == std::string::npos) {
    has_port = true;
  } else if (host.front() == '[' && host.find("]:") != std::string::npos) {
    has_port = true;
  }
  std::string url = scheme + "://" + host;
  if (!has_port) {
    int port = config.port != 0 ? config.port : (scheme == "https" ? 8443 : 8123);
    url += ":" + std::to_string(port);
  } else if (config.port != 0) {
    return bad("give the port either in the URL or in the port field, not both");
  }
  return url;
}

Result<std::string> QuoteClickhouseIdentifier(std::string_view name, std::string_view what) {
  if (name.empty()) return Status::InvalidArgument(std::string(what) + " is empty");
  std::string out = "`";
  for (char c : name) {
    if (c == '\0') return Status::InvalidArgument(std::string(what) + " contains a NUL byte");
    if (c == '`' || c == '\\') out += '\\';
    out += c;
  }
  out += '`';
  return out;
}

std::string ClickhouseStringLiteral(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out += '\\';
    if (c == '\0') {
      out += "\\0";
      continue;
    }
    out += c;
  }
  out += '\'';
  return out;
}

Result<ClickhouseClient> ClickhouseClient::Make(const ConnectionConfig& config, const std::atomic<bool>* cancelled) {
  GlobalInit();
  ClickhouseClient c;
  LD_ASSIGN_OR_RETURN(c.base_url_, ClickhouseBaseUrl(config));
  LD_RETURN_IF_ERROR(CheckHttpScheme(c.base_url_));
  c.config_ = config;
  c.cancelled_ = cancelled;
  return c;
}

std::string ClickhouseClient::QueryUrl(const std::string& sql, const std::string& settings) const {
  std::string url = base_url_ + "/?query=" + UrlEncode(sql);
  if (!config_.database.empty()) url += "&database=" + UrlEncode(config_.database);
  if (!settings.empty()) url += "&" + settings;
  return url;
}

Result<std::string> ClickhouseClient::Execute(const std::string& sql) const { return Post(sql, ""); }

Status ClickhouseClient::Insert(const std::string& sql, const std::string& data) const { return Post(sql, data).status(); }

Result<std::string> ClickhouseClient::Post(const std::string& sql, const std::string& body) const {
  CURL* c = curl_easy_init();
  if (c == nullptr) return Status::Internal("curl_easy_init failed");
  std::unique_ptr<CURL, void (*)(CURL*)> owner(c, curl_easy_cleanup);
  CurlEgressGuard guard(config_.egress);
  const std::string url = QueryUrl(sql);
  Configure(c, url, config_, guard, cancelled_);
  std::string response;
  Sink sink{&response, kMaxResponseBytes};
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &Collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_seconds_ * 1000));
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/octet-stream");
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(headers);
  std::string what = sql.substr(0, sql.find_first_of(" \n"));
  if (rc != CURLE_OK) {
    if (sink.exceeded) return Status::DataError("ClickHouse " + what + ": the response exceeds 64 MiB");
    return TransportError(rc, guard, cancelled_, what);
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) return HttpError(status, response, what);
  return response;
}

ClickhouseStream::~ClickhouseStream() {
  if (multi_ != nullptr && easy_ != nullptr) curl_multi_remove_handle(static_cast<CURLM*>(multi_), static_cast<CURL*>(easy_));
  if (easy_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(easy_));
  if (multi_ != nullptr) curl_multi_cleanup(static_cast<CURLM*>(multi_));
}

size_t ClickhouseStream::OnData(char* data, size_t size, size_t n, void* self) {
  auto* s = static_cast<ClickhouseStream*>(self);
  // Enough unread lines already: let curl hold the data (and TCP the rest) until the consumer
  // has taken them. A single line longer than that is still received whole.
  if (s->buffer_.size() - s->pos_ >= kPauseBytes && s->buffer_.find('\n', s->pos_) != std::string::npos) {
    s->paused_ = true;
    return CURL_WRITEFUNC_PAUSE;
  }
  s->buffer_.append(data, size * n);
  s->bytes_ += static_cast<int64_t>(size * n);
  return size * n;
}

Result<std::unique_ptr<ClickhouseStream>> ClickhouseStream::Open(const ClickhouseClient& client, const std::string& sql,
                                                                 const std::string& settings) {
  std::unique_ptr<ClickhouseStream> s(new ClickhouseStream());
  s->cancelled_ = client.cancelled();
  s->url_ = client.QueryUrl(sql, settings);
  s->guard_ = std::make_unique<CurlEgressGuard>(client.config().egress);
  CURL* c = curl_easy_init();
  s->easy_ = c;
  s->multi_ = curl_multi_init();
  if (c == nullptr || s->multi_ == nullptr) return Status::Internal("curl init failed");
  Configure(c, s->url_, client.config(), *s->guard_, s->cancelled_);
  curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &ClickhouseStream::OnData);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, s.get());
  curl_easy_setopt(c, CURLOPT_BUFFERSIZE, 256L << 10);
  curl_multi_add_handle(static_cast<CURLM*>(s->multi_), c);
  // Wait for the status line and the first bytes (or the end).
  long status = 0;
  while (status == 0) {
    LD_ASSIGN_OR_RETURN(bool more, s->Pump());
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (!more) break;
  }
  if (s->done_ && s->result_ != CURLE_OK) return s->TransferError();
  if (status != 200) {
    while (!s->done_ && s->buffer_.size() < kMaxErrorBytes) LD_RETURN_IF_ERROR(s->Pump().status());
    return HttpError(status, s->buffer_, "query");
  }
  return s;
}

Status ClickhouseStream::TransferError() {
  return TransportError(static_cast<CURLcode>(result_), *guard_, cancelled_,
                        "query: the result stream broke after " + std::to_string(bytes_) + " bytes");
}

Result<bool> ClickhouseStream::Pump() {
  if (done_) return false;
  auto* m = static_cast<CURLM*>(multi_);
  int running = 0;
  const int64_t before = bytes_;
  if (paused_) {
    paused_ = false;
    curl_easy_pause(static_cast<CURL*>(easy_), CURLPAUSE_CONT);
  }
  while (true) {
    if (cancelled_ != nullptr && cancelled_->load(std::memory_order_relaxed)) return Status::Cancelled("run cancelled");
    if (curl_multi_perform(m, &running) != CURLM_OK) return Status::Internal("curl_multi_perform failed");
    if (running == 0) {
      int left = 0;
      while (CURLMsg* msg = curl_multi_info_read(m, &left)) {
        if (msg->msg == CURLMSG_DONE) result_ = msg->data.result;
      }
      done_ = true;
      return false;
    }
    if (bytes_ != before || paused_) return true;
    curl_multi_poll(m, nullptr, 0, 100, nullptr);
  }
}

Result<bool> ClickhouseStream::NextLine(std::string_view* line) {
  while (true) {
    size_t nl = buffer_.find('\n', pos_);
    if (nl != std::string::npos) {
      *line = std::string_view(buffer_).substr(pos_, nl - pos_);
      pos_ = nl + 1;
      return true;
    }
    if (done_) {
      if (result_ != CURLE_OK) return TransferError();
      if (pos_ < buffer_.size()) {  // a last line without '\n'
        *line = std::string_view(buffer_).substr(pos_);
        pos_ = buffer_.size();
        return true;
      }
      return false;
    }
    // Drop consumed bytes before receiving more, so the buffer holds one partial line plus
    // what curl delivers at once.
    buffer_.erase(0, pos_);
    pos_ = 0;
    LD_RETURN_IF_ERROR(Pump().status());
  }
}

}  // namespace logidata

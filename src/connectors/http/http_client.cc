#include "connectors/http/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <ctime>
#include <mutex>
#include <random>
#include <thread>

#include "net/curl_egress_guard.h"

namespace logidata {

namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct BodySink {
  std::string* body;
  int64_t limit;
  bool exceeded = false;
};

size_t WriteBody(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  if (sink->limit > 0 && static_cast<int64_t>(sink->body->size() + size * n) > sink->limit) {
    sink->exceeded = true;
    return 0;  // curl stops the transfer with CURLE_WRITE_ERROR
  }
  sink->body->append(data, size * n);
  return size * n;
}

std::string MiB(int64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g MiB", static_cast<double>(bytes) / (1 << 20));
  return buf;
}

size_t WriteHeader(char* data, size_t size, size_t n, void* user) {
  std::string line(data, size * n);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(value.begin());
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.pop_back();
    static_cast<std::multimap<std::string, std::string>*>(user)->emplace(std::move(name), std::move(value));
  }
  return size * n;
}

// The URL without its query string (which may hold an API key).
std::string SafeUrl(const std::string& url) { return url.substr(0, url.find('?')); }

double JitteredBackoff(int attempt, double base, double cap) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  double ceiling = std::min(cap, base * std::pow(2.0, attempt));
  return std::uniform_real_distribution<double>(ceiling / 2, ceiling)(rng);
}

// Retry-After: delta-seconds or an HTTP date; < 0 when absent or unparsable.
double RetryAfterSeconds(const std::string& value) {
  if (value.empty()) return -1;
  if (std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); })) return std::stod(value);
  time_t when = curl_getdate(value.c_str(), nullptr);
  if (when < 0) return -1;
  return std::max(0.0, std::difftime(when, std::time(nullptr)));
}

}  // namespace

std::string HttpClientResponse::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

HttpClientOptions HttpClientOptions::FromConfig(const nlohmann::json& cfg) {
  HttpClientOptions o;
  if (cfg.contains("retries") && cfg["retries"].is_object()) {
    const auto& r = cfg["retries"];
    o.max_retries = r.value("max_retries", o.max_retries);
    o.base_delay_seconds = r.value("base_delay_ms", 500.0) / 1000.0;
    o.max_delay_seconds = r.value("max_delay_ms", 30000.0) / 1000.0;
  }
  o.timeout_seconds = cfg.value("timeout_seconds", o.timeout_seconds);
  o.rate_limit_per_second = cfg.value("rate_limit_per_second", 0.0);
  if (cfg.contains("max_response_mb") && cfg["max_response_mb"].is_number()) {
    o.max_response_bytes = static_cast<int64_t>(cfg["max_response_mb"].get<double>() * (1 << 20));
  }
  return o;
}

nlohmann::json HttpClientOptions::ConfigProperties() {
  return {
      {"retries",
       {{"type", "object"},
        {"title", "Retries"},
        {"description", "Retries of failed requests (network errors, timeouts, 429, 5xx) with exponential backoff "
                        "and jitter; Retry-After is honoured."},
        {"additionalProperties", false},
        {"properties",
         {{"max_retries", {{"type", "integer"}, {"title", "Max retries"}, {"minimum", 0}, {"default", 5}, {"description", "Retries per request."}}},
          {"base_delay_ms", {{"type", "integer"}, {"title", "First delay (ms)"}, {"minimum", 0}, {"default", 500}, {"description", "Delay before the first retry; doubles each time."}}},
          {"max_delay_ms", {{"type", "integer"}, {"title", "Max delay (ms)"}, {"minimum", 0}, {"default", 30000}, {"description", "Upper bound of one delay."}}}}}}},
      {"timeout_seconds", {{"type", "number"}, {"title", "Timeout (s)"}, {"minimum", 0}, {"default", 60},
                           {"description", "Time limit of one request."}}},
      {"rate_limit_per_second", {{"type", "number"}, {"title", "Rate limit (requests/s)"}, {"minimum", 0}, {"default", 0},
                                 {"description", "Maximum requests per second; 0 = no limit."}}},
      {"max_response_mb", {{"type", "number"}, {"title", "Max response (MiB)"}, {"exclusiveMinimum", 0}, {"maximum", 4096},
                           {"default", 256}, {"description", "Largest response body accepted (after decompression); a larger one fails the request."}}},
  };
}

namespace {

// curl's progress callback, called about once a second and on every transfer event: a non-zero
// return aborts the transfer, so a cancelled run does not wait for a slow response.
int AbortWhenCancelled(void* flag, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* cancelled = static_cast<const std::atomic<bool>*>(flag);
  return cancelled != nullptr && cancelled->load(std::memory_order_relaxed) ? 1 : 0;
}

}  // namespace

HttpClient::HttpClient(HttpClientOptions options) : options_(options) {
  GlobalInit();
  curl_ = curl_easy_init();
}

HttpClient::~HttpClient() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

bool HttpClient::WaitForRateLimit() {
  if (options_.pacer != nullptr) return options_.pacer->Wait(options_.cancelled);
  if (options_.rate_limit_per_second <= 0) return true;
  auto now = std::chrono::steady_clock::now();
  if (now < next_allowed_) std::this_thread::sleep_until(next_allowed_);
  next_allowed_ = std::max(now, next_allowed_) +
                  std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                      std::chrono::duration<double>(1.0 / options_.rate_limit_per_second));
  return true;
}

Result<HttpClientResponse> HttpClient::SendOnce(const HttpClientRequest& request, std::string* transport_error) {
  CURL* c = static_cast<CURL*>(curl_);
  curl_easy_reset(c);
  HttpClientResponse response;
  LD_RETURN_IF_ERROR(CheckHttpScheme(request.url).WithContext(request.method + " " + SafeUrl(request.url)));
  CurlEgressGuard guard(options_.egress);
  guard.Install(c, request.url);
  const int64_t limit = request.max_response_bytes > 0 ? request.max_response_bytes : options_.max_response_bytes;
  BodySink sink{&response.body, limit};
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_seconds * 1000));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min(options_.timeout_seconds, 10.0) * 1000));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &WriteBody);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, options_.cancelled != nullptr ? 0L : 1L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &AbortWhenCancelled);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(options_.cancelled));
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &WriteHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &response.headers);
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(c, CURLOPT_USERAGENT, "logidata/0.1");
  if (!request.sigv4.empty()) {
    curl_easy_setopt(c, CURLOPT_AWS_SIGV4, request.sigv4.c_str());
    curl_easy_setopt(c, CURLOPT_USERPWD, request.sigv4_user.c_str());
  }
  if (request.method == "GET") {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  curl_slist* headers = nullptr;
  for (const auto& h : request.headers) headers = curl_slist_append(headers, h.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_slist* connect_to = nullptr;
  for (const auto& entry : request.connect_to) connect_to = curl_slist_append(connect_to, entry.c_str());
  curl_easy_setopt(c, CURLOPT_CONNECT_TO, connect_to);
  ++attempts_;
  CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(headers);
  curl_easy_setopt(c, CURLOPT_CONNECT_TO, nullptr);
  curl_slist_free_all(connect_to);
  if (!guard.refusal().ok()) return guard.refusal().WithContext(request.method + " " + SafeUrl(request.url));
  if (sink.exceeded) {
    return Status::DataError(request.method + " " + SafeUrl(request.url) + ": the response body exceeds the limit of " +
                             MiB(limit) + " (max_response_mb)");
  }
  if (rc == CURLE_ABORTED_BY_CALLBACK) return Status::Cancelled(request.method + " " + SafeUrl(request.url) + ": cancelled");
  if (rc != CURLE_OK) {
    *transport_error = curl_easy_strerror(rc);
    return Status::Unavailable(*transport_error);
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  last_status_ = response.status;
  return response;
}

Result<HttpClientResponse> HttpClient::Send(const HttpClientRequest& request) {
  const std::string where = request.method + " " + SafeUrl(request.url);
  last_status_ = 0;
  std::string last_problem;
  for (int attempt = 0;; ++attempt) {
    if (options_.cancelled != nullptr && options_.cancelled->load()) return Status::Cancelled(where + ": cancelled");
    if (!WaitForRateLimit()) return Status::Cancelled(where + ": cancelled");
    std::string transport_error;
    auto result = SendOnce(request, &transport_error);
    double wait = -1;
    if (!result.ok() && transport_error.empty()) return result.status();  // refused or too large: final
    if (!result.ok()) {
      last_problem = transport_error;
    } else {
      const HttpClientResponse& r = *result;
      if (r.status < 400) return result;
      std::string excerpt = r.body.substr(0, 200);
      last_problem = "HTTP " + std::to_string(r.status) + (excerpt.empty() ? "" : ": " + excerpt);
      bool retryable = r.status == 429 || r.status >= 500;
      if (!retryable) {
        if (std::find(request.answered_statuses.begin(), request.answered_statuses.end(), r.status) !=
            request.answered_statuses.end()) {
          return result;
        }
        std::string msg = where + " failed: " + last_problem;
        if (r.status == 401) return Status::Unauthenticated(msg);
        if (r.status == 403) return Status::PermissionDenied(msg);
        if (r.status == 404) return Status::NotFound(msg);
        return Status::InvalidArgument(msg);
      }
      wait = RetryAfterSeconds(r.Header("retry-after"));
    }
    if (attempt >= options_.max_retries) {
      return Status::Unavailable(where + " failed after " + std::to_string(attempt + 1) + " attempt(s): " + last_problem);
    }
    double backoff = JitteredBackoff(attempt, options_.base_delay_seconds, options_.max_delay_seconds);
    double delay = wait >= 0 ? std::min(std::max(wait, 0.0), std::max(options_.max_delay_seconds, 1.0)) : backoff;
    // Sleep in short steps so a cancelled run does not sit out a long backoff or Retry-After.
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                              std::chrono::duration<double>(delay));
    while (std::chrono::steady_clock::now() < until) {
      if (options_.cancelled != nullptr && options_.cancelled->load()) return Status::Cancelled(where + ": cancelled");
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(until - std::chrono::steady_clock::now(),
                                                                                std::chrono::milliseconds(50)));
    }
  }
}

std::string UrlEncode(const std::string& text) {
  GlobalInit();
  char* e = curl_easy_escape(nullptr, text.c_str(), static_cast<int>(text.size()));
  std::string out = e == nullptr ? "" : e;
  curl_free(e);
  return out;
}

std::string AppendQuery(const std::string& url, const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out = url;
  for (const auto& [k, v] : params) {
    out += out.find('?') == std::string::npos ? '?' : '&';
    out += UrlEncode(k) + "=" + UrlEncode(v);
  }
  return out;
}

std::string UrlOrigin(const std::string& url) {
  CURLU* u = curl_url();
  std::string origin;
  char *scheme = nullptr, *host = nullptr, *port = nullptr;
  if (curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK && curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
    origin = std::string(scheme) + "://" + host + ":" + port;
    std::transform(origin.begin(), origin.end(), origin.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  }
  curl_free(scheme);
  curl_free(host);
  curl_free(port);
  curl_url_cleanup(u);
  return origin;
}

std::string NextLinkFromHeader(const std::string& link_header) {
  // <url>; rel="next", <url>; rel="prev"
  size_t pos = 0;
  while (pos < link_header.size()) {
    size_t open = link_header.find('<', pos);
    if (open == std::string::npos) break;
    size_t close = link_header.find('>', open);
    if (close == std::string::npos) break;
    size_t end = link_header.find(",", close);
    std::string params = link_header.substr(close + 1, end == std::string::npos ? std::string::npos : end - close - 1);
    if (params.find("rel=\"next\"") != std::string::npos || params.find("rel=next") != std::string::npos) {
      return link_header.substr(open + 1, close - open - 1);
    }
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return "";
}

}  // namespace logidata

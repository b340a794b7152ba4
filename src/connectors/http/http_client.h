// HttpClient: sends HTTP requests with libcurl, with the retry rules every REST module shares —
// connection failures, timeouts, 429 and 5xx are retried with exponential backoff and full jitter,
// honouring Retry-After — plus a client-side rate limit and per-request timeouts. Other 4xx are
// not retried: 401 is Unauthenticated, 403 PermissionDenied, 404 NotFound, the rest
// InvalidArgument; the message carries the URL (without query secrets) and a body excerpt.
// Not thread-safe: one client per thread (it keeps one connection alive).
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "connectors/http/request_pacer.h"
#include "net/egress_policy.h"

namespace logidata {

struct HttpClientRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
  // Set to sign with AWS Signature V4 ("aws:amz:<region>:s3"), using `sigv4_user` = "KEY:SECRET".
  std::string sigv4;
  std::string sigv4_user;
  // curl CONNECT_TO entries "HOST:PORT:CONNECT-HOST:CONNECT-PORT": connect elsewhere than the
  // URL's host while keeping its name in Host and TLS (private endpoints, tests).
  std::vector<std::string> connect_to;
  // Overrides the client's max_response_bytes for this request when > 0 (token responses).
  int64_t max_response_bytes = 0;
  // Statuses (of the 4xx that are never retried) returned as responses instead of errors, for a
  // protocol whose error bodies the caller reads itself: GraphQL answers a bad query with 400 and
  // an `errors` array that says more than a body excerpt.
  std::vector<long> answered_statuses;
};

struct HttpClientResponse {
  long status = 0;
  std::multimap<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string Header(const std::string& lower_name) const;
};

struct HttpClientOptions {
  int max_retries = 5;
  double base_delay_seconds = 0.5;
  double max_delay_seconds = 30;
  double timeout_seconds = 60;
  double rate_limit_per_second = 0;  // 0 = unlimited
  // When set, spaces requests together with every other client sharing it, instead of
  // rate_limit_per_second (which paces this client alone). Must outlive the client.
  RequestPacer* pacer = nullptr;
  const std::atomic<bool>* cancelled = nullptr;
  // Where requests may connect to (checked on the resolved address of every connection); null =
  // anywhere (the CLI). Only http and https URLs are ever sent.
  const EgressPolicy* egress = nullptr;
  // A larger (decoded) response body fails the request with DataError instead of growing memory.
  int64_t max_response_bytes = int64_t{256} << 20;

  // Reads "retries": {"max_retries", "base_delay_ms", "max_delay_ms"}, "timeout_seconds",
  // "rate_limit_per_second" and "max_response_mb" from a module config.
  static HttpClientOptions FromConfig(const nlohmann::json& cfg);
  // The JSON Schema properties for those fields.
  static nlohmann::json ConfigProperties();
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends `request`, retrying as described above. A final 2xx/3xx response is returned; anything
  // else becomes an error.
  Result<HttpClientResponse> Send(const HttpClientRequest& request);
  // Requests sent so far, retries included.
  int attempts() const { return attempts_; }
  // The HTTP status of the last response Send received (0 when none came), so a caller can tell
  // a 404 or 422 apart after Send turned it into a Status.
  long last_status() const { return last_status_; }

 private:
  Result<HttpClientResponse> SendOnce(const HttpClientRequest& request, std::string* transport_error);
  // False when the run was cancelled while waiting for a shared pacer.
  bool WaitForRateLimit();

  HttpClientOptions options_;
  void* curl_;  // CURL*
  int attempts_ = 0;
  long last_status_ = 0;
  std::chrono::steady_clock::time_point next_allowed_{};
};

// Percent-encodes a URL component.
std::string UrlEncode(const std::string& text);
// Appends ?k=v&… (or &k=v when the URL has a query already).
std::string AppendQuery(const std::string& url, const std::vector<std::pair<std::string, std::string>>& params);
// "scheme://host:port" of a URL, lower-case with the default port filled in; "" if unparsable.
// Credentials go only to requests whose origin is the connection's own.
std::string UrlOrigin(const std::string& url);
// The URL of the rel="next" entry of a Link header, or "".
std::string NextLinkFromHeader(const std::string& link_header);

}  // namespace logidata

// HttpAuth: applies a connection's authentication to requests. Kinds (connection option "auth"):
// none, bearer (secret = token), basic (user + secret), api_key (secret sent in the header named
// by option "api_key_header", default X-API-Key, or in the query parameter "api_key_query"), and
// oauth2 (client credentials: user = client id, secret = client secret, option "token_url",
// optional "scope"; the token is fetched once and refreshed when it expires or is rejected).
// Not thread-safe: one per HttpClient.
#pragma once

#include <chrono>
#include <string>

#include "connectors/http/http_client.h"
#include "module/connection.h"

namespace logidata {

class HttpAuth {
 public:
  static Result<HttpAuth> FromConnection(const ConnectionConfig& config);

  // Adds credentials to `request` (fetching an OAuth2 token with `client` when needed) — only
  // when the request goes to the connection's own origin (its base URL's scheme, host and port):
  // a pagination link or any other URL elsewhere gets no credentials.
  Status Apply(HttpClient& client, HttpClientRequest& request);
  // True when `url` is on the connection's own origin.
  bool SameOrigin(const std::string& url) const { return !origin_.empty() && UrlOrigin(url) == origin_; }
  // Drops a cached OAuth2 token (after a 401) so the next Apply fetches a new one.
  void Invalidate() { token_.clear(); }
  bool refreshable() const { return kind_ == "oauth2"; }

 private:
  std::string kind_ = "none";
  std::string user_, secret_, header_, query_, token_url_, scope_;
  std::string origin_;
  std::string token_;
  std::chrono::steady_clock::time_point expires_{};
};

// Sends `request` with `auth` applied; when the answer is 401 (an error, or a response the request
// asked for in answered_statuses) and the auth is OAuth2 on its own origin, drops the token and
// sends once more with a fresh one (an expired or revoked token). The REST, GraphQL and lookup
// modules all send this way.
Result<HttpClientResponse> SendWithAuth(HttpClient& client, HttpAuth& auth, HttpClientRequest request);

// The base URL of an http connection: option "base_url", else host ("https://api.example.com"),
// with the port appended when set. No trailing slash.
std::string HttpBaseUrl(const ConnectionConfig& config);

}  // namespace logidata

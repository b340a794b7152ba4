#include "connectors/http/http_auth.h"

#include <openssl/evp.h>

namespace logidata {

namespace {

std::string Base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

}  // namespace

std::string HttpBaseUrl(const ConnectionConfig& config) {
  std::string url = config.options.is_object() ? config.options.value("base_url", std::string()) : "";
  if (url.empty()) {
    url = config.host;
    if (url.find("://") == std::string::npos) url = "https://" + url;
    if (config.port != 0) url += ":" + std::to_string(config.port);
  }
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

Result<HttpClientResponse> SendWithAuth(HttpClient& client, HttpAuth& auth, HttpClientRequest request) {
  const HttpClientRequest plain = request;
  LD_RETURN_IF_ERROR(auth.Apply(client, request));
  auto response = client.Send(request);
  const bool rejected = response.ok() ? response->status == 401 : response.status().code() == StatusCode::kUnauthenticated;
  if (rejected && auth.refreshable() && auth.SameOrigin(plain.url)) {
    auth.Invalidate();
    request = plain;
    LD_RETURN_IF_ERROR(auth.Apply(client, request));
    response = client.Send(request);
  }
  return response;
}

Result<HttpAuth> HttpAuth::FromConnection(const ConnectionConfig& config) {
  HttpAuth a;
  const auto& o = config.options;
  a.kind_ = o.is_object() ? o.value("auth", std::string(config.secret.empty() ? "none" : "bearer")) : "none";
  a.origin_ = UrlOrigin(HttpBaseUrl(config));
  a.user_ = config.user;
  a.secret_ = config.secret;
  a.header_ = o.is_object() ? o.value("api_key_header", std::string()) : "";
  a.query_ = o.is_object() ? o.value("api_key_query", std::string()) : "";
  a.token_url_ = o.is_object() ? o.value("token_url", std::string()) : "";
  a.scope_ = o.is_object() ? o.value("scope", std::string()) : "";
  if (a.kind_ != "none" && a.kind_ != "bearer" && a.kind_ != "basic" && a.kind_ != "api_key" && a.kind_ != "oauth2") {
    return Status::InvalidArgument("connection '" + config.name + "': unknown auth '" + a.kind_ +
                                   "' (none, bearer, basic, api_key, oauth2)");
  }
  if (a.kind_ == "oauth2" && a.token_url_.empty()) {
    return Status::InvalidArgument("connection '" + config.name + "': oauth2 needs option token_url");
  }
  if (a.kind_ == "api_key" && a.header_.empty() && a.query_.empty()) a.header_ = "X-API-Key";
  return a;
}

Status HttpAuth::Apply(HttpClient& client, HttpClientRequest& request) {
  if (kind_ != "none" && !SameOrigin(request.url)) return Status::OK();
  if (kind_ == "bearer") {
    request.headers.push_back("Authorization: Bearer " + secret_);
  } else if (kind_ == "basic") {
    request.headers.push_back("Authorization: Basic " + Base64(user_ + ":" + secret_));
  } else if (kind_ == "api_key") {
    if (!query_.empty()) request.url = AppendQuery(request.url, {{query_, secret_}});
    else request.headers.push_back(header_ + ": " + secret_);
  } else if (kind_ == "oauth2") {
    if (token_.empty() || std::chrono::steady_clock::now() >= expires_) {
      HttpClientRequest t;
      t.method = "POST";
      t.url = token_url_;
      t.headers.push_back("Content-Type: application/x-www-form-urlencoded");
      t.max_response_bytes = int64_t{1} << 20;  // a token response is small; anything bigger is not one
      t.body = "grant_type=client_credentials&client_id=" + UrlEncode(user_) + "&client_secret=" + UrlEncode(secret_);
      if (!scope_.empty()) t.body += "&scope=" + UrlEncode(scope_);
      auto r = client.Send(t);
      if (!r.ok()) return r.status().WithContext("OAuth2 token request");
      nlohmann::json doc = nlohmann::json::parse(r->body, nullptr, false);
      if (doc.is_discarded() || !doc.contains("access_token") || !doc["access_token"].is_string()) {
        return Status::Unauthenticated("OAuth2 token response has no access_token");
      }
      token_ = doc["access_token"].get<std::string>();
      double ttl = doc.contains("expires_in") && doc["expires_in"].is_number() ? doc["expires_in"].get<double>() : 3600;
      // Refresh a little early so a token never expires mid-request.
      expires_ = std::chrono::steady_clock::now() +
                 std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(ttl * 0.9));
    }
    request.headers.push_back("Authorization: Bearer " + token_);
  }
  return Status::OK();
}

}  // namespace logidata

// Azure Storage Shared Key authorization: the string-to-sign of a Blob service request and its
// HMAC-SHA256 under the account key, as the "Authorization: SharedKey account:signature" header
// (https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key). Pure
// functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace logidata {

struct AzureSignedRequest {
  std::string method;
  std::string url_path;                    // as sent, percent-encoded: "/devstoreaccount1/c/a%20b.csv"
  std::vector<std::pair<std::string, std::string>> query;  // decoded names and values
  std::vector<std::string> headers;        // "Name: value"; every header that will be sent
  size_t content_length = 0;
};

// The header "Authorization: SharedKey ACCOUNT:SIGNATURE" for `request`. `key` is the decoded
// (binary) account key.
std::string AzureSharedKeyHeader(const AzureSignedRequest& request, const std::string& account, const std::string& key);

// The string the signature covers (exposed for tests and debugging; holds no secret).
std::string AzureStringToSign(const AzureSignedRequest& request, const std::string& account);

// Standard base64 (account keys, block ids), through OpenSSL: the engine's own codec lives in the
// auth area, above the connectors.
namespace azure {
std::string Base64Encode(std::string_view bytes);
// nullopt when `text` is not valid base64.
std::optional<std::string> Base64Decode(std::string_view text);
}  // namespace azure

}  // namespace logidata

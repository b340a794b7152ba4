#include "connectors/azure/azure_shared_key.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <map>

namespace logidata {

namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// Headers by lower-case name.
std::map<std::string, std::string> HeaderMap(const std::vector<std::string>& headers) {
  std::map<std::string, std::string> out;
  for (const auto& h : headers) {
    size_t colon = h.find(':');
    if (colon == std::string::npos) continue;
    out[Lower(Trim(h.substr(0, colon)))] = Trim(h.substr(colon + 1));
  }
  return out;
}

}  // namespace

std::string AzureStringToSign(const AzureSignedRequest& request, const std::string& account) {
  auto headers = HeaderMap(request.headers);
  auto header = [&](const char* name) {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  };
  std::string s = request.method + "\n";
  s += header("content-encoding") + "\n";
  s += header("content-language") + "\n";
  // Since version 2015-02-21 a zero length is signed as the empty string.
  s += (request.content_length == 0 ? std::string() : std::to_string(request.content_length)) + "\n";
  s += header("content-md5") + "\n";
  s += header("content-type") + "\n";
  s += header("date") + "\n";
  s += header("if-modified-since") + "\n";
  s += header("if-match") + "\n";
  s += header("if-none-match") + "\n";
  s += header("if-unmodified-since") + "\n";
  s += header("range") + "\n";
  for (const auto& [name, value] : headers) {  // std::map: sorted by name
    if (name.rfind("x-ms-", 0) == 0) s += name + ":" + value + "\n";
  }
  s += "/" + account + request.url_path;
  std::map<std::string, std::vector<std::string>> params;
  for (const auto& [name, value] : request.query) params[Lower(name)].push_back(value);
  for (auto& [name, values] : params) {
    std::sort(values.begin(), values.end());
    s += "\n" + name + ":";
    for (size_t i = 0; i < values.size(); ++i) s += (i ? "," : "") + values[i];
  }
  return s;
}

std::string AzureSharedKeyHeader(const AzureSignedRequest& request, const std::string& account, const std::string& key) {
  const std::string to_sign = AzureStringToSign(request, account);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(to_sign.data()),
       to_sign.size(), mac, &mac_len);
  return "Authorization: SharedKey " + account + ":" +
         azure::Base64Encode(std::string_view(reinterpret_cast<const char*>(mac), mac_len));
}

namespace azure {

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  std::string t(text);
  t.erase(std::remove_if(t.begin(), t.end(), [](unsigned char c) { return std::isspace(c); }), t.end());
  if (t.size() % 4 != 0) return std::nullopt;
  std::string out(3 * t.size() / 4 + 1, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(t.data()),
                          static_cast<int>(t.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts the padding as decoded zero bytes.
  size_t pad = 0;
  if (!t.empty() && t.back() == '=') ++pad;
  if (t.size() > 1 && t[t.size() - 2] == '=') ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

}  // namespace azure

}  // namespace logidata

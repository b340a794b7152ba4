// Small cryptographic building blocks shared by the auth code: random tokens, SHA-256 and
// HMAC-SHA-256 digests, base64url and hex codecs, constant-time comparison (OpenSSL). Pure
// functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace logidata {

std::string RandomBytes(size_t n);
// `n` random bytes as base64url without padding.
std::string RandomToken(size_t n);
std::string Sha256Hex(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);  // raw 32 bytes
std::string Base64UrlEncode(std::string_view data);
std::optional<std::string> Base64UrlDecode(std::string_view text);
std::string Base64Encode(std::string_view data);
std::optional<std::string> Base64Decode(std::string_view text);
std::string HexEncode(std::string_view data);
std::optional<std::string> HexDecode(std::string_view text);
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace logidata

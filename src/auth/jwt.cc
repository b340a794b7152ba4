#include "auth/jwt.h"

#include <chrono>

#include "auth/token_codec.h"
#include "common/json_text.h"

namespace logidata {

int64_t UnixNowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Jwt::Sign(nlohmann::json claims, int64_t ttl_seconds) const {
  int64_t now = UnixNowSeconds();
  if (!claims.contains("iat")) claims["iat"] = now;
  if (!claims.contains("exp")) claims["exp"] = now + ttl_seconds;
  std::string head = Base64UrlEncode(R"({"alg":"HS256","typ":"JWT"})");
  std::string body = Base64UrlEncode(claims.dump());
  std::string signing_input = head + "." + body;
  return signing_input + "." + Base64UrlEncode(HmacSha256(key_, signing_input));
}

Result<nlohmann::json> Jwt::Verify(std::string_view token) const {
  auto bad = [](const char* why) { return Status::Unauthenticated(std::string("invalid access token: ") + why); };
  if (token.size() > 4096) return bad("too long");
  size_t d1 = token.find('.');
  if (d1 == std::string_view::npos) return bad("malformed");
  size_t d2 = token.find('.', d1 + 1);
  if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos) return bad("malformed");
  auto head = Base64UrlDecode(token.substr(0, d1));
  auto body = Base64UrlDecode(token.substr(d1 + 1, d2 - d1 - 1));
  auto sig = Base64UrlDecode(token.substr(d2 + 1));
  if (!head || !body || !sig) return bad("malformed");
  auto header = ParseJsonOrDiscarded(*head);
  if (!header.is_object() || !header.contains("alg") || header["alg"] != "HS256") return bad("unsupported algorithm");
  std::string expected = HmacSha256(key_, token.substr(0, d2));
  if (!ConstantTimeEquals(expected, *sig)) return bad("bad signature");
  auto claims = ParseJsonOrDiscarded(*body);
  if (!claims.is_object() || !claims.contains("exp") || !claims["exp"].is_number_integer()) return bad("no expiry");
  if (claims["exp"].get<int64_t>() <= UnixNowSeconds()) return bad("expired");
  return claims;
}

}  // namespace logidata

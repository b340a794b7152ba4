// Jwt: HS256 JSON Web Tokens for short-lived access tokens. Verification accepts exactly the
// header alg "HS256" (so "none" and algorithm confusion are rejected), checks the signature in
// constant time and the expiry. Immutable after construction; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace logidata {

class Jwt {
 public:
  explicit Jwt(std::string key) : key_(std::move(key)) {}

  // Signs `claims` adding "iat" and "exp" = now + ttl_seconds (unless `claims` has them).
  std::string Sign(nlohmann::json claims, int64_t ttl_seconds) const;
  // The claims of a valid, unexpired token; Unauthenticated with a reason otherwise.
  Result<nlohmann::json> Verify(std::string_view token) const;

 private:
  std::string key_;
};

int64_t UnixNowSeconds();

}  // namespace logidata

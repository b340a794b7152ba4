// AuthService: accounts and credentials — registration, login with lockout, HS256 access tokens,
// rotating refresh tokens (stored hashed; reusing a spent token revokes its whole family), API
// keys ("ld_…", stored hashed, bound to one organization and role), and resolving a bearer
// credential plus an optional organization header into who is calling with which role.
// Thread-safe; small caches are invalidated on every change made through this process and
// expire after a few seconds for changes made by other processes.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "auth/jwt.h"
#include "auth/login_limiter.h"
#include "metadata/database.h"

namespace logidata {

enum class Role { kViewer = 1, kDeveloper = 2, kAdmin = 3 };
std::string_view RoleName(Role role);
Result<Role> ParseRole(std::string_view text);

struct Caller {
  std::string user_id;     // empty for API keys
  std::string api_key_id;  // empty for users
  std::string org_id;
  Role role = Role::kViewer;
  // Audit actor: the user id or "api_key:<id>".
  std::string Actor() const { return api_key_id.empty() ? user_id : "api_key:" + api_key_id; }
};

struct Membership {
  std::string org_id;
  std::string org_name;
  Role role;
};

class AuthService {
 public:
  static constexpr int64_t kAccessTtlSeconds = 15 * 60;
  static constexpr int64_t kRefreshTtlSeconds = 30 * 24 * 3600;
  static constexpr int kMaxFailedLogins = 5;

  AuthService(Database* db, std::string jwt_key);

  // The token response {user, access_token, refresh_token, expires_in, token_type}.
  Result<nlohmann::json> Register(const std::string& email, const std::string& password, const std::string& name);
  // Unauthenticated for bad credentials; ResourceExhausted ("too many attempts") when limited.
  Result<nlohmann::json> Login(const std::string& email, const std::string& password, const std::string& address);
  Result<nlohmann::json> Refresh(const std::string& refresh_token);
  Status Logout(const std::string& refresh_token);
  // Checks the current password, stores the new one and revokes every refresh token of the user.
  Status ChangePassword(const std::string& user_id, const std::string& current, const std::string& next);

  // Resolves "Bearer <jwt>" or "Bearer ld_<key>" and the X-Organization header (empty = the
  // user's first organization). Unauthenticated for bad credentials; NotFound for an
  // organization the caller does not belong to.
  Result<Caller> Authenticate(std::string_view authorization, const std::string& org_header);
  // Only the user id of a valid access token (the WebSocket handshake).
  Result<std::string> VerifyAccessToken(std::string_view token);

  Result<std::vector<Membership>> Memberships(const std::string& user_id);
  void InvalidateCaches();

  // Creates a key; returns {id, name, role, prefix, created_at, key} (the only time `key` is shown).
  Result<nlohmann::json> CreateApiKey(const std::string& org_id, const std::string& name, Role role,
                                      const std::string& created_by);

  // First start: when there are no users, creates an admin and a "Default" organization from
  // LOGIDATA_ADMIN_EMAIL / LOGIDATA_ADMIN_PASSWORD, or with a generated one-time password that is
  // written to `out` once.
  Status BootstrapAdmin(std::ostream& out);

  const Jwt& jwt() const { return jwt_; }

 private:
  Result<nlohmann::json> IssueTokens(const std::string& user_id, const std::string& family_id);
  Result<Caller> AuthenticateApiKey(const std::string& key, const std::string& org_header);

  Database* db_;
  Jwt jwt_;
  LoginLimiter limiter_;  // per client address; LOGIDATA_LOGIN_RATE_PER_MINUTE (default 20)
  std::string dummy_hash_;  // verified against for unknown emails so timing does not tell

  struct CachedMemberships {
    std::vector<Membership> list;
    std::chrono::steady_clock::time_point at;
  };
  struct CachedKey {
    Caller caller;
    std::chrono::steady_clock::time_point at;
  };
  std::mutex mu_;
  std::unordered_map<std::string, CachedMemberships> memberships_;
  std::unordered_map<std::string, CachedKey> api_keys_;  // by key hash
  // Verified access tokens → (user id, expiry): skips HMAC and JSON parsing on repeat requests.
  std::unordered_map<std::string, std::pair<std::string, int64_t>> verified_;
};

}  // namespace logidata

// AuthService: accounts and credentials — registration, invitations, login with lockout, HS256
// access tokens, rotating refresh tokens (stored hashed; reusing a spent token revokes its whole
// family), API keys ("ld_…", stored hashed, bound to one organization and role, optionally
// expiring), and resolving a bearer credential plus an optional organization header into who is
// calling with which role.
// Access tokens carry the user's token_version; bumping it (logout, password change,
// deactivation, member removal) revokes every access token issued before, within the cache TTL
// for other processes and at once in this one. Password hashing goes through a bounded
// HashingPool; callers should be off the network threads.
// Thread-safe; small caches are invalidated on every change made through this process and
// expire after a few seconds for changes made by other processes.
#pragma once

#include <chrono>
#include <functional>
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
  // Set for users created with a temporary password: until they choose their own, only /me,
  // /me/password and logout are allowed (enforced by the API handler).
  bool must_change_password = false;
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
  static constexpr int64_t kInviteTtlSeconds = 7 * 24 * 3600;

  AuthService(Database* db, std::string jwt_key);

  // Called with a user id whose access tokens were just revoked (the WebSocket handler closes
  // that user's connections). Set once at start-up, before requests are served.
  void SetRevocationListener(std::function<void(const std::string& user_id)> listener) {
    revocation_listener_ = std::move(listener);
  }

  // The token response {user, access_token, refresh_token, expires_in, token_type}.
  Result<nlohmann::json> Register(const std::string& email, const std::string& password, const std::string& name);
  // Unauthenticated "invalid email or password" for a wrong password, an unknown email, a locked
  // or a deactivated account alike (same message, same work: unknown emails verify a dummy
  // hash), so answers do not tell which accounts exist. ResourceExhausted when the client
  // address or the email has used its attempts for the minute (counted for unknown emails too).
  Result<nlohmann::json> Login(const std::string& email, const std::string& password, const std::string& address);
  // Refuses tokens of deactivated or deleted users.
  Result<nlohmann::json> Refresh(const std::string& refresh_token);
  // Revokes the refresh token's family and every access token of its user.
  Status Logout(const std::string& refresh_token);
  // Checks the current password, stores the new one, clears must_change_password and revokes
  // every refresh and access token of the user (they sign in again with the new password).
  Status ChangePassword(const std::string& user_id, const std::string& current, const std::string& next);

  // Access tokens issued so far stop working; with `refresh_too`, refresh tokens as well.
  Status RevokeUserTokens(const std::string& user_id, bool refresh_too);
  // Deactivated users cannot sign in, refresh or use access tokens; tokens are revoked.
  Status SetActive(const std::string& user_id, bool active);
  // Creates a user (no organization) whose password must be changed at first sign-in.
  Result<std::string> CreateUserWithTemporaryPassword(const std::string& email, const std::string& name,
                                                      const std::string& password);

  // An invitation to join `org_id` with `role`: {id, email, role, created_at, expires_at, token}.
  // The token is shown only here (its SHA-256 is stored).
  Result<nlohmann::json> CreateInvitation(const std::string& org_id, const std::string& email, Role role,
                                          const std::string& invited_by);
  // Accepts a pending, unexpired invitation. A new email gets an account with `name` and
  // `password`; an existing account must give its current password (an invitation never resets
  // a password). Returns the token response, signed in to the invited organization.
  Result<nlohmann::json> AcceptInvitation(const std::string& token, const std::string& name,
                                          const std::string& password);

  // Resolves "Bearer <jwt>" or "Bearer ld_<key>" and the X-Organization header (empty = the
  // user's first organization). Unauthenticated for bad credentials; NotFound for an
  // organization the caller does not belong to.
  Result<Caller> Authenticate(std::string_view authorization, const std::string& org_header);
  // Only the user id of a valid access token (the WebSocket handshake).
  Result<std::string> VerifyAccessToken(std::string_view token);

  Result<std::vector<Membership>> Memberships(const std::string& user_id);
  void InvalidateCaches();

  // Creates a key; returns {id, name, role, prefix, created_at, expires_at, key} (the only time
  // `key` is shown). `expires_at` empty = never; otherwise an ISO-8601 UTC time in the future.
  Result<nlohmann::json> CreateApiKey(const std::string& org_id, const std::string& name, Role role,
                                      const std::string& created_by, const std::string& expires_at = "");

  // First start: when there are no users, creates an admin and a "Default" organization from
  // LOGIDATA_ADMIN_EMAIL / LOGIDATA_ADMIN_PASSWORD, or with a generated one-time password that is
  // written to `out` once.
  Status BootstrapAdmin(std::ostream& out);

  const Jwt& jwt() const { return jwt_; }

 private:
  struct UserState {
    int64_t token_version = 0;
    bool active = false;
    bool must_change_password = false;
    std::chrono::steady_clock::time_point at;
  };
  Result<nlohmann::json> IssueTokens(const std::string& user_id, const std::string& family_id);
  Result<Caller> AuthenticateApiKey(const std::string& key, const std::string& org_header);
  // NotFound for an unknown user. Cached briefly; Forget drops this process's copy.
  Result<UserState> LoadUserState(const std::string& user_id);
  void Forget(const std::string& user_id);

  Database* db_;
  Jwt jwt_;
  LoginLimiter limiter_;          // per client address; LOGIDATA_LOGIN_RATE_PER_MINUTE (default 20)
  LoginLimiter account_limiter_;  // per email; LOGIDATA_ACCOUNT_LOGIN_RATE_PER_MINUTE (default 10)
  std::string dummy_hash_;  // verified against for unknown emails so timing does not tell
  std::function<void(const std::string&)> revocation_listener_;

  struct CachedMemberships {
    std::vector<Membership> list;
    std::chrono::steady_clock::time_point at;
  };
  struct CachedKey {
    Caller caller;
    std::string expires_at;  // empty = never
    std::chrono::steady_clock::time_point at;
  };
  std::mutex mu_;
  std::unordered_map<std::string, CachedMemberships> memberships_;
  std::unordered_map<std::string, CachedKey> api_keys_;  // by key hash
  std::unordered_map<std::string, UserState> users_;      // by user id
  struct VerifiedToken {
    std::string user_id;
    int64_t expires = 0;
    int64_t token_version = 0;
  };
  // Verified access tokens: skips HMAC and JSON parsing on repeat requests.
  std::unordered_map<std::string, VerifiedToken> verified_;
};

}  // namespace logidata

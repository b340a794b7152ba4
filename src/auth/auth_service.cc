#include "auth/auth_service.h"

#include <cstdlib>

#include "auth/hashing_pool.h"
#include "auth/password_hasher.h"
#include "auth/token_codec.h"
#include "metadata/audit_log.h"

namespace logidata {
namespace {

constexpr auto kCacheTtl = std::chrono::seconds(3);

std::string NormalizeEmail(std::string email) {
  for (char& c : email) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return email;
}

Status CheckEmail(const std::string& email) {
  size_t at = email.find('@');
  if (email.size() > 254 || at == std::string::npos || at == 0 || at + 1 >= email.size() ||
      email.find_first_of(" \t\r\n<>\"") != std::string::npos) {
    return Status::InvalidArgument("/email: must be an email address");
  }
  return Status::OK();
}

nlohmann::json UserJson(const DbRow& row) {
  return {{"id", row.Str("id")}, {"email", row.Str("email")}, {"name", row.Str("name")},
          {"must_change_password", row.Int("must_change_password") != 0}};
}

}  // namespace

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin: return "admin";
    case Role::kDeveloper: return "developer";
    case Role::kViewer: return "viewer";
  }
  return "viewer";
}

Result<Role> ParseRole(std::string_view text) {
  if (text == "admin") return Role::kAdmin;
  if (text == "developer") return Role::kDeveloper;
  if (text == "viewer") return Role::kViewer;
  return Status::InvalidArgument("/role: must be one of admin, developer, viewer");
}

namespace {
int EnvInt(const char* name, int fallback) {
  const char* env = std::getenv(name);
  int n = env ? std::atoi(env) : 0;
  return n > 0 ? n : fallback;
}
}  // namespace

AuthService::AuthService(Database* db, std::string jwt_key)
    : db_(db),
      jwt_(std::move(jwt_key)),
      limiter_(EnvInt("LOGIDATA_LOGIN_RATE_PER_MINUTE", 20), std::chrono::seconds(60)),
      account_limiter_(EnvInt("LOGIDATA_ACCOUNT_LOGIN_RATE_PER_MINUTE", 10), std::chrono::seconds(60)) {
  dummy_hash_ = HashPassword(RandomToken(16)).ValueOr("");
}

Result<AuthService::UserState> AuthService::LoadUserState(const std::string& user_id) {
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mu_);
    auto it = users_.find(user_id);
    if (it != users_.end() && now - it->second.at < kCacheTtl) return it->second;
  }
  auto rows = db_->Query("SELECT token_version, is_active, must_change_password FROM users WHERE id = ?", {user_id});
  if (!rows.ok()) return rows.status();
  if (rows->rows.empty()) return Status::NotFound("user no longer exists");
  const DbRow& r = rows->rows[0];
  UserState state{r.Int("token_version"), r.Int("is_active") != 0, r.Int("must_change_password") != 0, now};
  std::lock_guard lock(mu_);
  if (users_.size() > 50000) users_.clear();
  users_[user_id] = state;
  return state;
}

void AuthService::Forget(const std::string& user_id) {
  std::lock_guard lock(mu_);
  users_.erase(user_id);
  memberships_.erase(user_id);
}

Status AuthService::RevokeUserTokens(const std::string& user_id, bool refresh_too) {
  Status st = db_->Transact([&](DbConnection& c) -> Status {
    auto up = c.Query("UPDATE users SET token_version = token_version + 1 WHERE id = ?", {user_id});
    if (!up.ok()) return up.status();
    if (!refresh_too) return Status::OK();
    auto rev = c.Query("UPDATE refresh_tokens SET revoked = 1 WHERE user_id = ?", {user_id});
    return rev.ok() ? Status::OK() : rev.status();
  });
  LD_RETURN_IF_ERROR(st);
  Forget(user_id);
  if (revocation_listener_) revocation_listener_(user_id);
  return Status::OK();
}

Status AuthService::SetActive(const std::string& user_id, bool active) {
  auto up = db_->Query("UPDATE users SET is_active = ? WHERE id = ?", {int64_t{active ? 1 : 0}, user_id});
  if (!up.ok()) return up.status();
  if (up->affected == 0) return Status::NotFound("user not found");
  if (!active) return RevokeUserTokens(user_id, /*refresh_too=*/true);
  Forget(user_id);
  return Status::OK();
}

Result<std::string> AuthService::CreateUserWithTemporaryPassword(const std::string& raw_email,
                                                                 const std::string& name,
                                                                 const std::string& password) {
  std::string email = NormalizeEmail(raw_email);
  LD_RETURN_IF_ERROR(CheckEmail(email));
  LD_RETURN_IF_ERROR(CheckPasswordPolicy(password));
  if (name.empty() || name.size() > 200) return Status::InvalidArgument("/name: must be 1 to 200 characters");
  LD_ASSIGN_OR_RETURN(std::string hash, HashingPool::Shared().Hash(password));
  std::string user_id = NewId();
  auto u = db_->Query(
      "INSERT INTO users (id, email, name, password_hash, must_change_password, created_at) VALUES (?, ?, ?, ?, 1, ?)",
      {user_id, email, name, hash, NowIso8601()});
  if (!u.ok()) {
    return u.status().code() == StatusCode::kAlreadyExists
               ? Status::AlreadyExists("/email: an account with this email already exists")
               : u.status();
  }
  return user_id;
}

Result<nlohmann::json> AuthService::CreateInvitation(const std::string& org_id, const std::string& raw_email,
                                                     Role role, const std::string& invited_by) {
  std::string email = NormalizeEmail(raw_email);
  LD_RETURN_IF_ERROR(CheckEmail(email));
  std::string token = "inv_" + RandomToken(24);
  std::string id = NewId(), now = NowIso8601();
  std::string expires = IsoFromUnixMillis((UnixNowSeconds() + kInviteTtlSeconds) * 1000);
  auto ins = db_->Query(
      "INSERT INTO invitations (id, org_id, email, role, token_hash, invited_by, created_at, expires_at) VALUES (?, "
      "?, ?, ?, ?, ?, ?, ?)",
      {id, org_id, email, std::string(RoleName(role)), Sha256Hex(token), invited_by, now, expires});
  if (!ins.ok()) return ins.status();
  return nlohmann::json{{"id", id},          {"email", email},        {"role", RoleName(role)},
                        {"created_at", now}, {"expires_at", expires}, {"token", token}};
}

Result<nlohmann::json> AuthService::AcceptInvitation(const std::string& token, const std::string& name,
                                                     const std::string& password) {
  const Status bad = Status::NotFound("invitation not found, expired, revoked or already used");
  if (token.empty() || token.size() > 200) return bad;
  auto found = db_->Query(
      "SELECT id, org_id, email, role, expires_at FROM invitations WHERE token_hash = ? AND revoked = 0 AND "
      "accepted_at IS NULL",
      {Sha256Hex(token)});
  if (!found.ok()) return found.status();
  if (found->rows.empty() || found->rows[0].Str("expires_at") <= NowIso8601()) return bad;
  const DbRow inv = found->rows[0];
  std::string email = inv.Str("email");
  auto existing = db_->Query("SELECT id, password_hash, is_active FROM users WHERE email = ?", {email});
  if (!existing.ok()) return existing.status();
  std::string user_id, hash;
  if (!existing->rows.empty()) {
    // An invitation is no way to take over an account: its owner proves who they are.
    LD_ASSIGN_OR_RETURN(bool ok, HashingPool::Shared().Verify(existing->rows[0].Str("password_hash"), password));
    if (!ok || existing->rows[0].Int("is_active") == 0) {
      return Status::PermissionDenied("/password: an account with this email exists; give its current password");
    }
    user_id = existing->rows[0].Str("id");
  } else {
    LD_RETURN_IF_ERROR(CheckPasswordPolicy(password));
    if (name.empty() || name.size() > 200) return Status::InvalidArgument("/name: must be 1 to 200 characters");
    LD_ASSIGN_OR_RETURN(hash, HashingPool::Shared().Hash(password));
    user_id = NewId();
  }
  std::string now = NowIso8601();
  Status st = db_->Transact([&](DbConnection& c) -> Status {
    // Spend the invitation first: of two concurrent accepts, one wins.
    auto spent = c.Query("UPDATE invitations SET accepted_at = ?, accepted_by = ? WHERE id = ? AND accepted_at IS NULL "
                         "AND revoked = 0",
                         {now, user_id, inv.Str("id")});
    if (!spent.ok()) return spent.status();
    if (spent->affected != 1) return bad;
    if (!hash.empty()) {
      auto u = c.Query("INSERT INTO users (id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                       {user_id, email, name, hash, now});
      if (!u.ok()) return u.status();
    }
    auto m = c.Query("INSERT INTO memberships (org_id, user_id, role, created_at) VALUES (?, ?, ?, ?)",
                     {inv.Str("org_id"), user_id, inv.Str("role"), now});
    if (!m.ok() && m.status().code() != StatusCode::kAlreadyExists) return m.status();
    return WriteAudit(c, {inv.Str("org_id"), user_id, "invitation.accept", "invitation", inv.Str("id"), nullptr,
                          {{"email", email}, {"role", inv.Str("role")}}});
  });
  LD_RETURN_IF_ERROR(st);
  Forget(user_id);
  return IssueTokens(user_id, NewId());
}

Result<nlohmann::json> AuthService::IssueTokens(const std::string& user_id, const std::string& family_id) {
  auto user = db_->Query(
      "SELECT id, email, name, must_change_password, token_version FROM users WHERE id = ? AND is_active = 1", {user_id});
  if (!user.ok()) return user.status();
  if (user->rows.empty()) return Status::Unauthenticated("user no longer exists or is deactivated");
  std::string refresh = RandomToken(32);
  auto ins = db_->Query(
      "INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, expires_at, created_at) VALUES (?, ?, ?, ?, "
      "?, ?)",
      {NewId(), user_id, family_id, Sha256Hex(refresh), IsoFromUnixMillis((UnixNowSeconds() + kRefreshTtlSeconds) * 1000),
       NowIso8601()});
  if (!ins.ok()) return ins.status();
  nlohmann::json claims = {{"sub", user_id}, {"jti", RandomToken(9)}, {"tv", user->rows[0].Int("token_version")}};
  return nlohmann::json{{"user", UserJson(user->rows[0])},
                        {"access_token", jwt_.Sign(claims, kAccessTtlSeconds)},
                        {"refresh_token", refresh},
                        {"token_type", "Bearer"},
                        {"expires_in", kAccessTtlSeconds}};
}

Result<nlohmann::json> AuthService::Register(const std::string& raw_email, const std::string& password,
                                             const std::string& name) {
  std::string email = NormalizeEmail(raw_email);
  LD_RETURN_IF_ERROR(CheckEmail(email));
  LD_RETURN_IF_ERROR(CheckPasswordPolicy(password));
  if (name.empty() || name.size() > 200) return Status::InvalidArgument("/name: must be 1 to 200 characters");
  LD_ASSIGN_OR_RETURN(std::string hash, HashingPool::Shared().Hash(password));
  std::string user_id = NewId(), org_id = NewId(), now = NowIso8601();
  Status st = db_->Transact([&](DbConnection& c) -> Status {
    auto u = c.Query("INSERT INTO users (id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                     {user_id, email, name, hash, now});
    if (!u.ok()) {
      return u.status().code() == StatusCode::kAlreadyExists
                 ? Status::AlreadyExists("/email: an account with this email already exists")
                 : u.status();
    }
    auto o = c.Query("INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)",
                     {org_id, name + "'s organization", now});
    if (!o.ok()) return o.status();
    auto m = c.Query("INSERT INTO memberships (org_id, user_id, role, created_at) VALUES (?, ?, 'admin', ?)",
                     {org_id, user_id, now});
    if (!m.ok()) return m.status();
    return WriteAudit(c, {org_id, user_id, "user.register", "user", user_id, nullptr,
                          {{"email", email}, {"name", name}}});
  });
  LD_RETURN_IF_ERROR(st);
  return IssueTokens(user_id, NewId());
}

Result<nlohmann::json> AuthService::Login(const std::string& raw_email, const std::string& password,
                                          const std::string& address) {
  std::string email = NormalizeEmail(raw_email);
  // Both limits count unknown emails as well, so hitting one reveals nothing about accounts.
  if (!limiter_.Allow(address) || !account_limiter_.Allow(email)) {
    return Status::ResourceExhausted("too many login attempts; try again later");
  }
  auto found = db_->Query("SELECT id, password_hash, is_active, locked_until FROM users WHERE email = ?", {email});
  if (!found.ok()) return found.status();
  const Status bad = Status::Unauthenticated("invalid email or password");
  if (found->rows.empty()) {
    LD_RETURN_IF_ERROR(HashingPool::Shared().Verify(dummy_hash_, password).status());
    return bad;
  }
  const DbRow& row = found->rows[0];
  std::string now = NowIso8601();
  bool locked = !row.IsNull("locked_until") && row.Str("locked_until") > now;
  // The hash is checked even for locked or deactivated accounts: the same work, the same answer.
  LD_ASSIGN_OR_RETURN(bool matches, HashingPool::Shared().Verify(row.Str("password_hash"), password));
  if (!matches || locked || row.Int("is_active") == 0) {
    if (matches) return bad;  // the right password of a locked or deactivated account is no failure
    // One atomic increment per failure: concurrent attempts cannot overwrite each other's count.
    auto counted = db_->Query(
        "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ? RETURNING failed_logins", {row.Str("id")});
    if (!counted.ok()) return counted.status();
    if (!counted->rows.empty() && counted->rows[0].Int("failed_logins") >= kMaxFailedLogins && !locked) {
      (void)db_->Query("UPDATE users SET locked_until = ? WHERE id = ? AND (locked_until IS NULL OR locked_until <= ?)",
                       {IsoFromUnixMillis((UnixNowSeconds() + 15 * 60) * 1000), row.Str("id"), now});
    }
    return bad;
  }
  (void)db_->Query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?", {row.Str("id")});
  return IssueTokens(row.Str("id"), NewId());
}

Result<nlohmann::json> AuthService::Refresh(const std::string& token) {
  const Status bad = Status::Unauthenticated("invalid refresh token");
  if (token.empty() || token.size() > 200) return bad;
  auto found = db_->Query(
      "SELECT id, user_id, family_id, expires_at, revoked, used FROM refresh_tokens WHERE token_hash = ?",
      {Sha256Hex(token)});
  if (!found.ok()) return found.status();
  if (found->rows.empty()) return bad;
  const DbRow& row = found->rows[0];
  if (row.Int("revoked") != 0 || row.Int("used") != 0) {
    // A spent token came back: someone holds a copy. Revoke the whole family.
    (void)db_->Query("UPDATE refresh_tokens SET revoked = 1 WHERE family_id = ?", {row.Str("family_id")});
    return Status::Unauthenticated("refresh token reuse detected; all sessions of this login were revoked");
  }
  if (row.Str("expires_at") <= NowIso8601()) return bad;
  auto spent = db_->Query("UPDATE refresh_tokens SET used = 1 WHERE id = ? AND used = 0", {row.Str("id")});
  if (!spent.ok()) return spent.status();
  if (spent->affected != 1) {
    (void)db_->Query("UPDATE refresh_tokens SET revoked = 1 WHERE family_id = ?", {row.Str("family_id")});
    return Status::Unauthenticated("refresh token reuse detected; all sessions of this login were revoked");
  }
  return IssueTokens(row.Str("user_id"), row.Str("family_id"));
}

Status AuthService::Logout(const std::string& token) {
  auto found = db_->Query("SELECT family_id, user_id FROM refresh_tokens WHERE token_hash = ?", {Sha256Hex(token)});
  if (!found.ok()) return found.status();
  if (found->rows.empty()) return Status::OK();
  auto r = db_->Query("UPDATE refresh_tokens SET revoked = 1 WHERE family_id = ?", {found->rows[0].Str("family_id")});
  if (!r.ok()) return r.status();
  // Other devices keep their refresh tokens and get fresh access tokens on their next refresh.
  return RevokeUserTokens(found->rows[0].Str("user_id"), /*refresh_too=*/false);
}

Status AuthService::ChangePassword(const std::string& user_id, const std::string& current, const std::string& next) {
  auto found = db_->Query("SELECT password_hash FROM users WHERE id = ?", {user_id});
  if (!found.ok()) return found.status();
  if (found->rows.empty()) return Status::NotFound("user not found");
  LD_ASSIGN_OR_RETURN(bool matches, HashingPool::Shared().Verify(found->rows[0].Str("password_hash"), current));
  if (!matches) return Status::PermissionDenied("/current_password: does not match");
  Status policy = CheckPasswordPolicy(next);
  if (!policy.ok()) return Status::InvalidArgument("/new_password" + policy.message().substr(policy.message().find(':')));
  LD_ASSIGN_OR_RETURN(std::string hash, HashingPool::Shared().Hash(next));
  Status st = db_->Transact([&](DbConnection& c) -> Status {
    auto up = c.Query(
        "UPDATE users SET password_hash = ?, must_change_password = 0, failed_logins = 0, locked_until = NULL WHERE id = ?",
        {hash, user_id});
    if (!up.ok()) return up.status();
    return WriteAudit(c, {"", user_id, "user.change_password", "user", user_id, nullptr, nullptr});
  });
  LD_RETURN_IF_ERROR(st);
  return RevokeUserTokens(user_id, /*refresh_too=*/true);
}

Result<std::string> AuthService::VerifyAccessToken(std::string_view token) {
  std::string key(token);
  VerifiedToken verified;
  bool cached = false;
  {
    std::lock_guard lock(mu_);
    auto it = verified_.find(key);
    if (it != verified_.end()) {
      if (it->second.expires > UnixNowSeconds()) {
        verified = it->second;
        cached = true;
      } else {
        verified_.erase(it);
      }
    }
  }
  if (!cached) {
    LD_ASSIGN_OR_RETURN(nlohmann::json claims, jwt_.Verify(token));
    if (!claims.contains("sub") || !claims["sub"].is_string()) return Status::Unauthenticated("invalid access token");
    if (!claims.contains("tv") || !claims["tv"].is_number_integer()) return Status::Unauthenticated("invalid access token");
    verified = {claims["sub"].get<std::string>(), claims["exp"].get<int64_t>(), claims["tv"].get<int64_t>()};
    std::lock_guard lock(mu_);
    if (verified_.size() > 20000) verified_.clear();
    verified_[key] = verified;
  }
  auto state = LoadUserState(verified.user_id);
  if (!state.ok()) {
    return state.status().code() == StatusCode::kNotFound ? Status::Unauthenticated("user no longer exists")
                                                          : state.status();
  }
  if (!state->active) return Status::Unauthenticated("account deactivated");
  if (state->token_version != verified.token_version) {
    return Status::Unauthenticated("access token revoked (signed out or password changed); sign in again");
  }
  return verified.user_id;
}

Result<std::vector<Membership>> AuthService::Memberships(const std::string& user_id) {
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mu_);
    auto it = memberships_.find(user_id);
    if (it != memberships_.end() && now - it->second.at < kCacheTtl) return it->second.list;
  }
  auto rows = db_->Query(
      "SELECT m.org_id, o.name, m.role FROM memberships m JOIN organizations o ON o.id = m.org_id JOIN users u ON "
      "u.id = m.user_id WHERE m.user_id = ? AND u.is_active = 1 ORDER BY m.created_at, m.org_id",
      {user_id});
  if (!rows.ok()) return rows.status();
  std::vector<Membership> list;
  for (const DbRow& r : rows->rows) {
    list.push_back({r.Str("org_id"), r.Str("name"), ParseRole(r.Str("role")).ValueOr(Role::kViewer)});
  }
  std::lock_guard lock(mu_);
  if (memberships_.size() > 50000) memberships_.clear();
  memberships_[user_id] = {list, now};
  return list;
}

void AuthService::InvalidateCaches() {
  std::lock_guard lock(mu_);
  memberships_.clear();
  api_keys_.clear();
  users_.clear();
}

Result<Caller> AuthService::AuthenticateApiKey(const std::string& key, const std::string& org_header) {
  std::string hash = Sha256Hex(key);
  auto now = std::chrono::steady_clock::now();
  Caller caller;
  std::string expires_at;
  bool cached = false;
  {
    std::lock_guard lock(mu_);
    auto it = api_keys_.find(hash);
    if (it != api_keys_.end() && now - it->second.at < kCacheTtl) {
      caller = it->second.caller;
      expires_at = it->second.expires_at;
      cached = true;
    }
  }
  if (!cached) {
    auto rows =
        db_->Query("SELECT id, org_id, role, expires_at FROM api_keys WHERE key_hash = ? AND revoked = 0", {hash});
    if (!rows.ok()) return rows.status();
    if (rows->rows.empty()) return Status::Unauthenticated("invalid API key");
    const DbRow& r = rows->rows[0];
    expires_at = r.IsNull("expires_at") ? "" : r.Str("expires_at");
    if (!expires_at.empty() && expires_at <= NowIso8601()) return Status::Unauthenticated("API key expired");
    caller.api_key_id = r.Str("id");
    caller.org_id = r.Str("org_id");
    caller.role = ParseRole(r.Str("role")).ValueOr(Role::kViewer);
    (void)db_->Query("UPDATE api_keys SET last_used_at = ? WHERE id = ?", {NowIso8601(), caller.api_key_id});
    std::lock_guard lock(mu_);
    if (api_keys_.size() > 50000) api_keys_.clear();
    api_keys_[hash] = {caller, expires_at, now};
  }
  if (!expires_at.empty() && expires_at <= NowIso8601()) return Status::Unauthenticated("API key expired");
  if (!org_header.empty() && org_header != caller.org_id) return Status::NotFound("organization not found");
  return caller;
}

Result<Caller> AuthService::Authenticate(std::string_view authorization, const std::string& org_header) {
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() <= kBearer.size() || authorization.substr(0, kBearer.size()) != kBearer) {
    return Status::Unauthenticated("missing bearer credentials");
  }
  std::string_view token = authorization.substr(kBearer.size());
  if (token.substr(0, 3) == "ld_") return AuthenticateApiKey(std::string(token), org_header);
  LD_ASSIGN_OR_RETURN(std::string user_id, VerifyAccessToken(token));
  LD_ASSIGN_OR_RETURN(std::vector<Membership> list, Memberships(user_id));
  Caller caller;
  caller.user_id = user_id;
  if (auto state = LoadUserState(user_id); state.ok()) caller.must_change_password = state->must_change_password;
  for (const Membership& m : list) {
    if (org_header.empty() || m.org_id == org_header) {
      caller.org_id = m.org_id;
      caller.role = m.role;
      return caller;
    }
  }
  if (!org_header.empty()) return Status::NotFound("organization not found");
  return caller;  // a user without organizations: only /me and /organizations work
}

Result<nlohmann::json> AuthService::CreateApiKey(const std::string& org_id, const std::string& name, Role role,
                                                 const std::string& created_by, const std::string& expires_at) {
  std::string key = "ld_" + RandomToken(30);
  std::string id = NewId(), now = NowIso8601();
  std::string prefix = key.substr(0, 10);
  DbValue expiry = nullptr;
  if (!expires_at.empty()) expiry = expires_at;
  auto r = db_->Query(
      "INSERT INTO api_keys (id, org_id, name, role, key_hash, prefix, created_by, created_at, expires_at) VALUES (?, "
      "?, ?, ?, ?, ?, ?, ?, ?)",
      {id, org_id, name, std::string(RoleName(role)), Sha256Hex(key), prefix, created_by, now, expiry});
  if (!r.ok()) return r.status();
  return nlohmann::json{{"id", id},          {"name", name},
                        {"role", RoleName(role)}, {"prefix", prefix},
                        {"created_at", now}, {"expires_at", expires_at.empty() ? nlohmann::json(nullptr) : nlohmann::json(expires_at)},
                        {"key", key}};
}

Status AuthService::BootstrapAdmin(std::ostream& out) {
  auto count = db_->Query("SELECT COUNT(*) AS n FROM users");
  if (!count.ok()) return count.status();
  if (count->rows[0].Int("n") > 0) return Status::OK();
  const char* env_email = std::getenv("LOGIDATA_ADMIN_EMAIL");
  const char* env_password = std::getenv("LOGIDATA_ADMIN_PASSWORD");
  std::string email = NormalizeEmail(env_email && *env_email ? env_email : "admin@localhost");
  bool generated = !(env_password && *env_password);
  std::string password = generated ? RandomToken(15) : std::string(env_password);
  LD_RETURN_IF_ERROR(CheckPasswordPolicy(password).WithContext("LOGIDATA_ADMIN_PASSWORD"));
  LD_ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  std::string user_id = NewId(), org_id = NewId(), now = NowIso8601();
  Status st = db_->Transact([&](DbConnection& c) -> Status {
    auto u = c.Query(
        "INSERT INTO users (id, email, name, password_hash, must_change_password, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        {user_id, email, std::string("Administrator"), hash, int64_t{generated ? 1 : 0}, now});
    if (!u.ok()) return u.status();
    auto o = c.Query("INSERT INTO organizations (id, name, created_at) VALUES (?, 'Default', ?)", {org_id, now});
    if (!o.ok()) return o.status();
    auto m = c.Query("INSERT INTO memberships (org_id, user_id, role, created_at) VALUES (?, ?, 'admin', ?)",
                     {org_id, user_id, now});
    if (!m.ok()) return m.status();
    return WriteAudit(c, {org_id, "system", "user.bootstrap_admin", "user", user_id, nullptr, {{"email", email}}});
  });
  if (!st.ok()) {
    // Another process bootstrapped at the same moment.
    if (st.code() == StatusCode::kAlreadyExists) return Status::OK();
    return st;
  }
  if (generated) {
    out << "logidata: created administrator " << email << " with one-time password: " << password
        << "  (set LOGIDATA_ADMIN_PASSWORD to choose it; this is shown only once)\n";
  } else {
    out << "logidata: created administrator " << email << "\n";
  }
  return Status::OK();
}

}  // namespace logidata

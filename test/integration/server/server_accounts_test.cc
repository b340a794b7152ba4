// Accounts and keys of the server (issue 9, parts 3 and 5), against a real `logidata server`
// process over real HTTP and WebSocket: registration off by default, invitations, forced password
// change, lockout that does not reveal accounts, atomic failed-login counting, token revocation
// (logout, password change, deactivation, member removal) including live WebSockets, API key
// expiry and administration, a JWT key independent of the master key, and master key rotation
// beside a running server.
#include <algorithm>
#include <thread>

#include "auth/secret_box.h"
#include "metadata/database.h"
#include "server_harness.h"

namespace logidata::testing {
namespace {

class AccountsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres") {
      LD_REQUIRE_POSTGRES();
      database_url_ = SharedPostgres::Get()->NewDatabase(Unique("ld_acc"));
    }
    dir_ = MakeTempDir("ld-accounts");
  }
  void TearDown() override {
    server_.Stop();
    std::error_code ec;
    if (!HasFailure()) fs::remove_all(dir_, ec);
  }
  // Generous per-address limits: every request of a test comes from 127.0.0.1.
  std::map<std::string, std::string> Env() const {
    return {{"LOGIDATA_LOGIN_RATE_PER_MINUTE", "100000"}, {"LOGIDATA_ACCOUNT_LOGIN_RATE_PER_MINUTE", "30"}};
  }
  bool StartServer(std::vector<std::string> extra = {}, std::map<std::string, std::string> env = {}) {
    auto all = Env();
    for (auto& [k, v] : env) all[k] = v;
    return server_.Start(dir_ + "/data", database_url_, std::move(extra), all);
  }
  HttpClient C() const { return server_.Client(); }

  std::unique_ptr<Database> OpenStore() const {
    std::string target = database_url_.empty() ? dir_ + "/data/logidata.db" : database_url_;
    auto db = OpenDatabase(target, 1);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return db.ok() ? std::move(db).value() : nullptr;
  }

  HttpResult Login(const std::string& email, const std::string& password) const {
    return C().Call("POST", "/api/v1/auth/login", json{{"email", email}, {"password", password}}.dump());
  }

  // Invites `email` into the admin's organization with `role` and accepts as a new account.
  Session Invite(const Session& admin, const std::string& role) {
    std::string email = Unique("inv") + "@example.com";
    auto inv = C().Call("POST", "/api/v1/invitations", json{{"email", email}, {"role", role}}.dump(), admin.Auth());
    EXPECT_EQ(inv.status, 201) << inv.body;
    std::string password = "Pw-" + Unique("invited");
    auto accepted = C().Call("POST", "/api/v1/auth/accept-invite",
                             json{{"token", inv.Json()["token"]}, {"password", password}, {"name", "Invited"}}.dump());
    EXPECT_EQ(accepted.status, 200) << accepted.body;
    return FromTokens(C(), accepted.Json(), email, password);
  }

  std::string dir_, database_url_;
  ServerProcess server_;
};

TEST_P(AccountsTest, RegistrationIsOffByDefault) {
  server_.allow_registration = false;
  ASSERT_TRUE(StartServer());
  auto r = C().Call("POST", "/api/v1/auth/register",
                    json{{"email", "someone@example.com"}, {"password", "Passw0rd-long"}, {"name", "S"}}.dump());
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(r.Header("content-type"), "application/problem+json");
  EXPECT_NE(r.Json().value("detail", "").find("registration is disabled"), std::string::npos) << r.body;
  EXPECT_EQ(Login("someone@example.com", "Passw0rd-long").status, 401) << "no account was created";
  // The first admin still comes from set-up.
  EXPECT_EQ(Login(kAdminEmail, kAdminPassword).status, 200);
  server_.Stop();
  // --no-registration is still accepted.
  ASSERT_TRUE(StartServer({"--no-registration"}));
  EXPECT_EQ(C().Call("POST", "/api/v1/auth/register",
                     json{{"email", "x@example.com"}, {"password", "Passw0rd-long"}, {"name", "S"}}.dump()).status,
            403);
}

TEST_P(AccountsTest, AdminInvitesAndTheInviteeSetsTheirPassword) {
  server_.allow_registration = false;
  ASSERT_TRUE(StartServer());
  Session admin = LoginAdmin(C());
  std::string email = Unique("new") + "@example.com";
  auto inv = C().Call("POST", "/api/v1/invitations", json{{"email", email}, {"role", "developer"}}.dump(), admin.Auth());
  ASSERT_EQ(inv.status, 201) << inv.body;
  std::string token = inv.Json()["token"];
  EXPECT_EQ(inv.Json()["emailed"], false);
  EXPECT_EQ(inv.Json()["accept_path"], "/#/accept-invite?token=" + token);
  auto list = C().Call("GET", "/api/v1/invitations", "", admin.Auth());
  ASSERT_EQ(list.status, 200);
  EXPECT_NE(list.body.find(email), std::string::npos);
  EXPECT_EQ(list.body.find(token), std::string::npos) << "the token is shown only once";

  auto wrong = C().Call("POST", "/api/v1/auth/accept-invite",
                        json{{"token", token + "x"}, {"password", "Passw0rd-long"}, {"name", "N"}}.dump());
  EXPECT_EQ(wrong.status, 404) << wrong.body;
  auto weak = C().Call("POST", "/api/v1/auth/accept-invite", json{{"token", token}, {"password", "short"}, {"name", "N"}}.dump());
  EXPECT_EQ(weak.status, 400) << weak.body;
  auto ok = C().Call("POST", "/api/v1/auth/accept-invite",
                     json{{"token", token}, {"password", "Passw0rd-long"}, {"name", "New Person"}}.dump());
  ASSERT_EQ(ok.status, 200) << ok.body;
  Session invited = FromTokens(C(), ok.Json(), email, "Passw0rd-long");
  EXPECT_EQ(invited.org_id, admin.org_id);
  auto me = C().Call("GET", "/api/v1/me", "", invited.Auth()).Json();
  EXPECT_EQ(me["organizations"][0]["role"], "developer");
  EXPECT_EQ(me["user"]["must_change_password"], false);
  EXPECT_EQ(Login(email, "Passw0rd-long").status, 200);
  // One time only; no longer pending.
  EXPECT_EQ(C().Call("POST", "/api/v1/auth/accept-invite",
                     json{{"token", token}, {"password", "Passw0rd-long"}, {"name", "N"}}.dump()).status,
            404);
  EXPECT_EQ(C().Call("GET", "/api/v1/invitations", "", admin.Auth()).body.find(email), std::string::npos);
  // Only admins invite.
  EXPECT_EQ(C().Call("POST", "/api/v1/invitations", json{{"email", "z@example.com"}, {"role", "admin"}}.dump(),
                     invited.Auth()).status,
            403);

  // A revoked invitation cannot be accepted.
  auto second = C().Call("POST", "/api/v1/invitations", json{{"email", Unique("rev") + "@example.com"}, {"role", "viewer"}}.dump(),
                         admin.Auth());
  ASSERT_EQ(second.status, 201);
  EXPECT_EQ(C().Call("DELETE", "/api/v1/invitations/" + second.Json()["id"].get<std::string>(), "", admin.Auth()).status, 204);
  EXPECT_EQ(C().Call("POST", "/api/v1/auth/accept-invite",
                     json{{"token", second.Json()["token"]}, {"password", "Passw0rd-long"}, {"name", "N"}}.dump()).status,
            404);

  // Inviting an existing account never resets its password: its owner proves who they are.
  auto other_org = C().Call("POST", "/api/v1/organizations", json{{"name", "Second"}}.dump(), admin.Auth());
  ASSERT_EQ(other_org.status, 201);
  std::string org2 = other_org.Json()["id"];
  auto again = C().Call("POST", "/api/v1/invitations", json{{"email", email}, {"role", "viewer"}}.dump(), admin.Auth(org2));
  ASSERT_EQ(again.status, 201) << again.body;
  auto takeover = C().Call("POST", "/api/v1/auth/accept-invite",
                           json{{"token", again.Json()["token"]}, {"password", "Attacker-chosen1"}, {"name", "x"}}.dump());
  EXPECT_EQ(takeover.status, 403) << takeover.body;
  EXPECT_EQ(Login(email, "Attacker-chosen1").status, 401);
  auto joined = C().Call("POST", "/api/v1/auth/accept-invite",
                         json{{"token", again.Json()["token"]}, {"password", "Passw0rd-long"}}.dump());
  EXPECT_EQ(joined.status, 200) << joined.body;
}

TEST_P(AccountsTest, TemporaryPasswordMustBeChangedBeforeAnythingElse) {
  ASSERT_TRUE(StartServer());
  Session admin = LoginAdmin(C());
  std::string email = Unique("temp") + "@example.com";
  auto created = C().Call("POST", "/api/v1/members",
                          json{{"email", email}, {"role", "developer"}, {"temporary_password", "Temp-passw0rd"}}.dump(),
                          admin.Auth());
  ASSERT_EQ(created.status, 201) << created.body;
  auto login = Login(email, "Temp-passw0rd");
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_EQ(login.Json()["user"]["must_change_password"], true);
  Session s = FromTokens(C(), login.Json(), email, "Temp-passw0rd");
  for (auto [method, path] : {std::pair{"GET", "/api/v1/pipelines"}, std::pair{"GET", "/api/v1/organizations"},
                              std::pair{"POST", "/api/v1/organizations"}, std::pair{"GET", "/api/v1/modules"}}) {
    auto r = C().Call(method, path, std::string(method) == "POST" ? json{{"name", "x"}}.dump() : "", s.Auth());
    EXPECT_EQ(r.status, 403) << method << " " << path << ": " << r.body;
    EXPECT_NE(r.body.find("password change required"), std::string::npos) << r.body;
  }
  auto me = C().Call("GET", "/api/v1/me", "", s.Auth());
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(me.Json()["user"]["must_change_password"], true);
  auto changed = C().Call("POST", "/api/v1/me/password",
                          json{{"current_password", "Temp-passw0rd"}, {"new_password", "My-own-passw0rd"}}.dump(), s.Auth());
  ASSERT_EQ(changed.status, 204) << changed.body;
  EXPECT_EQ(C().Call("GET", "/api/v1/me", "", s.Auth()).status, 401) << "a password change revokes access tokens";
  EXPECT_EQ(Login(email, "Temp-passw0rd").status, 401);
  auto fresh = Login(email, "My-own-passw0rd");
  ASSERT_EQ(fresh.status, 200);
  EXPECT_EQ(fresh.Json()["user"]["must_change_password"], false);
  Session after = FromTokens(C(), fresh.Json(), email, "My-own-passw0rd");
  EXPECT_EQ(C().Call("GET", "/api/v1/pipelines", "", after.Auth()).status, 200);
}

TEST_P(AccountsTest, LockoutAnswersExactlyLikeAWrongPassword) {
  ASSERT_TRUE(StartServer());
  Session u = Register(C(), "lockme");
  std::string unknown = Unique("nobody") + "@example.com";
  auto first_unknown = Login(unknown, "whatever-pass");
  auto first_wrong = Login(u.email, "wrong-password");
  EXPECT_EQ(first_unknown.status, 401);
  EXPECT_EQ(first_wrong.status, 401);
  EXPECT_EQ(first_unknown.body, first_wrong.body) << "unknown email and wrong password answer alike";
  for (int i = 0; i < 6; ++i) Login(u.email, "wrong-password");
  // Locked now: even the right password gets the very same answer as an unknown email.
  auto locked = Login(u.email, u.password);
  auto unknown_again = Login(unknown, u.password);
  EXPECT_EQ(locked.status, 401) << locked.body;
  EXPECT_EQ(locked.body, unknown_again.body);
  EXPECT_EQ(locked.Header("content-type"), unknown_again.Header("content-type"));
  EXPECT_EQ(locked.Header("retry-after"), unknown_again.Header("retry-after"));

  // Similar timing: both verify one argon2id hash. Medians of alternating samples.
  auto time_login = [&](const std::string& email) {
    auto t0 = std::chrono::steady_clock::now();
    Login(email, "wrong-password");
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  };
  std::vector<double> known_ms, unknown_ms;
  Session timing = Register(C(), "timing");
  for (int i = 0; i < 9; ++i) {
    // A fresh account per sample would be slow; the per-account limit (30/min) leaves room for these.
    known_ms.push_back(time_login(timing.email));
    unknown_ms.push_back(time_login(unknown));
  }
  std::sort(known_ms.begin(), known_ms.end());
  std::sort(unknown_ms.begin(), unknown_ms.end());
  double known = known_ms[4], missing = unknown_ms[4];
  std::printf("login median: existing account %.2f ms, unknown email %.2f ms\n", known, missing);
  std::fflush(stdout);
  EXPECT_LT(std::max(known, missing) / std::max(0.01, std::min(known, missing)), 3.0);
}

TEST_P(AccountsTest, PerAccountLimitCountsUnknownEmailsToo) {
  ASSERT_TRUE(StartServer());
  for (const std::string& email : {Unique("known") + "@example.com", Unique("ghost") + "@example.com"}) {
    if (email.rfind("known", 0) == 0) {
      ASSERT_EQ(C().Call("POST", "/api/v1/auth/register",
                         json{{"email", email}, {"password", "Passw0rd-long"}, {"name", "K"}}.dump()).status,
                201);
    }
    int limited = 0;
    for (int i = 0; i < 32; ++i) limited += Login(email, "wrong-password").status == 429 ? 1 : 0;
    EXPECT_EQ(limited, 2) << email << ": 30 attempts a minute per account, the same for unknown emails";
  }
  // Per account, not per address: another email still gets its own attempts.
  EXPECT_EQ(Login(Unique("other") + "@example.com", "x-password").status, 401);
}

TEST_P(AccountsTest, ConcurrentFailedLoginsAreCountedExactly) {
  ASSERT_TRUE(StartServer());
  Session u = Register(C(), "race");
  constexpr int kParallel = 16;
  std::vector<std::thread> threads;
  std::atomic<int> unauthorized{0};
  for (int i = 0; i < kParallel; ++i) {
    threads.emplace_back([&] {
      if (Login(u.email, "wrong-password").status == 401) ++unauthorized;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(unauthorized.load(), kParallel);
  auto db = OpenStore();
  ASSERT_NE(db, nullptr);
  auto rows = db->Query("SELECT failed_logins FROM users WHERE id = ?", {u.user_id});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(rows->rows[0].Int("failed_logins"), kParallel) << "no increment may be lost";
}

TEST_P(AccountsTest, DeactivationRefusesRefreshTokensAndSignIn) {
  ASSERT_TRUE(StartServer());
  Session admin = LoginAdmin(C());
  Session u = Invite(admin, "developer");
  EXPECT_EQ(C().Call("GET", "/api/v1/pipelines", "", u.Auth()).status, 200);
  EXPECT_EQ(C().Call("POST", "/api/v1/members/" + u.user_id + "/deactivate", "", admin.Auth()).status, 204);
  EXPECT_EQ(C().Call("POST", "/api/v1/auth/refresh", json{{"refresh_token", u.refresh}}.dump()).status, 401);
  EXPECT_EQ(C().Call("GET", "/api/v1/me", "", u.Auth()).status, 401);
  auto login = Login(u.email, u.password);
  EXPECT_EQ(login.status, 401);
  EXPECT_EQ(login.body, Login(Unique("ghost") + "@example.com", u.password).body) << "deactivated looks like unknown";
  // An account that belongs to other organizations too is not one admin's to switch off.
  EXPECT_EQ(C().Call("POST", "/api/v1/members/" + admin.user_id + "/deactivate", "", admin.Auth()).status, 409);
  EXPECT_EQ(C().Call("POST", "/api/v1/members/" + u.user_id + "/activate", "", admin.Auth()).status, 204);
  EXPECT_EQ(Login(u.email, u.password).status, 200);
}

TEST_P(AccountsTest, LogoutPasswordChangeAndRemovalRevokeAccessTokens) {
  ASSERT_TRUE(StartServer());
  Session admin = LoginAdmin(C());
  Session u = Invite(admin, "viewer");
  ASSERT_EQ(C().Call("GET", "/api/v1/pipelines", "", u.Auth()).status, 200);
  EXPECT_EQ(C().Call("POST", "/api/v1/auth/logout", json{{"refresh_token", u.refresh}}.dump()).status, 204);
  auto after_logout = C().Call("GET", "/api/v1/pipelines", "", u.Auth());
  EXPECT_EQ(after_logout.status, 401) << after_logout.body;

  auto login = Login(u.email, u.password);
  ASSERT_EQ(login.status, 200);
  Session s = FromTokens(C(), login.Json(), u.email, u.password);
  ASSERT_EQ(C().Call("POST", "/api/v1/me/password",
                     json{{"current_password", u.password}, {"new_password", "Changed-passw0rd"}}.dump(), s.Auth()).status,
            204);
  EXPECT_EQ(C().Call("GET", "/api/v1/pipelines", "", s.Auth()).status, 401);
  EXPECT_EQ(C().Call("POST", "/api/v1/auth/refresh", json{{"refresh_token", s.refresh}}.dump()).status, 401);

  login = Login(u.email, "Changed-passw0rd");
  ASSERT_EQ(login.status, 200);
  s = FromTokens(C(), login.Json(), u.email, "Changed-passw0rd");
  ASSERT_EQ(C().Call("GET", "/api/v1/pipelines", "", s.Auth(admin.org_id)).status, 200);
  EXPECT_EQ(C().Call("DELETE", "/api/v1/members/" + u.user_id, "", admin.Auth()).status, 204);
  EXPECT_EQ(C().Call("GET", "/api/v1/pipelines", "", s.Auth(admin.org_id)).status, 401);
}

TEST_P(AccountsTest, WebSocketIsClosedAfterLogout) {
  ASSERT_TRUE(StartServer());
  Session admin = LoginAdmin(C());
  Session u = Invite(admin, "viewer");
  WsClient ws;
  ASSERT_TRUE(ws.Connect(server_.port()));
  ws.Send(json{{"type", "auth"}, {"token", u.access}}.dump());
  ASSERT_FALSE(ws.WaitFor([](const json& m) { return m.value("type", "") == "auth.ok"; }).is_null());
  ws.Send(json{{"type", "subscribe"}, {"channel", "runs"}}.dump());
  ASSERT_FALSE(ws.WaitFor([](const json& m) { return m.value("type", "") == "subscribed"; }).is_null());
  ASSERT_EQ(C().Call("POST", "/api/v1/auth/logout", json{{"refresh_token", u.refresh}}.dump()).status, 204);
  json revoked = ws.WaitFor([](const json& m) { return m.value("type", "") == "error"; });
  ASSERT_FALSE(revoked.is_null()) << "the server tells the socket why";
  EXPECT_NE(revoked.value("message", "").find("revoked"), std::string::npos) << revoked.dump();
  EXPECT_EQ(ws.Receive(), "") << "then closes it";
  // And the old token cannot open a new subscription.
  WsClient again;
  ASSERT_TRUE(again.Connect(server_.port()));
  again.Send(json{{"type", "auth"}, {"token", u.access}}.dump());
  json refused = again.WaitFor([](const json& m) { return m.contains("type"); });
  EXPECT_EQ(refused.value("type", ""), "error") << refused.dump();
}

TEST_P(AccountsTest, ApiKeysExpireAndAdminsListAndRevokeEveryKey) {
  ASSERT_TRUE(StartServer());
  Session admin = LoginAdmin(C());
  Session second_admin = Invite(admin, "admin");
  int64_t soon = (UnixNowSeconds() + 2) * 1000;
  auto expiring = C().Call("POST", "/api/v1/api-keys",
                           json{{"name", "short"}, {"role", "viewer"}, {"expires_at", IsoFromUnixMillis(soon)}}.dump(),
                           admin.Auth());
  ASSERT_EQ(expiring.status, 201) << expiring.body;
  EXPECT_FALSE(expiring.Json()["expires_at"].is_null());
  std::vector<std::string> key_auth = {"Authorization: Bearer " + expiring.Json()["key"].get<std::string>()};
  EXPECT_EQ(C().Call("GET", "/api/v1/pipelines", "", key_auth).status, 200);
  auto past = C().Call("POST", "/api/v1/api-keys",
                       json{{"name", "past"}, {"role", "viewer"}, {"expires_at", "2001-01-01T00:00:00Z"}}.dump(), admin.Auth());
  EXPECT_EQ(past.status, 400) << past.body;

  auto other = C().Call("POST", "/api/v1/api-keys", json{{"name", "theirs"}, {"role", "developer"}}.dump(),
                        second_admin.Auth(admin.org_id));
  ASSERT_EQ(other.status, 201) << other.body;
  std::string other_key = other.Json()["key"];
  EXPECT_EQ(C().Call("GET", "/api/v1/pipelines", "", {"Authorization: Bearer " + other_key}).status, 200);
  auto list = C().Call("GET", "/api/v1/api-keys", "", admin.Auth());
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.body.find(other_key), std::string::npos) << "never the secret";
  EXPECT_EQ(list.body.find(expiring.Json()["key"].get<std::string>()), std::string::npos);
  bool saw_other = false;
  const json items = list.Json()["items"];
  for (const json& k : items) {
    if (k["id"] == other.Json()["id"]) {
      saw_other = true;
      EXPECT_EQ(k["created_by_email"], second_admin.email);
      EXPECT_FALSE(k["last_used_at"].is_null());
      EXPECT_TRUE(k["expires_at"].is_null());
    }
  }
  EXPECT_TRUE(saw_other) << "an admin sees keys other admins created: " << list.body;
  EXPECT_EQ(C().Call("DELETE", "/api/v1/api-keys/" + other.Json()["id"].get<std::string>(), "", admin.Auth()).status, 204);
  EXPECT_EQ(C().Call("GET", "/api/v1/pipelines", "", {"Authorization: Bearer " + other_key}).status, 401);

  std::this_thread::sleep_for(std::chrono::milliseconds(2600));
  auto expired = C().Call("GET", "/api/v1/pipelines", "", key_auth);
  EXPECT_EQ(expired.status, 401) << expired.body;
  bool flagged = false;
  const json after = C().Call("GET", "/api/v1/api-keys", "", admin.Auth()).Json()["items"];
  for (const json& k : after) {
    if (k["id"] == expiring.Json()["id"]) flagged = k["expired"] == true;
  }
  EXPECT_TRUE(flagged);
}

TEST_P(AccountsTest, TheMasterKeyAloneCannotSignTokens) {
  // No LOGIDATA_JWT_KEY: the server keeps its own random JWT key in the metadata store.
  ASSERT_TRUE(StartServer({}, {{"LOGIDATA_JWT_KEY", ""}}));
  Session admin = LoginAdmin(C());
  ASSERT_EQ(C().Call("GET", "/api/v1/me", "", admin.Auth()).status, 200);
  int64_t now = UnixNowSeconds();
  // The old scheme derived the JWT key from the master key: whoever read master.key could sign.
  Jwt derived(HmacSha256(*HexDecode(kMasterKeyHex), "logidata-jwt-v1"));
  Jwt master(*HexDecode(kMasterKeyHex));
  for (const Jwt* jwt : {&derived, &master}) {
    std::string forged = jwt->Sign({{"sub", admin.user_id}, {"tv", 0}, {"iat", now}}, 900);
    EXPECT_EQ(C().Call("GET", "/api/v1/me", "", {"Authorization: Bearer " + forged}).status, 401);
  }
  // The key survives a restart (sessions do too) and is stored encrypted, not in the clear.
  server_.Stop();
  ASSERT_TRUE(StartServer({}, {{"LOGIDATA_JWT_KEY", ""}}));
  EXPECT_EQ(C().Call("GET", "/api/v1/me", "", admin.Auth()).status, 200);
  auto db = OpenStore();
  ASSERT_NE(db, nullptr);
  auto row = db->Query("SELECT value_enc FROM server_keys WHERE name = 'jwt'");
  ASSERT_TRUE(row.ok());
  ASSERT_EQ(row->rows.size(), 1u);
  EXPECT_EQ(row->rows[0].Str("value_enc").rfind("v2:", 0), 0u);
}

TEST_P(AccountsTest, KeysRotateReencryptsEverySecretBesideARunningServer) {
  // The master key lives outside the data folder, in a ring file. (Loopback is allowed so the
  // connection test reaches the connect step: it needs the decrypted secret first.)
  std::string key_file = dir_ + "/keys/master.ring";
  fs::create_directories(dir_ + "/keys");
  std::map<std::string, std::string> env = {{"LOGIDATA_MASTER_KEY", ""}, {"LOGIDATA_JWT_KEY", ""}};
  const std::vector<std::string> args = {"--master-key-file", key_file, "--allow-egress", "127.0.0.1/32"};
  ASSERT_TRUE(StartServer(args, env));
  EXPECT_TRUE(fs::exists(key_file));
  EXPECT_FALSE(fs::exists(dir_ + "/data/master.key")) << "no key in the data folder";
  std::string old_key = ReadKeyFile(key_file).ValueOr({}).at(0);
  Session admin = LoginAdmin(C());
  const std::string secret = "pg-s3cret-" + Unique("x");
  auto conn = C().Call("POST", "/api/v1/connections",
                       json{{"name", "warehouse"}, {"type", "postgres"}, {"host", "127.0.0.1"}, {"port", 1},
                            {"database", "db"}, {"user", "u"}, {"secret", secret}}.dump(),
                       admin.Auth());
  ASSERT_EQ(conn.status, 201) << conn.body;
  std::string conn_id = conn.Json()["id"];
  auto note = C().Call("POST", "/api/v1/notifications",
                       json{{"name", "hook"}, {"channel", "webhook"}, {"url", "https://hooks.example.com/T0/secret-path"},
                            {"events", {"run.failed"}}}.dump(),
                       admin.Auth());
  ASSERT_EQ(note.status, 201) << note.body;
  auto assist = C().Call("PUT", "/api/v1/organization/assist",
                         json{{"base_url", "https://models.example.com/v1"}, {"model", "m"}, {"api_key", "sk-" + secret}}.dump(),
                         admin.Auth());
  ASSERT_EQ(assist.status, 200) << assist.body;

  std::string new_key_file = dir_ + "/keys/new.key";
  std::string cmd = BinaryPath() + " keys rotate --data-dir " + dir_ + "/data" +
                    (database_url_.empty() ? "" : " --database-url " + database_url_) + " --master-key-file " + key_file +
                    " --new-key-file " + new_key_file + " > " + dir_ + "/rotate.out 2>&1";
  std::string unset = "env -u LOGIDATA_MASTER_KEY ";
  ASSERT_EQ(std::system((unset + cmd).c_str()), 0) << ReadFile(dir_ + "/rotate.out");
  std::printf("%s", ReadFile(dir_ + "/rotate.out").c_str());
  std::fflush(stdout);  // before the next fork (a server restart) copies the buffer
  auto ring = ReadKeyFile(key_file);
  ASSERT_TRUE(ring.ok());
  ASSERT_EQ(ring->size(), 2u) << "new key first, old key kept while servers run";
  std::string new_key = ring->at(0);
  EXPECT_EQ(ring->at(1), old_key);

  auto db = OpenStore();
  ASSERT_NE(db, nullptr);
  SecretBox only_new(new_key), only_old(old_key);
  auto check_current = [&](const char* sql, const std::string& aad_prefix) {
    auto rows = db->Query(sql);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    ASSERT_FALSE(rows->rows.empty()) << sql;
    for (const DbRow& r : rows->rows) {
      std::string v = r.Str("v");
      EXPECT_TRUE(only_new.IsCurrent(v)) << sql << ": " << v.substr(0, 12);
      EXPECT_TRUE(only_new.Decrypt(v, aad_prefix + r.Str("k")).ok()) << sql;
      EXPECT_FALSE(only_old.Decrypt(v, aad_prefix + r.Str("k")).ok()) << "the old key no longer opens it";
    }
  };
  check_current("SELECT id AS k, secret_enc AS v FROM connections", "");
  check_current("SELECT id AS k, url_enc AS v FROM notification_settings", "");
  check_current("SELECT name AS k, value_enc AS v FROM server_keys", "server_keys:");
  check_current("SELECT org_id AS k, api_key_enc AS v FROM assist_settings", "assist_settings:");
  EXPECT_EQ(*only_new.Decrypt(db->Query("SELECT secret_enc FROM connections")->rows[0].Str("secret_enc"), conn_id), secret);

  // The running server reads the re-encrypted secret (it reloads the ring) and writes with the new key.
  auto tested = C().Call("POST", "/api/v1/connections/" + conn_id + "/test", "", admin.Auth());
  EXPECT_EQ(tested.status, 200) << tested.body;
  EXPECT_EQ(tested.body.find("decrypt"), std::string::npos) << tested.body;
  auto later = C().Call("POST", "/api/v1/connections",
                        json{{"name", "later"}, {"type", "postgres"}, {"host", "127.0.0.1"}, {"secret", "later-s3cret"}}.dump(),
                        admin.Auth());
  ASSERT_EQ(later.status, 201) << later.body;
  auto later_row = db->Query("SELECT secret_enc FROM connections WHERE id = ?", {later.Json()["id"].get<std::string>()});
  ASSERT_TRUE(later_row.ok());
  EXPECT_TRUE(only_new.IsCurrent(later_row->rows[0].Str("secret_enc")));

  // Restart on the rotated ring: sessions survive (the JWT key was re-encrypted, not changed),
  // the connection still works, and no answer ever carries the secret.
  server_.Stop();
  ASSERT_TRUE(StartServer(args, env));
  EXPECT_EQ(C().Call("GET", "/api/v1/me", "", admin.Auth()).status, 200);
  std::string seen = C().Call("GET", "/api/v1/connections", "", admin.Auth()).body +
                     C().Call("GET", "/api/v1/connections/" + conn_id, "", admin.Auth()).body;
  tested = C().Call("POST", "/api/v1/connections/" + conn_id + "/test", "", admin.Auth());
  EXPECT_EQ(tested.status, 200) << tested.body;
  EXPECT_EQ(tested.body.find("decrypt"), std::string::npos) << tested.body;
  seen += tested.body + C().Call("GET", "/api/v1/notifications", "", admin.Auth()).body;
  // The natural-language key decrypts under the new ring (a key that did not would fail the GET).
  auto assist_after = C().Call("GET", "/api/v1/organization/assist", "", admin.Auth());
  EXPECT_EQ(assist_after.status, 200) << assist_after.body;
  EXPECT_EQ(assist_after.Json()["has_key"], true) << assist_after.body;
  seen += assist_after.body;
  EXPECT_EQ(seen.find(secret), std::string::npos);
  EXPECT_EQ(seen.find("secret-path"), std::string::npos);

  // Retire the old key once nothing uses it.
  std::string retire = BinaryPath() + " keys retire --data-dir " + dir_ + "/data" +
                       (database_url_.empty() ? "" : " --database-url " + database_url_) + " --master-key-file " +
                       key_file + " > " + dir_ + "/retire.out 2>&1";
  ASSERT_EQ(std::system((unset + retire).c_str()), 0) << ReadFile(dir_ + "/retire.out");
  ring = ReadKeyFile(key_file);
  ASSERT_TRUE(ring.ok());
  EXPECT_EQ(ring->size(), 1u);
  server_.Stop();
  ASSERT_TRUE(StartServer(args, env));
  tested = C().Call("POST", "/api/v1/connections/" + conn_id + "/test", "", admin.Auth());
  EXPECT_EQ(tested.status, 200) << tested.body;
  EXPECT_EQ(tested.body.find("decrypt"), std::string::npos) << tested.body;
}

INSTANTIATE_TEST_SUITE_P(Backends, AccountsTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace logidata::testing

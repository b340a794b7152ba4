// Routes: /api/v1/auth/* and /api/v1/me. Every route that hashes or verifies a password is "slow":
// it runs on the blocking pool (and through the bounded HashingPool), never on a network thread.
#include "auth/auth_service.h"
#include "server/route_support.h"

namespace logidata {

void RegisterAuthRoutes(Router& router, const ApiServices& s) {
  AuthService* auth = s.auth;
  const bool allow_registration = s.allow_registration;
  auto tokens = [](Result<nlohmann::json> r, int status) {
    if (!r.ok()) {
      HttpResponse resp = Fail(r.status());
      if (r.status().code() == StatusCode::kResourceExhausted) {
        resp = HttpResponse::Problem(429, "", r.status().message());
        resp.headers.emplace_back("Retry-After", "60");
      }
      return resp;
    }
    return HttpResponse::Json(status, *r);
  };

  router.Add({"POST", "/api/v1/auth/register", Access::kPublic, "auth",
              "Creates an account with its own organization and signs it in.",
              ObjSchema({{"email", StrSchema(3, 254)}, {"password", StrSchema(8, 1024)}, {"name", StrSchema(1, 200)}},
                        {"email", "password", "name"}),
              {}, 201, true,
              [auth, tokens, allow_registration](const HttpRequest&, const Caller&, const nlohmann::json& b) {
                if (!allow_registration) {
                  return HttpResponse::Problem(403, "",
                                               "self-registration is disabled on this server: ask an administrator "
                                               "for an invitation (the server option --allow-registration enables it)");
                }
                return tokens(auth->Register(b["email"], b["password"], b["name"]), 201);
              }});
  router.Add({"POST", "/api/v1/auth/login", Access::kPublic, "auth", "Signs in with email and password.",
              ObjSchema({{"email", StrSchema(1, 254)}, {"password", StrSchema(1, 1024)}}, {"email", "password"}), {},
              200, true, [auth, tokens](const HttpRequest& req, const Caller&, const nlohmann::json& b) {
                return tokens(auth->Login(b["email"], b["password"], req.remote_address), 200);
              }});
  router.Add({"POST", "/api/v1/auth/accept-invite", Access::kPublic, "auth",
              "Accepts an invitation: a new account sets its name and password; an existing account gives its "
              "current password. Signs in to the inviting organization.",
              ObjSchema({{"token", StrSchema(1, 200)}, {"password", StrSchema(1, 1024)}, {"name", StrSchema(0, 200)}},
                        {"token", "password"}),
              {}, 200, true, [auth, tokens](const HttpRequest&, const Caller&, const nlohmann::json& b) {
                return tokens(auth->AcceptInvitation(b["token"], b.value("name", ""), b["password"]), 200);
              }});
  router.Add({"POST", "/api/v1/auth/refresh", Access::kPublic, "auth",
              "Exchanges a refresh token for new tokens (the old one is spent; reuse revokes the family).",
              ObjSchema({{"refresh_token", StrSchema(1, 200)}}, {"refresh_token"}), {}, 200, false,
              [auth, tokens](const HttpRequest&, const Caller&, const nlohmann::json& b) {
                return tokens(auth->Refresh(b["refresh_token"]), 200);
              }});
  router.Add({"POST", "/api/v1/auth/logout", Access::kPublic, "auth",
              "Revokes a refresh token and its family, and every access token of its user.",
              ObjSchema({{"refresh_token", StrSchema(1, 200)}}, {"refresh_token"}), {}, 204, false,
              [auth](const HttpRequest&, const Caller&, const nlohmann::json& b) {
                Status st = auth->Logout(b["refresh_token"]);
                return st.ok() ? HttpResponse::NoContent() : Fail(st);
              }});
  router.Add({"POST", "/api/v1/me/password", Access::kUser, "auth",
              "Changes the caller's password (and signs out their other sessions).",
              ObjSchema({{"current_password", StrSchema(1, 1024)}, {"new_password", StrSchema(8, 1024)}},
                        {"current_password", "new_password"}),
              {}, 204, true, [auth](const HttpRequest&, const Caller& c, const nlohmann::json& b) {
                if (c.user_id.empty()) return HttpResponse::Problem(403, "", "API keys have no password");
                Status st = auth->ChangePassword(c.user_id, b["current_password"], b["new_password"]);
                return st.ok() ? HttpResponse::NoContent() : Fail(st);
              }});
  Database* db = s.db;
  router.Add({"GET", "/api/v1/me", Access::kUser, "auth", "Returns the caller and their organizations.", nullptr, {},
              200, false, [auth, db](const HttpRequest&, const Caller& c, const nlohmann::json&) {
                if (c.user_id.empty()) {
                  return HttpResponse::Json(200, {{"user", nullptr},
                                                  {"api_key", {{"id", c.api_key_id}}},
                                                  {"organizations",
                                                   {{{"id", c.org_id}, {"role", RoleName(c.role)}}}}});
                }
                auto user = db->Query("SELECT id, email, name, must_change_password, created_at FROM users WHERE id = ?",
                                      {c.user_id});
                if (!user.ok()) return Fail(user.status());
                if (user->rows.empty()) return HttpResponse::Problem(401, "", "user no longer exists");
                const DbRow& u = user->rows[0];
                auto list = auth->Memberships(c.user_id);
                if (!list.ok()) return Fail(list.status());
                nlohmann::json orgs = nlohmann::json::array();
                for (const auto& m : *list) orgs.push_back({{"id", m.org_id}, {"name", m.org_name}, {"role", RoleName(m.role)}});
                return HttpResponse::Json(200, {{"user",
                                                 {{"id", u.Str("id")},
                                                  {"email", u.Str("email")},
                                                  {"name", u.Str("name")},
                                                  {"must_change_password", u.Int("must_change_password") != 0},
                                                  {"created_at", u.Str("created_at")}}},
                                                {"organizations", orgs}});
              }});
}

}  // namespace logidata

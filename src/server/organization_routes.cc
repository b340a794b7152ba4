// Routes: organizations, members, API keys and the audit trail.
#include "common/json_text.h"
#include "metadata/audit_log.h"
#include "metadata/database.h"
#include "server/route_support.h"

namespace logidata {
namespace {

nlohmann::json MemberJson(const DbRow& r) {
  return {{"user_id", r.Str("user_id")}, {"email", r.Str("email")}, {"name", r.Str("name")},
          {"role", r.Str("role")},       {"created_at", r.Str("created_at")}};
}

Result<nlohmann::json> LoadMember(Database* db, const std::string& org_id, const std::string& user_id) {
  auto r = db->Query(
      "SELECT m.user_id, u.email, u.name, m.role, m.created_at FROM memberships m JOIN users u ON u.id = m.user_id "
      "WHERE m.org_id = ? AND m.user_id = ?",
      {org_id, user_id});
  if (!r.ok()) return r.status();
  if (r->rows.empty()) return Status::NotFound("member not found");
  return MemberJson(r->rows[0]);
}

// Keeps at least one admin in every organization.
Status CheckNotLastAdmin(DbConnection& c, const std::string& org_id, const std::string& user_id) {
  auto r = c.Query("SELECT COUNT(*) AS n FROM memberships WHERE org_id = ? AND role = 'admin' AND user_id <> ?",
                   {org_id, user_id});
  if (!r.ok()) return r.status();
  if (r->rows[0].Int("n") == 0) return Status::Conflict("an organization needs at least one admin");
  return Status::OK();
}

}  // namespace

void RegisterOrganizationRoutes(Router& router, const ApiServices& s) {
  Database* db = s.db;
  AuthService* auth = s.auth;

  router.Add({"GET", "/api/v1/organizations", Access::kUser, "organizations",
              "Lists the organizations the caller belongs to.", nullptr, {}, 200, false,
              [auth](const HttpRequest&, const Caller& c, const nlohmann::json&) {
                nlohmann::json items = nlohmann::json::array();
                if (c.user_id.empty()) {
                  items.push_back({{"id", c.org_id}, {"role", RoleName(c.role)}});
                } else {
                  auto list = auth->Memberships(c.user_id);
                  if (!list.ok()) return Fail(list.status());
                  for (const auto& m : *list) items.push_back({{"id", m.org_id}, {"name", m.org_name}, {"role", RoleName(m.role)}});
                }
                return HttpResponse::Json(200, {{"items", items}});
              }});
  router.Add({"POST", "/api/v1/organizations", Access::kUser, "organizations",
              "Creates an organization; the creator becomes its admin.",
              ObjSchema({{"name", StrSchema(1, 200)}}, {"name"}), {}, 201, false,
              [db, auth](const HttpRequest&, const Caller& c, const nlohmann::json& b) {
                if (c.user_id.empty()) return HttpResponse::Problem(403, "", "API keys cannot create organizations");
                std::string id = NewId(), now = NowIso8601();
                std::string name = b["name"];
                Status st = db->Transact([&](DbConnection& conn) -> Status {
                  auto o = conn.Query("INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)", {id, name, now});
                  if (!o.ok()) return o.status();
                  auto m = conn.Query("INSERT INTO memberships (org_id, user_id, role, created_at) VALUES (?, ?, 'admin', ?)",
                                      {id, c.user_id, now});
                  if (!m.ok()) return m.status();
                  return WriteAudit(conn, {id, c.Actor(), "organization.create", "organization", id, nullptr, {{"name", name}}});
                });
                if (!st.ok()) return Fail(st);
                auth->InvalidateCaches();
                return HttpResponse::Json(201, {{"id", id}, {"name", name}, {"role", "admin"}, {"created_at", now}});
              }});

  router.Add({"GET", "/api/v1/members", Access::kAdmin, "members", "Lists the organization's members.", nullptr, {},
              200, false, [db](const HttpRequest&, const Caller& c, const nlohmann::json&) {
                auto r = db->Query(
                    "SELECT m.user_id, u.email, u.name, m.role, m.created_at FROM memberships m JOIN users u ON u.id = "
                    "m.user_id WHERE m.org_id = ? ORDER BY u.email",
                    {c.org_id});
                if (!r.ok()) return Fail(r.status());
                nlohmann::json items = nlohmann::json::array();
                for (const DbRow& row : r->rows) items.push_back(MemberJson(row));
                return HttpResponse::Json(200, {{"items", items}});
              }});
  router.Add({"POST", "/api/v1/members", Access::kAdmin, "members",
              "Adds an existing user to the organization, or creates one with a temporary password (given as "
              "`temporary_password`): that user must choose their own password before anything else.",
              ObjSchema({{"email", StrSchema(3, 254)}, {"role", RoleSchema()}, {"name", StrSchema(1, 200)},
                         {"temporary_password", StrSchema(8, 1024)}},
                        {"email", "role"}),
              {}, 201, true,
              [db, auth](const HttpRequest&, const Caller& c, const nlohmann::json& b) {
                std::string email = b["email"];
                for (char& ch : email) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
                auto u = db->Query("SELECT id FROM users WHERE email = ?", {email});
                if (!u.ok()) return Fail(u.status());
                if (u->rows.empty() && b.contains("temporary_password")) {
                  auto created = auth->CreateUserWithTemporaryPassword(email, b.value("name", email),
                                                                       b["temporary_password"]);
                  if (!created.ok()) return Fail(created.status());
                  u = db->Query("SELECT id FROM users WHERE email = ?", {email});
                  if (!u.ok()) return Fail(u.status());
                }
                if (u->rows.empty()) {
                  return HttpResponse::Problem(404, "", "no user with this email",
                                               {{{"field", "/email"}, {"message", "no user with this email"}}});
                }
                std::string user_id = u->rows[0].Str("id");
                Status st = db->Transact([&](DbConnection& conn) -> Status {
                  auto ins = conn.Query("INSERT INTO memberships (org_id, user_id, role, created_at) VALUES (?, ?, ?, ?)",
                                        {c.org_id, user_id, b["role"].get<std::string>(), NowIso8601()});
                  if (!ins.ok()) {
                    return ins.status().code() == StatusCode::kAlreadyExists
                               ? Status::AlreadyExists("/email: already a member")
                               : ins.status();
                  }
                  return WriteAudit(conn, {c.org_id, c.Actor(), "member.add", "member", user_id, nullptr,
                                           {{"email", email}, {"role", b["role"]}}});
                });
                if (!st.ok()) return Fail(st);
                auth->InvalidateCaches();
                auto m = LoadMember(db, c.org_id, user_id);
                return m.ok() ? HttpResponse::Json(201, *m) : Fail(m.status());
              }});
  router.Add({"PATCH", "/api/v1/members/{user_id}", Access::kAdmin, "members", "Changes a member's role.",
              ObjSchema({{"role", RoleSchema()}}, {"role"}), {}, 200, false,
              [db, auth](const HttpRequest& req, const Caller& c, const nlohmann::json& b) {
                const std::string& user_id = req.Param("user_id");
                auto before = LoadMember(db, c.org_id, user_id);
                if (!before.ok()) return Fail(before.status());
                std::string role = b["role"];
                Status st = db->Transact([&](DbConnection& conn) -> Status {
                  if (role != "admin") LD_RETURN_IF_ERROR(CheckNotLastAdmin(conn, c.org_id, user_id));
                  auto up = conn.Query("UPDATE memberships SET role = ? WHERE org_id = ? AND user_id = ?",
                                       {role, c.org_id, user_id});
                  if (!up.ok()) return up.status();
                  return WriteAudit(conn, {c.org_id, c.Actor(), "member.update", "member", user_id, *before,
                                           {{"role", role}}});
                });
                if (!st.ok()) return Fail(st);
                auth->InvalidateCaches();
                auto m = LoadMember(db, c.org_id, user_id);
                return m.ok() ? HttpResponse::Json(200, *m) : Fail(m.status());
              }});
  router.Add({"DELETE", "/api/v1/members/{user_id}", Access::kAdmin, "members",
              "Removes a member from the organization.", nullptr, {}, 204, false,
              [db, auth](const HttpRequest& req, const Caller& c, const nlohmann::json&) {
                const std::string& user_id = req.Param("user_id");
                auto before = LoadMember(db, c.org_id, user_id);
                if (!before.ok()) return Fail(before.status());
                Status st = db->Transact([&](DbConnection& conn) -> Status {
                  LD_RETURN_IF_ERROR(CheckNotLastAdmin(conn, c.org_id, user_id));
                  auto del = conn.Query("DELETE FROM memberships WHERE org_id = ? AND user_id = ?", {c.org_id, user_id});
                  if (!del.ok()) return del.status();
                  return WriteAudit(conn, {c.org_id, c.Actor(), "member.remove", "member", user_id, *before, nullptr});
                });
                if (!st.ok()) return Fail(st);
                auth->InvalidateCaches();
                // Tokens name the user, not the organization: revoke them so no cached grant of
                // this organization outlives the membership (and close their live updates).
                Status revoked = auth->RevokeUserTokens(user_id, /*refresh_too=*/false);
                return revoked.ok() ? HttpResponse::NoContent() : Fail(revoked);
              }});
  for (bool active : {false, true}) {
    router.Add({"POST", std::string("/api/v1/members/{user_id}/") + (active ? "activate" : "deactivate"), Access::kAdmin,
                "members",
                active ? "Reactivates a deactivated member's account."
                       : "Deactivates a member's account: no sign-in, refresh or API call until reactivated; its "
                         "tokens are revoked. Only for accounts that belong to this organization alone.",
                nullptr, {}, 204, false, [db, auth, active](const HttpRequest& req, const Caller& c, const nlohmann::json&) {
                  const std::string& user_id = req.Param("user_id");
                  auto before = LoadMember(db, c.org_id, user_id);
                  if (!before.ok()) return Fail(before.status());
                  if (user_id == c.user_id) return HttpResponse::Problem(409, "", "you cannot deactivate yourself");
                  // An account shared with other organizations is not this admin's to switch off.
                  auto others = db->Query("SELECT COUNT(*) AS n FROM memberships WHERE user_id = ? AND org_id <> ?",
                                          {user_id, c.org_id});
                  if (!others.ok()) return Fail(others.status());
                  if (others->rows[0].Int("n") > 0) {
                    return HttpResponse::Problem(409, "", "this account belongs to other organizations too; remove the "
                                                          "member instead");
                  }
                  if (!active) {
                    Status last = db->Transact([&](DbConnection& conn) { return CheckNotLastAdmin(conn, c.org_id, user_id); });
                    if (!last.ok()) return Fail(last);
                  }
                  Status st = auth->SetActive(user_id, active);
                  if (!st.ok()) return Fail(st);
                  auth->InvalidateCaches();
                  (void)WriteAudit(*db, {c.org_id, c.Actor(), active ? "member.activate" : "member.deactivate", "member",
                                         user_id, nullptr, nullptr});
                  return HttpResponse::NoContent();
                }});
  }

  router.Add({"GET", "/api/v1/api-keys", Access::kAdmin, "api-keys",
              "Lists every API key of the organization, whoever created it: owner, creation, last use and expiry "
              "(never the keys).",
              nullptr, {}, 200, false, [db](const HttpRequest&, const Caller& c, const nlohmann::json&) {
                auto r = db->Query(
                    "SELECT k.id, k.name, k.role, k.prefix, k.created_by, k.created_at, k.last_used_at, k.expires_at, "
                    "u.email AS created_by_email FROM api_keys k LEFT JOIN users u ON u.id = k.created_by WHERE "
                    "k.org_id = ? AND k.revoked = 0 ORDER BY k.created_at",
                    {c.org_id});
                if (!r.ok()) return Fail(r.status());
                nlohmann::json items = nlohmann::json::array();
                for (const DbRow& row : r->rows) {
                  items.push_back({{"id", row.Str("id")}, {"name", row.Str("name")}, {"role", row.Str("role")},
                                   {"prefix", row.Str("prefix")}, {"created_by", row.Str("created_by")},
                                   {"created_at", row.Str("created_at")},
                                   {"last_used_at", row.IsNull("last_used_at") ? nlohmann::json(nullptr)
                                                                                : nlohmann::json(row.Str("last_used_at"))}});
                  nlohmann::json& item = items.back();
                  item["created_by_email"] =
                      row.IsNull("created_by_email") ? nlohmann::json(nullptr) : nlohmann::json(row.Str("created_by_email"));
                  bool expires = !row.IsNull("expires_at");
                  item["expires_at"] = expires ? nlohmann::json(row.Str("expires_at")) : nlohmann::json(nullptr);
                  item["expired"] = expires && row.Str("expires_at") <= NowIso8601();
                }
                return HttpResponse::Json(200, {{"items", items}});
              }});
  router.Add({"POST", "/api/v1/api-keys", Access::kAdmin, "api-keys",
              "Creates an API key scoped to the organization and a role; the key is shown only in this response.",
              ObjSchema({{"name", StrSchema(1, 200)}, {"role", RoleSchema()}, {"expires_at", StrSchema(10, 40)}},
                        {"name", "role"}),
              {}, 201, false,
              [db, auth](const HttpRequest&, const Caller& c, const nlohmann::json& b) {
                Role role = ParseRole(b["role"].get<std::string>()).ValueOr(Role::kViewer);
                std::string expires_at;
                if (b.contains("expires_at")) {
                  // Normalised to the stored form so expiry checks compare like with like.
                  auto millis = UnixMillisFromIso(b["expires_at"].get<std::string>());
                  if (!millis.ok() || IsoFromUnixMillis(*millis) <= NowIso8601()) {
                    return HttpResponse::Problem(400, "", "expires_at must be an ISO-8601 time in the future",
                                                 {{{"field", "/expires_at"}, {"message", "must be a future ISO-8601 time"}}});
                  }
                  expires_at = IsoFromUnixMillis(*millis);
                }
                auto key = auth->CreateApiKey(c.org_id, b["name"], role, c.Actor(), expires_at);
                if (!key.ok()) return Fail(key.status());
                (void)WriteAudit(*db, {c.org_id, c.Actor(), "api_key.create", "api_key", (*key)["id"], nullptr,
                                       {{"name", b["name"]}, {"role", b["role"]}}});
                return HttpResponse::Json(201, *key);
              }});
  router.Add({"DELETE", "/api/v1/api-keys/{id}", Access::kAdmin, "api-keys", "Revokes an API key.", nullptr, {}, 204,
              false, [db, auth](const HttpRequest& req, const Caller& c, const nlohmann::json&) {
                const std::string& id = req.Param("id");
                auto r = db->Query("UPDATE api_keys SET revoked = 1 WHERE id = ? AND org_id = ? AND revoked = 0",
                                   {id, c.org_id});
                if (!r.ok()) return Fail(r.status());
                if (r->affected == 0) return HttpResponse::Problem(404, "", "API key not found");
                auth->InvalidateCaches();
                (void)WriteAudit(*db, {c.org_id, c.Actor(), "api_key.revoke", "api_key", id, nullptr, nullptr});
                return HttpResponse::NoContent();
              }});

  std::vector<QueryParam> audit_query = PagingParams();
  for (const char* name : {"actor", "action", "object_type", "object_id", "since", "until"}) audit_query.push_back({name});
  router.Add({"GET", "/api/v1/audit", Access::kAdmin, "audit", "Queries the organization's audit trail, newest first.",
              nullptr, audit_query, 200, false, [db](const HttpRequest& req, const Caller& c, const nlohmann::json&) {
                std::string where = " WHERE org_id = ?";
                DbParams params = {c.org_id};
                for (const char* col : {"actor", "action", "object_type", "object_id"}) {
                  std::string v = req.Query(col);
                  if (v.empty()) continue;
                  where += std::string(" AND ") + col + " = ?";
                  params.push_back(v);
                }
                if (auto v = req.Query("since"); !v.empty()) {
                  where += " AND ts >= ?";
                  params.push_back(v);
                }
                if (auto v = req.Query("until"); !v.empty()) {
                  where += " AND ts < ?";
                  params.push_back(v);
                }
                Paging p = ParsePaging(req);
                auto count = db->Query("SELECT COUNT(*) AS n FROM audit_log" + where, params);
                if (!count.ok()) return Fail(count.status());
                params.push_back(p.page_size);
                params.push_back(p.offset());
                auto r = db->Query(
                    "SELECT id, actor, action, object_type, object_id, before_json, after_json, ts FROM audit_log" + where +
                        " ORDER BY ts DESC, id DESC LIMIT ? OFFSET ?",
                    params);
                if (!r.ok()) return Fail(r.status());
                nlohmann::json items = nlohmann::json::array();
                auto doc = [](const DbRow& row, const char* col) {
                  return row.IsNull(col) ? nlohmann::json(nullptr) : ParseJsonOrDiscarded(row.Str(col));
                };
                for (const DbRow& row : r->rows) {
                  items.push_back({{"id", row.Str("id")}, {"actor", row.Str("actor")}, {"action", row.Str("action")},
                                   {"object_type", row.Str("object_type")}, {"object_id", row.Str("object_id")},
                                   {"before", doc(row, "before_json")}, {"after", doc(row, "after_json")},
                                   {"ts", row.Str("ts")}});
                }
                return HttpResponse::Json(200, {{"items", items}, {"total", count->rows[0].Int("n")},
                                                {"page", p.page}, {"page_size", p.page_size}});
              }});
}

}  // namespace logidata

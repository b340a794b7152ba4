// Routes: /api/v1/invitations — admins invite people by email with a role. The answer carries a
// one-time token and the web link to accept it (only its SHA-256 is stored; it expires after 7
// days). Nothing is emailed: the admin passes the link on. The invited person accepts with
// POST /api/v1/auth/accept-invite.
#include "auth/auth_service.h"
#include "metadata/audit_log.h"
#include "metadata/database.h"
#include "server/route_support.h"

namespace logidata {

void RegisterInvitationRoutes(Router& router, const ApiServices& s) {
  Database* db = s.db;
  AuthService* auth = s.auth;

  router.Add({"POST", "/api/v1/invitations", Access::kAdmin, "members",
              "Invites a person by email with a role; the answer holds the one-time token and accept link (shown "
              "only here; nothing is emailed).",
              ObjSchema({{"email", StrSchema(3, 254)}, {"role", RoleSchema()}}, {"email", "role"}), {}, 201, false,
              [db, auth](const HttpRequest&, const Caller& c, const nlohmann::json& b) {
                Role role = ParseRole(b["role"].get<std::string>()).ValueOr(Role::kViewer);
                auto inv = auth->CreateInvitation(c.org_id, b["email"], role, c.Actor());
                if (!inv.ok()) return Fail(inv.status());
                (void)WriteAudit(*db, {c.org_id, c.Actor(), "invitation.create", "invitation", (*inv)["id"], nullptr,
                                       {{"email", (*inv)["email"]}, {"role", (*inv)["role"]}}});
                nlohmann::json out = *inv;
                out["accept_path"] = "/#/accept-invite?token=" + out["token"].get<std::string>();  // the web UI's page
                out["emailed"] = false;
                return HttpResponse::Json(201, out);
              }});
  router.Add({"GET", "/api/v1/invitations", Access::kAdmin, "members",
              "Lists the organization's pending invitations (never their tokens).", nullptr, {}, 200, false,
              [db](const HttpRequest&, const Caller& c, const nlohmann::json&) {
                auto r = db->Query(
                    "SELECT i.id, i.email, i.role, i.created_at, i.expires_at, i.invited_by, u.email AS invited_by_email "
                    "FROM invitations i LEFT JOIN users u ON u.id = i.invited_by WHERE i.org_id = ? AND i.revoked = 0 "
                    "AND i.accepted_at IS NULL AND i.expires_at > ? ORDER BY i.created_at",
                    {c.org_id, NowIso8601()});
                if (!r.ok()) return Fail(r.status());
                nlohmann::json items = nlohmann::json::array();
                for (const DbRow& row : r->rows) {
                  items.push_back({{"id", row.Str("id")},
                                   {"email", row.Str("email")},
                                   {"role", row.Str("role")},
                                   {"created_at", row.Str("created_at")},
                                   {"expires_at", row.Str("expires_at")},
                                   {"invited_by", row.Str("invited_by")},
                                   {"invited_by_email", row.IsNull("invited_by_email")
                                                            ? nlohmann::json(nullptr)
                                                            : nlohmann::json(row.Str("invited_by_email"))}});
                }
                return HttpResponse::Json(200, {{"items", items}});
              }});
  router.Add({"DELETE", "/api/v1/invitations/{id}", Access::kAdmin, "members", "Revokes a pending invitation.",
              nullptr, {}, 204, false, [db](const HttpRequest& req, const Caller& c, const nlohmann::json&) {
                const std::string& id = req.Param("id");
                auto r = db->Query(
                    "UPDATE invitations SET revoked = 1 WHERE id = ? AND org_id = ? AND revoked = 0 AND accepted_at IS NULL",
                    {id, c.org_id});
                if (!r.ok()) return Fail(r.status());
                if (r->affected == 0) return HttpResponse::Problem(404, "", "invitation not found");
                (void)WriteAudit(*db, {c.org_id, c.Actor(), "invitation.revoke", "invitation", id, nullptr, nullptr});
                return HttpResponse::NoContent();
              }});
}

}  // namespace logidata

// Routes: connections — CRUD with write-only secrets (encrypted at rest), and connection tests.
#include <algorithm>
#include <chrono>

#include "auth/secret_box.h"
#include "metadata/audit_log.h"
#include "metadata/connection_store.h"
#include "metadata/org_egress_store.h"
#include "module/builtin_modules.h"
#include "module/connection_types.h"
#include "net/egress_policy.h"
#include "io/tenant_files.h"
#include "server/route_support.h"
#include "server/tenant_call_gate.h"

#if __has_include("connectors/connection_tester.h")
#include "connectors/connection_tester.h"
#define LOGIDATA_HAS_CONNECTION_TESTER 1
#endif

namespace logidata {
namespace {

nlohmann::json ConnectionSchema(bool require_all) {
  return ObjSchema({{"name", StrSchema(1, 200)},
                    {"type", StrSchema(1, 40)},
                    {"host", StrSchema(0, 255)},
                    {"port", {{"type", "integer"}, {"minimum", 0}, {"maximum", 65535}}},
                    {"database", StrSchema(0, 1024)},
                    {"user", StrSchema(0, 255)},
                    {"secret", {{"type", {"string", "null"}}, {"maxLength", 16384}}},
                    {"options", {{"type", "object"}}}},
                   require_all ? std::vector<std::string>{"name", "type"} : std::vector<std::string>{});
}

ConnectionConfig FromBody(const nlohmann::json& b) {
  ConnectionConfig c;
  c.name = b.value("name", "");
  c.type = b.value("type", "");
  c.host = b.value("host", "");
  c.port = b.value("port", 0);
  c.database = b.value("database", "");
  c.user = b.value("user", "");
  if (b.contains("secret") && b["secret"].is_string()) c.secret = b["secret"];
  c.options = b.value("options", nlohmann::json::object());
  return c;
}

// Only types some module (or transform key) can use may be stored or tested: a connection of any
// other type would sit in the list doing nothing. `unchanged` lets an edit keep a type stored
// before the list narrowed. 400 naming /type otherwise.
Status CheckConnectionType(const nlohmann::json& b, const std::string& unchanged = "") {
  if (!b.contains("type") || !b["type"].is_string()) return Status::OK();
  const std::string type = b["type"].get<std::string>();
  static const std::vector<std::string> kAccepted = AcceptedConnectionTypes(BuiltinModules().All());
  if (type == unchanged || std::find(kAccepted.begin(), kAccepted.end(), type) != kAccepted.end()) return Status::OK();
  std::string list;
  for (const std::string& t : CanonicalConnectionTypes(BuiltinModules().All())) list += (list.empty() ? "" : ", ") + t;
  std::string shown = type.size() > 40 ? type.substr(0, 40) + "…" : type;
  return Status::InvalidArgument("/type: no module uses connections of type '" + shown + "'; use one of: " + list);
}

// Tests inside the organization's file sandbox (an SQLite path must be one of its files), within
// its share of concurrent engine calls.
HttpResponse RunTest(const ConnectionConfig& config, const ApiServices& s, const std::string& org_id) {
#ifdef LOGIDATA_HAS_CONNECTION_TESTER
  auto pass = s.engine_calls->Enter(org_id);
  if (!pass) {
    HttpResponse busy = Fail(Status::Unavailable("this organization already has the most checks running at once"));
    busy.headers.emplace_back("Retry-After", "1");
    return busy;
  }
  auto files = TenantFiles::Open(*s.files, org_id);
  if (!files.ok()) return Fail(files.status());
  auto start = std::chrono::steady_clock::now();
  // Connects only where the organization's egress policy allows; a refusal is the caller's 403.
  ConnectionConfig target = config;
  auto egress = s.egress == nullptr ? nullptr : s.egress->ForOrg(org_id);
  target.egress = egress.get();
  // A test holds one of the shared threads: its connect and read time is capped whatever the
  // connection's own options say.
  if (!target.options.is_object()) target.options = nlohmann::json::object();
  for (const char* key : {"connect_timeout", "read_timeout"}) {
    const nlohmann::json v = target.options.value(key, nlohmann::json(nullptr));
    int64_t seconds = v.is_number_integer() ? v.get<int64_t>() : v.is_string() ? std::atoll(v.get<std::string>().c_str()) : 0;
    if (seconds <= 0 || seconds > 15) target.options[key] = 15;
  }
  Status st = TestConnection(target, &(*files)->sandbox());
  if (IsEgressRefusal(st)) return Fail(st);
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  nlohmann::json out = {{"ok", st.ok()}, {"latency_ms", ms}};
  out["error"] = st.ok() ? nlohmann::json(nullptr) : nlohmann::json(st.message());
  return HttpResponse::Json(200, out);
#else
  (void)config, (void)s, (void)org_id;
  return HttpResponse::Json(200, {{"ok", false}, {"latency_ms", 0}, {"error", "connection tests are not available in this build"}});
#endif
}

// A stored secret goes where the connection points. Pointing it elsewhere — host, port, type, or
// the options naming a URL or address — needs the secret again (or its removal), so whoever may
// edit a connection cannot send someone else's secret to a host of their choosing.
Status CheckSecretFollows(const nlohmann::json& old, const nlohmann::json& b) {
  if (!old.value("has_secret", false) || b.contains("secret")) return Status::OK();
  for (const char* field : {"type", "host", "port"}) {
    if (b.contains(field) && b[field] != old[field]) {
      return Status::InvalidArgument(std::string("/") + field + ": changing where the connection points needs its secret "
                                     "again; send `secret` too");
    }
  }
  // An Azure Blob connection without an endpoint goes to https://USER.blob.core.windows.net: its
  // account name says where the key or SAS token is sent.
  if (old.value("type", "") == "azure_blob" && b.contains("user") && b["user"] != old["user"]) {
    return Status::InvalidArgument("/user: changing the storage account needs its secret again; send `secret` too");
  }
  if (!b.contains("options")) return Status::OK();
  const nlohmann::json& was = old["options"].is_object() ? old["options"] : nlohmann::json::object();
  const nlohmann::json& now = b["options"].is_object() ? b["options"] : nlohmann::json::object();
  for (const char* key : {"base_url", "token_url", "endpoint", "connect_to"}) {
    nlohmann::json a = was.contains(key) ? was[key] : nlohmann::json(nullptr);
    nlohmann::json z = now.contains(key) ? now[key] : nlohmann::json(nullptr);
    if (a != z) {
      return Status::InvalidArgument(std::string("/options/") + key + ": changing where the connection points needs its "
                                     "secret again; send `secret` too");
    }
  }
  return Status::OK();
}

constexpr const char* kSelect =
    "SELECT id, name, type, host, port, database_name, user_name, secret_enc, options, created_at, updated_at FROM "
    "connections";

Result<nlohmann::json> LoadJson(Database& db, const std::string& org_id, const std::string& id) {
  auto r = db.Query(std::string(kSelect) + " WHERE id = ? AND org_id = ?", {id, org_id});
  if (!r.ok()) return r.status();
  if (r->rows.empty()) return Status::NotFound("connection not found");
  return ConnectionRowJson(r->rows[0]);
}

Status Duplicate(const Status& st) {
  return st.code() == StatusCode::kAlreadyExists ? Status::AlreadyExists("/name: a connection with this name exists")
                                                  : st;
}

}  // namespace

void RegisterConnectionRoutes(Router& router, const ApiServices& s) {
  Database* db = s.db;
  const SecretBox* box = s.secrets;

  router.Add({"GET", "/api/v1/connections", Access::kViewer, "connections", "Lists connections (secrets never shown).",
              nullptr, {}, 200, false, [db](const HttpRequest&, const Caller& c, const nlohmann::json&) {
                auto r = db->Query(std::string(kSelect) + " WHERE org_id = ? ORDER BY name", {c.org_id});
                if (!r.ok()) return Fail(r.status());
                nlohmann::json items = nlohmann::json::array();
                for (const DbRow& row : r->rows) items.push_back(ConnectionRowJson(row));
                return HttpResponse::Json(200, {{"items", items}});
              }});
  router.Add({"POST", "/api/v1/connections/test", Access::kDeveloper, "connections",
              "Tests an unsaved connection.", ConnectionSchema(true), {}, 200, true,
              [s](const HttpRequest&, const Caller& c, const nlohmann::json& b) {
                if (Status type = CheckConnectionType(b); !type.ok()) return Fail(type);
                return RunTest(FromBody(b), s, c.org_id);
              }});
  router.Add({"POST", "/api/v1/connections", Access::kDeveloper, "connections",
              "Creates a connection; the secret is encrypted and never returned.", ConnectionSchema(true), {}, 201, false,
              [db, box](const HttpRequest&, const Caller& c, const nlohmann::json& b) {
                if (Status type = CheckConnectionType(b); !type.ok()) return Fail(type);
                ConnectionConfig cfg = FromBody(b);
                std::string id = NewId(), now = NowIso8601();
                DbValue secret = nullptr;
                if (b.contains("secret") && b["secret"].is_string()) {
                  auto enc = box->Encrypt(cfg.secret, id);
                  if (!enc.ok()) return Fail(enc.status());
                  secret = *enc;
                }
                Status st = db->Transact([&](DbConnection& conn) -> Status {
                  auto ins = conn.Query(
                      "INSERT INTO connections (id, org_id, name, type, host, port, database_name, user_name, secret_enc, "
                      "options, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      {id, c.org_id, cfg.name, cfg.type, cfg.host, int64_t{cfg.port}, cfg.database, cfg.user, secret,
                       cfg.options.dump(), now, now});
                  if (!ins.ok()) return Duplicate(ins.status());
                  return WriteAudit(conn, {c.org_id, c.Actor(), "connection.create", "connection", id, nullptr, b});
                });
                if (!st.ok()) return Fail(st);
                auto out = LoadJson(*db, c.org_id, id);
                return out.ok() ? HttpResponse::Json(201, *out) : Fail(out.status());
              }});
  router.Add({"GET", "/api/v1/connections/{id}", Access::kViewer, "connections", "Returns a connection (no secret).",
              nullptr, {}, 200, false, [db](const HttpRequest& req, const Caller& c, const nlohmann::json&) {
                auto out = LoadJson(*db, c.org_id, req.Param("id"));
                return out.ok() ? HttpResponse::Json(200, *out) : Fail(out.status());
              }});
  router.Add({"PUT", "/api/v1/connections/{id}", Access::kDeveloper, "connections",
              "Updates a connection; omit `secret` to keep it, null to remove it.", ConnectionSchema(false), {}, 200,
              false, [db, box](const HttpRequest& req, const Caller& c, const nlohmann::json& b) {
                const std::string& id = req.Param("id");
                auto before = LoadJson(*db, c.org_id, id);
                if (!before.ok()) return Fail(before.status());
                const nlohmann::json& old = *before;
                if (Status type = CheckConnectionType(b, old.value("type", "")); !type.ok()) return Fail(type);
                if (Status moved = CheckSecretFollows(old, b); !moved.ok()) return Fail(moved);
                std::string sql = "UPDATE connections SET name = ?, type = ?, host = ?, port = ?, database_name = ?, "
                                  "user_name = ?, options = ?, updated_at = ?";
                DbParams params = {b.value("name", old["name"].get<std::string>()),
                                   b.value("type", old["type"].get<std::string>()),
                                   b.value("host", old["host"].get<std::string>()),
                                   b.value("port", old["port"].get<int64_t>()),
                                   b.value("database", old["database"].get<std::string>()),
                                   b.value("user", old["user"].get<std::string>()),
                                   b.value("options", old["options"]).dump(),
                                   NowIso8601()};
                if (b.contains("secret")) {
                  sql += ", secret_enc = ?";
                  if (b["secret"].is_string()) {
                    auto enc = box->Encrypt(b["secret"].get<std::string>(), id);
                    if (!enc.ok()) return Fail(enc.status());
                    params.push_back(*enc);
                  } else {
                    params.push_back(nullptr);
                  }
                }
                sql += " WHERE id = ? AND org_id = ?";
                params.push_back(id);
                params.push_back(c.org_id);
                Status st = db->Transact([&](DbConnection& conn) -> Status {
                  auto up = conn.Query(sql, params);
                  if (!up.ok()) return Duplicate(up.status());
                  return WriteAudit(conn, {c.org_id, c.Actor(), "connection.update", "connection", id, old, b});
                });
                if (!st.ok()) return Fail(st);
                auto out = LoadJson(*db, c.org_id, id);
                return out.ok() ? HttpResponse::Json(200, *out) : Fail(out.status());
              }});
  router.Add({"DELETE", "/api/v1/connections/{id}", Access::kDeveloper, "connections", "Deletes a connection.",
              nullptr, {}, 204, false, [db](const HttpRequest& req, const Caller& c, const nlohmann::json&) {
                const std::string& id = req.Param("id");
                auto before = LoadJson(*db, c.org_id, id);
                if (!before.ok()) return Fail(before.status());
                return DeleteAudited(*db, c, "connections", "connection", id, *before);
              }});
  router.Add({"POST", "/api/v1/connections/{id}/test", Access::kDeveloper, "connections",
              "Tests a saved connection.", nullptr, {}, 200, true,
              [s, db, box](const HttpRequest& req, const Caller& c, const nlohmann::json&) {
                auto cfg = LoadConnectionById(*db, *box, c.org_id, req.Param("id"));
                if (!cfg.ok()) return Fail(cfg.status());
                return RunTest(*cfg, s, c.org_id);
              }});
}

}  // namespace logidata

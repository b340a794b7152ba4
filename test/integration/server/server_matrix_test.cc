// The role × endpoint matrix, bad-input checks and a randomized fuzz of every endpoint of the
// server's OpenAPI document, over real HTTP on SQLite and PostgreSQL. The minimal role each
// endpoint needs is written below in kExpectedRoles — not read back from the document's
// `x-required-role` — and every endpoint of the document must have a row there.
#include "json_api_server.h"
#include "server_harness.h"

namespace logidata::testing {
namespace {


// The minimal role of every endpoint: "public" (no credentials), "user" (any signed-in user, with
// or without an organization), then "viewer" < "developer" < "admin" of the organization.
// A new endpoint fails MatrixTest until its row is added here (and, if it takes ids or a body,
// Fill/ValidBody below learn how to make valid ones).
struct ExpectedRole {
  const char* method;
  const char* path;
  const char* role;
};
constexpr ExpectedRole kExpectedRoles[] = {
    {"GET", "/health", "public"},
    {"GET", "/health/live", "public"},
    {"GET", "/health/ready", "public"},
    {"GET", "/metrics", "public"},
    {"GET", "/api/openapi.json", "public"},
    {"GET", "/docs", "public"},
    {"GET", "/docs/docs.js", "public"},
    {"POST", "/api/v1/auth/register", "public"},
    {"POST", "/api/v1/auth/login", "public"},
    {"POST", "/api/v1/auth/refresh", "public"},
    {"POST", "/api/v1/auth/logout", "public"},
    {"POST", "/api/v1/auth/accept-invite", "public"},
    {"GET", "/api/v1/me", "user"},
    {"POST", "/api/v1/me/password", "user"},
    {"GET", "/api/v1/modules", "user"},
    {"GET", "/api/v1/organizations", "user"},
    {"POST", "/api/v1/organizations", "user"},
    {"GET", "/api/v1/members", "admin"},
    {"POST", "/api/v1/members", "admin"},
    {"PATCH", "/api/v1/members/{user_id}", "admin"},
    {"DELETE", "/api/v1/members/{user_id}", "admin"},
    {"POST", "/api/v1/members/{user_id}/deactivate", "admin"},
    {"POST", "/api/v1/members/{user_id}/activate", "admin"},
    {"GET", "/api/v1/invitations", "admin"},
    {"POST", "/api/v1/invitations", "admin"},
    {"DELETE", "/api/v1/invitations/{id}", "admin"},
    {"GET", "/api/v1/api-keys", "admin"},
    {"POST", "/api/v1/api-keys", "admin"},
    {"DELETE", "/api/v1/api-keys/{id}", "admin"},
    {"GET", "/api/v1/audit", "admin"},
    {"GET", "/api/v1/organization/egress", "viewer"},
    {"PUT", "/api/v1/organization/egress", "admin"},
    {"GET", "/api/v1/organization/retention", "admin"},
    {"GET", "/api/v1/organization/assist", "admin"},
    {"PUT", "/api/v1/organization/assist", "admin"},
    {"DELETE", "/api/v1/organization/assist", "admin"},
    {"GET", "/api/v1/assist/status", "viewer"},
    {"POST", "/api/v1/assist/propose", "developer"},
    {"POST", "/api/v1/assist/check", "developer"},
    {"PUT", "/api/v1/organization/retention", "admin"},
    {"GET", "/api/v1/connections", "viewer"},
    {"POST", "/api/v1/connections", "developer"},
    {"POST", "/api/v1/connections/test", "developer"},
    {"GET", "/api/v1/connections/{id}", "viewer"},
    {"PUT", "/api/v1/connections/{id}", "developer"},
    {"DELETE", "/api/v1/connections/{id}", "developer"},
    {"POST", "/api/v1/connections/{id}/test", "developer"},
    {"POST", "/api/v1/expressions/check", "viewer"},
    {"GET", "/api/v1/notifications", "viewer"},
    {"POST", "/api/v1/notifications", "developer"},
    {"GET", "/api/v1/notifications/{id}", "viewer"},
    {"PUT", "/api/v1/notifications/{id}", "developer"},
    {"DELETE", "/api/v1/notifications/{id}", "developer"},
    {"POST", "/api/v1/notifications/{id}/test", "developer"},
    {"GET", "/api/v1/pipelines", "viewer"},
    {"POST", "/api/v1/pipelines", "developer"},
    {"POST", "/api/v1/pipelines/import", "developer"},
    {"POST", "/api/v1/pipelines/validate", "viewer"},
    {"GET", "/api/v1/pipelines/{id}", "viewer"},
    {"PUT", "/api/v1/pipelines/{id}", "developer"},
    {"DELETE", "/api/v1/pipelines/{id}", "developer"},
    {"POST", "/api/v1/pipelines/{id}/clone", "developer"},
    {"GET", "/api/v1/pipelines/{id}/export", "viewer"},
    {"GET", "/api/v1/pipelines/{id}/previews", "viewer"},
    {"POST", "/api/v1/pipelines/{id}/runs", "developer"},
    {"POST", "/api/v1/pipelines/{id}/schema", "viewer"},
    {"POST", "/api/v1/pipelines/{id}/profile", "viewer"},
    {"GET", "/api/v1/pipelines/{id}/versions", "viewer"},
    {"GET", "/api/v1/pipelines/{id}/versions/{v}", "viewer"},
    {"POST", "/api/v1/pipelines/{id}/versions/{v}/restore", "developer"},
    {"GET", "/api/v1/pipelines/{id}/triggers", "viewer"},
    {"POST", "/api/v1/pipelines/{id}/triggers", "developer"},
    {"DELETE", "/api/v1/pipelines/{id}/triggers/{trigger_id}", "developer"},
    {"POST", "/api/v1/pipelines/{id}/backfill", "developer"},
    {"POST", "/api/v1/hooks/{trigger_id}", "public"},
    {"POST", "/api/v1/preview", "developer"},
    {"GET", "/api/v1/previews/{id}", "viewer"},
    {"GET", "/api/v1/runs", "viewer"},
    {"GET", "/api/v1/runs/{id}", "viewer"},
    {"POST", "/api/v1/runs/{id}/cancel", "developer"},
    {"GET", "/api/v1/runs/{id}/logs", "viewer"},
    {"GET", "/api/v1/runs/{id}/nodes", "viewer"},
    {"POST", "/api/v1/runs/{id}/retry", "developer"},
    {"GET", "/api/v1/templates", "viewer"},
    {"POST", "/api/v1/templates", "developer"},
    {"GET", "/api/v1/templates/{id}", "viewer"},
    {"PUT", "/api/v1/templates/{id}", "developer"},
    {"DELETE", "/api/v1/templates/{id}", "developer"},
    {"GET", "/api/v1/files", "viewer"},
    {"DELETE", "/api/v1/files", "developer"},
    {"GET", "/api/v1/files/content", "developer"},
    {"PUT", "/api/v1/files/content", "developer"},
};

// "" when the endpoint has no row.
std::string ExpectedRoleOf(const std::string& method, const std::string& path) {
  for (const ExpectedRole& e : kExpectedRoles) {
    if (method == e.method && path == e.path) return e.role;
  }
  return "";
}

int Rank(const std::string& role) {
  if (role == "admin") return 3;
  if (role == "developer") return 2;
  if (role == "viewer") return 1;
  return 0;  // public / user
}

struct Op {
  std::string method, path;
  json spec;
  std::string role() const { return ExpectedRoleOf(method, path); }
  bool HasBody() const { return spec.contains("requestBody"); }
  json BodySchema() const { return spec["requestBody"]["content"]["application/json"]["schema"]; }
};

class MatrixTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string url;
    if (GetParam() == "postgres") {
      LD_REQUIRE_POSTGRES();
      url = SharedPostgres::Get()->NewDatabase(Unique("ld_m"));
    }
    dir_ = MakeTempDir("ld-matrix");
    csv_ = dir_ + "/in.csv";
    std::ofstream(csv_) << "id,amount\n1,5\n2,9\n";
    ASSERT_TRUE(server_.Start(dir_ + "/data", url, {"--max-body", "1048576", "--files-root", "test=" + dir_ + ":rw", "--allow-egress", "127.0.0.0/8"}));
    c_ = std::make_unique<HttpClient>(server_.Client());
    // The natural-language endpoint's stand-in (OpenAI chat completions on loopback): every
    // proposal is a filter that binds against Doc()'s columns.
    model_ = std::make_unique<JsonApiServer>([](const JsonApiServer::Request&) {
      return JsonApiServer::Reply{200, json{{"choices", {{{"message", {{"content", R"({"expression": "amount > 1"})"}}}}}}}.dump(), {}};
    });
    json doc = c_->Call("GET", "/api/openapi.json").Json();
    for (auto& [path, methods] : doc["paths"].items()) {
      for (auto& [method, spec] : methods.items()) {
        std::string m = method;
        for (char& ch : m) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        ops_.push_back({m, path, spec});
      }
    }
    ASSERT_GT(ops_.size(), 40u);
    // Every endpoint the server serves has its expected role written in this test, and every row
    // still names an endpoint.
    std::set<std::string> served;
    for (const Op& op : ops_) {
      served.insert(op.method + " " + op.path);
      EXPECT_NE(op.role(), "") << op.method << " " << op.path
                               << " is missing from kExpectedRoles in server_matrix_test.cc: add its minimal role";
    }
    for (const ExpectedRole& e : kExpectedRoles) {
      EXPECT_TRUE(served.count(std::string(e.method) + " " + e.path)) << e.method << " " << e.path << " is not served";
    }
    for (const char* path : {"/api/v1/notifications/{id}/test", "/api/v1/templates/{id}", "/api/v1/previews/{id}",
                             "/api/v1/pipelines/{id}/previews"}) {
      ASSERT_TRUE(doc["paths"].contains(path)) << path << " is missing from the matrix";
    }
    // Organization A: owner (admin), a developer and a viewer; B: a foreign user.
    std::tie(owner_, developer_, viewer_, foreign_) = RegisterOwnerDeveloperViewerForeign(*c_);
    org_ = owner_.org_id;
  }
  void TearDown() override {
    server_.Stop();
    std::error_code ec;
    if (!HasFailure()) fs::remove_all(dir_, ec);
  }

  json Doc(const std::string& name) const {
    return {{"name", name},
            {"nodes",
             {{{"id", "src"}, {"type", "extract"}, {"module", "csv"}, {"config", {{"path", csv_}}}},
              {{"id", "out"}, {"type", "load"}, {"module", "csv"}, {"config", {{"path", dir_ + "/" + name + ".csv"}}}}}},
            {"edges", {{{"source", "src"}, {"target", "out"}}}}};
  }

  // Fresh objects of organization A for one request (destructive calls get their own).
  std::map<std::string, std::string> FreshIds() {
    std::map<std::string, std::string> ids;
    auto p = c_->Call("POST", "/api/v1/pipelines", Doc(Unique("p")).dump(), owner_.Auth()).Json();
    ids["pipeline"] = p["id"];
    // A webhook trigger of that pipeline (deleted by its DELETE), and a scheduled pipeline to backfill.
    auto trigger = c_->Call("POST", "/api/v1/pipelines/" + ids["pipeline"] + "/triggers", json{{"kind", "webhook"}}.dump(),
                            owner_.Auth()).Json();
    ids["trigger"] = trigger.value("id", "");
    json scheduled = Doc(Unique("s"));
    scheduled["schedule"] = {{"cron", "0 0 * * *"}, {"enabled", false}};
    ids["scheduled_pipeline"] = c_->Call("POST", "/api/v1/pipelines", scheduled.dump(), owner_.Auth()).Json().value("id", "");
    auto run = c_->Call("POST", "/api/v1/pipelines/" + ids["pipeline"] + "/runs", "{}", owner_.Auth()).Json();
    ids["run"] = run["id"];
    // On loopback (allowed to this server): the connection test gets as far as connecting.
    auto conn = c_->Call("POST", "/api/v1/connections",
                         json{{"name", Unique("c")}, {"type", "postgres"}, {"host", "127.0.0.1"}, {"port", 1}, {"secret", "s3cret"}}.dump(),
                         owner_.Auth()).Json();
    ids["connection"] = conn["id"];
    auto key = c_->Call("POST", "/api/v1/api-keys", json{{"name", "k"}, {"role", "viewer"}}.dump(), owner_.Auth()).Json();
    ids["api_key"] = key["id"];
    // A member of organization A only (created by its admin), so it may also be deactivated.
    std::string spare_email = Unique("spare") + "@example.com";
    auto spare = c_->Call("POST", "/api/v1/members",
                          json{{"email", spare_email}, {"role", "viewer"}, {"temporary_password", "Temp-passw0rd"}}.dump(),
                          owner_.Auth()).Json();
    ids["member"] = spare.value("user_id", "");
    ids["spare_email"] = spare_email;
    auto invitation = c_->Call("POST", "/api/v1/invitations", json{{"email", Unique("inv") + "@example.com"}, {"role", "viewer"}}.dump(),
                               owner_.Auth()).Json();
    ids["invitation"] = invitation.value("id", "");
    ids["invitation_token"] = invitation.value("token", "");
    // Email without an SMTP server configured: the test endpoint answers {ok: false} at once.
    auto note = c_->Call("POST", "/api/v1/notifications",
                         json{{"name", "n"}, {"channel", "email"}, {"to", {"a@example.com"}}, {"events", {"run.failed"}}}.dump(),
                         owner_.Auth()).Json();
    ids["notification"] = note["id"];
    auto tmpl = c_->Call("POST", "/api/v1/templates",
                         json{{"name", Unique("t")}, {"module", "extract.csv"}, {"config", {{"path", csv_}}}}.dump(),
                         owner_.Auth()).Json();
    ids["template"] = tmpl["id"];
    auto preview = c_->Call("POST", "/api/v1/preview",
                            json{{"pipeline", Doc("pv")}, {"node_id", "src"}, {"pipeline_id", ids["pipeline"]}}.dump(),
                            owner_.Auth()).Json();
    ids["preview"] = preview["preview_id"];
    ids["file"] = Unique("f") + ".csv";
    c_->Call("PUT", "/api/v1/files/content?path=" + ids["file"], "id\n1\n", owner_.Auth());
    // The natural-language endpoint (removed by its DELETE), for the proposal routes.
    c_->Call("PUT", "/api/v1/organization/assist", AssistSettings().dump(), owner_.Auth());
    return ids;
  }

  std::string Fill(const Op& op, std::map<std::string, std::string>& ids) const {
    std::string path = op.path;
    auto replace = [&](const std::string& what, const std::string& with) {
      size_t pos = path.find(what);
      if (pos != std::string::npos) path.replace(pos, what.size(), with);
    };
    if (path.find("/backfill") != std::string::npos) replace("{id}", ids["scheduled_pipeline"]);
    replace("{trigger_id}", ids["trigger"]);
    if (path.find("/runs/{id}") != std::string::npos) replace("{id}", ids["run"]);
    if (path.find("/connections/{id}") != std::string::npos) replace("{id}", ids["connection"]);
    if (path.find("/api-keys/{id}") != std::string::npos) replace("{id}", ids["api_key"]);
    if (path.find("/notifications/{id}") != std::string::npos) replace("{id}", ids["notification"]);
    if (path.find("/templates/{id}") != std::string::npos) replace("{id}", ids["template"]);
    if (path.find("/previews/{id}") != std::string::npos) replace("{id}", ids["preview"]);
    if (path.find("/invitations/{id}") != std::string::npos) replace("{id}", ids["invitation"]);
    replace("{id}", ids["pipeline"]);
    replace("{v}", "1");
    replace("{user_id}", ids["member"]);
    // The files endpoints name their file in the query.
    if (path == "/api/v1/files/content" || (path == "/api/v1/files" && op.method == "DELETE")) {
      path += "?path=" + (op.method == "PUT" ? Unique("up") + ".csv" : ids["file"]);
    }
    return path;
  }

  // A valid body for each route that takes one.
  std::string ValidBody(const Op& op, std::map<std::string, std::string>& ids) const {
    const std::string& p = op.path;
    if (p == "/api/v1/auth/register") return json{{"email", Unique("r") + "@example.com"}, {"password", "Passw0rd-long"}, {"name", "R"}}.dump();
    if (p == "/api/v1/auth/login") return json{{"email", "nobody@example.com"}, {"password", "x"}}.dump();
    if (p == "/api/v1/auth/refresh" || p == "/api/v1/auth/logout") return json{{"refresh_token", "nope"}}.dump();
    if (p == "/api/v1/organizations") return json{{"name", "Org"}}.dump();
    if (p == "/api/v1/organization/egress") return json{{"allow", {"10.20.0.0/16"}}}.dump();
    if (p == "/api/v1/members" && op.method == "POST") return json{{"email", Register(*c_, "add").email}, {"role", "viewer"}}.dump();
    if (p == "/api/v1/members/{user_id}") return json{{"role", "developer"}}.dump();
    if (p == "/api/v1/api-keys") return json{{"name", "n"}, {"role", "viewer"}}.dump();
    if (p == "/api/v1/invitations") return json{{"email", Unique("i") + "@example.com"}, {"role", "viewer"}}.dump();
    if (p == "/api/v1/auth/accept-invite") return json{{"token", "inv_nope"}, {"password", "Passw0rd-long"}, {"name", "I"}}.dump();
    if (p == "/api/v1/pipelines" || p == "/api/v1/pipelines/import" || p == "/api/v1/pipelines/validate") {
      return Doc(Unique("b")).dump();
    }
    if (p == "/api/v1/pipelines/{id}" && op.method == "PUT") {
      json d = Doc(Unique("u"));
      d["version"] = 1;
      return d.dump();
    }
    if (p == "/api/v1/pipelines/{id}/clone") return json{{"name", "clone"}}.dump();
    if (p == "/api/v1/pipelines/{id}/runs") return json{{"parameters", {{"a", "1"}}}}.dump();
    if (p == "/api/v1/pipelines/{id}/schema") return json{{"node_id", "src"}}.dump();
    if (p == "/api/v1/pipelines/{id}/profile") return json{{"node_id", "src"}, {"rows", 10}}.dump();
    if (p == "/api/v1/pipelines/{id}/triggers") return json{{"kind", "webhook"}, {"parameters", {{"a", "1"}}}}.dump();
    if (p == "/api/v1/pipelines/{id}/backfill") {
      return json{{"start", "2026-01-01"}, {"end", "2026-01-03"}, {"parameters", {{"a", "1"}}}}.dump();
    }
    if (p == "/api/v1/organization/retention") return json{{"retention_days", 30}}.dump();
    if (p == "/api/v1/organization/assist") return AssistSettings().dump();
    if (p == "/api/v1/assist/propose") {
      return json{{"kind", "filter"}, {"request", "amounts over 1"}, {"pipeline", Doc("as")}, {"node_id", "src"}}.dump();
    }
    if (p == "/api/v1/assist/check") {
      return json{{"kind", "filter"}, {"proposal", {{"expression", "amount > 1"}}}, {"pipeline", Doc("as")}, {"node_id", "src"}}.dump();
    }
    if (p == "/api/v1/preview") return json{{"pipeline", Doc("pv")}, {"node_id", "src"}, {"limit", 5}}.dump();
    if (p == "/api/v1/expressions/check") return json{{"pipeline", Doc("ex")}, {"node_id", "out"}, {"expression", "amount > 1"}}.dump();
    if (p == "/api/v1/notifications") {
      return json{{"name", "hook"}, {"channel", "webhook"}, {"url", "http://127.0.0.1:9/hook"}, {"events", {"run.failed"}}}.dump();
    }
    if (p == "/api/v1/notifications/{id}") return json{{"name", "renamed"}, {"events", {"run.succeeded"}}}.dump();
    if (p == "/api/v1/templates") return json{{"name", Unique("t")}, {"module", "extract.csv"}, {"config", {{"path", "a.csv"}}}}.dump();
    if (p == "/api/v1/templates/{id}") return json{{"description", "changed"}}.dump();
    if (p == "/api/v1/connections/{id}" && op.method == "PUT") {
      // Pointing a saved connection elsewhere needs its secret again.
      return json{{"name", Unique("c")}, {"type", "sqlite"}, {"database", dir_ + "/x.db"}, {"secret", "again"}}.dump();
    }
    if (p.rfind("/api/v1/connections", 0) == 0) return json{{"name", Unique("c")}, {"type", "sqlite"}, {"database", dir_ + "/x.db"}}.dump();
    return op.HasBody() ? "{}" : "";
  }

  json AssistSettings() const {
    return {{"base_url", model_->Base() + "/v1"}, {"model", "stand-in"}, {"api_key", "sk-matrix"}};
  }

  std::string dir_, csv_, org_;
  std::unique_ptr<JsonApiServer> model_;
  ServerProcess server_;
  std::unique_ptr<HttpClient> c_;
  std::vector<Op> ops_;
  Session owner_, developer_, viewer_, foreign_;
};

TEST_P(MatrixTest, EveryEndpointEveryRoleAndBadCredentials) {
  int64_t now = UnixNowSeconds();
  Jwt jwt(JwtKey());
  std::string expired = jwt.Sign({{"sub", owner_.user_id}, {"iat", now - 2000}, {"exp", now - 10}}, 0);
  // Tampered: the payload names another user but keeps the owner's signature.
  std::string valid = owner_.access;
  size_t d1 = valid.find('.'), d2 = valid.rfind('.');
  std::string tampered = valid.substr(0, d1 + 1) +
                         Base64UrlEncode(json{{"sub", foreign_.user_id}, {"exp", now + 900}, {"iat", now}}.dump()) +
                         valid.substr(d2);
  std::string none = Base64UrlEncode(R"({"alg":"none","typ":"JWT"})") + "." +
                     Base64UrlEncode(json{{"sub", owner_.user_id}, {"exp", now + 900}, {"iat", now}}.dump()) + ".";
  struct BadCred {
    const char* name;
    std::vector<std::string> headers;
  };
  std::vector<BadCred> bad = {{"no token", {}},
                              {"expired", {"Authorization: Bearer " + expired}},
                              {"tampered", {"Authorization: Bearer " + tampered}},
                              {"alg none", {"Authorization: Bearer " + none}},
                              {"garbage", {"Authorization: Bearer abc.def"}},
                              {"bad api key", {"Authorization: Bearer ld_notakey"}}};
  struct Who {
    const char* name;
    Session* s;
    std::string role;
  };
  std::vector<Who> members = {{"viewer", &viewer_, "viewer"}, {"developer", &developer_, "developer"}, {"admin", &owner_, "admin"}};
  int checked = 0;
  for (const Op& op : ops_) {
    if (op.path == "/api/openapi.json" || op.role() == "public") continue;
    auto ids = FreshIds();
    std::string path = Fill(op, ids);
    for (const auto& b : bad) {
      auto r = c_->Call(op.method, path, ValidBody(op, ids), b.headers);
      EXPECT_EQ(r.status, 401) << op.method << " " << op.path << " with " << b.name << ": " << r.body;
      EXPECT_EQ(r.Header("content-type"), "application/problem+json");
      ++checked;
    }
    for (const Who& w : members) {
      auto fresh = op.method == "GET" ? ids : FreshIds();
      std::string p = Fill(op, fresh);
      std::string body = op.path == "/api/v1/me/password"
                             ? json{{"current_password", w.s->password}, {"new_password", w.s->password}}.dump()
                             : ValidBody(op, fresh);
      auto r = c_->Call(op.method, p, body, w.s->Auth(org_));
      if (op.path == "/api/v1/me/password" && r.status == 204) {
        // A password change signs the user out everywhere: sign in again for the next endpoints.
        auto login = c_->Call("POST", "/api/v1/auth/login", json{{"email", w.s->email}, {"password", w.s->password}}.dump());
        ASSERT_EQ(login.status, 200) << login.body;
        w.s->access = login.Json()["access_token"];
        w.s->refresh = login.Json()["refresh_token"];
      }
      SCOPED_TRACE(std::string(op.method) + " " + op.path + " as " + w.name + ": " + std::to_string(r.status) + " " + r.body);
      if (Rank(w.role) < Rank(op.role())) {
        EXPECT_EQ(r.status, 403);
      } else {
        // Cancel and retry depend on the run's state at that moment (409 = state conflict).
        bool state_dependent = op.path.find("/cancel") != std::string::npos || op.path.find("/retry") != std::string::npos;
        EXPECT_TRUE((r.status >= 200 && r.status < 300) || (state_dependent && r.status == 409))
            << "allowed role must succeed";
      }
      ++checked;
    }
    // A foreign organization never sees organization A's objects.
    bool has_id = op.path.find('{') != std::string::npos;
    auto r = c_->Call(op.method, path, ValidBody(op, ids), foreign_.Auth());
    if (has_id) {
      EXPECT_EQ(r.status, 404) << op.method << " " << op.path << " as foreign: " << r.body;
    } else {
      EXPECT_LT(r.status, 500);
      for (const auto& [kind, id] : ids) {
        if (kind != "spare_email") EXPECT_EQ(r.body.find(id), std::string::npos) << op.path << " leaks " << kind;
      }
    }
    auto header = c_->Call(op.method, path, ValidBody(op, ids), foreign_.Auth(org_));
    if (op.role() != "user") {
      EXPECT_EQ(header.status, 404) << op.method << " " << op.path << " with a foreign X-Organization";
    }
    checked += 2;
  }
  EXPECT_GT(checked, 400);
}

TEST_P(MatrixTest, BadInputAnswersProblemJsonNamingTheField) {
  auto ids = FreshIds();
  for (const Op& op : ops_) {
    if (!op.HasBody()) continue;
    std::string path = Fill(op, ids);
    auto auth = owner_.Auth(org_);
    json schema = op.BodySchema();
    SCOPED_TRACE(op.method + " " + op.path);
    auto check = [&](const std::string& body, const std::string& field, const char* what) {
      auto r = c_->Call(op.method, path, body, auth);
      EXPECT_GE(r.status, 400) << what << ": " << r.body;
      EXPECT_LT(r.status, 500) << what << ": " << r.body;
      EXPECT_EQ(r.Header("content-type"), "application/problem+json") << what;
      if (!field.empty()) {
        bool named = false;
        for (auto& e : r.Json().value("errors", json::array())) named = named || e.value("field", "") == field;
        EXPECT_TRUE(named) << what << " should name " << field << ": " << r.body;
      }
    };
    check("{\"name\": ", "/", "malformed JSON");
    check("[1, 2, 3]", "/", "wrong top-level type");
    check("{\"name\": 1e999}", "/", "number out of range");  // was an uncaught out_of_range: a 500
    check(std::string(1100 * 1024, ' ') + "{}", "", "huge body");
    if (!schema.contains("properties")) continue;
    for (auto& [name, prop] : schema["properties"].items()) {
      json body = json::parse(ValidBody(op, ids));
      std::string type = prop.value("type", json("")).is_string() ? prop.value("type", "") : "";
      body[name] = type == "string" ? json(12345) : json("not-a-" + type);
      if (type.empty()) continue;
      check(body.dump(), "/" + name, "wrong type");
    }
    for (auto& name : schema.value("required", json::array())) {
      json body = json::parse(ValidBody(op, ids));
      body.erase(name.get<std::string>());
      check(body.dump(), "/" + name.get<std::string>(), "missing field");
    }
    if (schema.value("additionalProperties", true) == false) {
      json body = json::parse(ValidBody(op, ids));
      body["surprise"] = 1;
      check(body.dump(), "/surprise", "unknown field");
    }
  }
  // Pipeline documents are checked by the engine's parser: fields are named too.
  json doc = Doc("bad");
  doc["nodes"][0].erase("id");
  doc["bogus"] = true;
  auto r = c_->Call("POST", "/api/v1/pipelines", doc.dump(), owner_.Auth());
  EXPECT_EQ(r.status, 400);
  std::set<std::string> fields;
  json problem = r.Json();
  for (auto& e : problem["errors"]) fields.insert(e["field"].get<std::string>());
  EXPECT_TRUE(fields.count("/nodes/0/id")) << r.body;
  EXPECT_TRUE(fields.count("/bogus")) << r.body;
  auto q = c_->Call("GET", "/api/v1/pipelines?page=abc", "", owner_.Auth());
  EXPECT_EQ(q.status, 400);
  EXPECT_EQ(q.Json()["errors"][0]["field"], "?page");
}

json RandomJson(std::mt19937& rng, int depth) {
  static const std::vector<json> atoms = {nullptr, true, false, 0, -1, 1e308, 9223372036854775807LL, "", "x",
                                          "' OR 1=1 --", "../../etc/passwd", "\u00e9\u4e2d", std::string(3000, 'a'),
                                          "%00", "{{7*7}}", "admin", "viewer", "* * * * *"};
  int kind = static_cast<int>(rng() % (depth > 3 ? 1 : 3));
  if (kind == 0) return atoms[rng() % atoms.size()];
  if (kind == 1) {
    json a = json::array();
    for (int i = 0, n = static_cast<int>(rng() % 4); i < n; ++i) a.push_back(RandomJson(rng, depth + 1));
    return a;
  }
  static const std::vector<std::string> keys = {"name", "email", "password", "role", "nodes", "edges", "id", "type",
                                                "module", "config", "version", "parameters", "pipeline", "node_id",
                                                "limit", "offset", "expression", "secret", "schedule", "cron", "x"};
  json o = json::object();
  for (int i = 0, n = static_cast<int>(rng() % 5); i < n; ++i) o[keys[rng() % keys.size()]] = RandomJson(rng, depth + 1);
  return o;
}

TEST_P(MatrixTest, RandomizedFuzzFindsNo5xxAndNoCrash) {
  std::mt19937 rng(12345);
  auto ids = FreshIds();
  std::vector<std::vector<std::string>> auths = {owner_.Auth(org_), developer_.Auth(org_), viewer_.Auth(org_),
                                                 foreign_.Auth(), {}};
  static const std::vector<std::string> segments = {"1", "0", "-1", "%27%20OR%201%3D1", "..", "%2e%2e", "x%00y",
                                                    std::string(300, 'z'), "%ff%fe"};
  int requests = 0;
  for (int i = 0; i < 1500; ++i) {
    const Op& op = ops_[rng() % ops_.size()];
    std::string path = Fill(op, ids);
    if (rng() % 3 == 0) {
      // Replace an id segment with garbage.
      size_t slash = path.rfind('/');
      path = path.substr(0, slash + 1) + segments[rng() % segments.size()];
    }
    if (rng() % 2 == 0) {
      path += "?page=" + std::to_string(static_cast<int>(rng() % 5) - 1) + "&page_size=" + segments[rng() % segments.size()] +
              "&q=" + segments[rng() % segments.size()] + "&status=" + segments[rng() % segments.size()] +
              "&after=" + segments[rng() % segments.size()];
    }
    std::string body;
    if (op.HasBody()) {
      json j = RandomJson(rng, 0);
      if (rng() % 3 == 0) j = json::parse(ValidBody(op, ids));
      if (rng() % 4 == 0 && j.is_object()) j["extra"] = RandomJson(rng, 1);
      body = j.dump();
      if (rng() % 10 == 0) body = body.substr(0, body.size() / 2);  // truncated
    }
    auto r = c_->Call(op.method, path, body, auths[rng() % auths.size()]);
    ASSERT_NE(r.status, -1) << "server died on " << op.method << " " << path << " " << body.substr(0, 300);
    EXPECT_LT(r.status, 500) << op.method << " " << path << " " << body.substr(0, 300) << " -> " << r.body;
    ++requests;
  }
  EXPECT_TRUE(server_.Alive());
  EXPECT_EQ(requests, 1500);
}

INSTANTIATE_TEST_SUITE_P(Backends, MatrixTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace logidata::testing

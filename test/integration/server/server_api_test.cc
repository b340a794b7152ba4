// API tests over real HTTP against a running `logidata server`, on SQLite and PostgreSQL.
#include <sqlite3.h>

#include "metadata/database.h"
#include "server_harness.h"

namespace logidata::testing {
namespace {


json PipelineDoc(const std::string& name, const std::string& input, const std::string& output) {
  return {{"name", name},
          {"description", "test pipeline"},
          {"nodes",
           {{{"id", "src"}, {"type", "extract"}, {"module", "csv"}, {"config", {{"path", input}}}},
            {{"id", "flt"}, {"type", "transform"}, {"module", "filter"}, {"config", {{"expression", "amount > 1"}}}},
            {{"id", "out"}, {"type", "load"}, {"module", "csv"}, {"config", {{"path", output}}}}}},
          {"edges", {{{"source", "src"}, {"target", "flt"}}, {{"source", "flt"}, {"target", "out"}}}}};
}

class ServerApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres") {
      LD_REQUIRE_POSTGRES();
      std::string db = Unique("ld_t");
      database_url_ = SharedPostgres::Get()->NewDatabase(db);
    }
    dir_ = MakeTempDir("ld-server");
    web_root_ = dir_ + "/web";
    fs::create_directories(web_root_ + "/assets");
    std::ofstream(web_root_ + "/index.html") << "<!doctype html><title>Logidata UI</title>";
    std::ofstream(web_root_ + "/assets/app.js") << "console.log('ui');";
    input_csv_ = dir_ + "/orders.csv";
    std::ofstream(input_csv_) << "id,amount,name\n1,5,alpha\n2,1,beta\n3,7,gamma\n";
    ASSERT_TRUE(StartServer()) << ReadFile(dir_ + "/data/server.err");
  }
  void TearDown() override {
    server_.Stop();
    std::error_code ec;
    if (!HasFailure()) fs::remove_all(dir_, ec);
  }
  bool StartServer(std::vector<std::string> extra = {}) {
    // The test's folder is granted as a root, so pipelines may name its files by absolute path.
    std::vector<std::string> args = {"--web-root", web_root_, "--cors-origin", "http://ui.example",
                                     "--files-root", "test=" + dir_ + ":rw",
                                     // The test servers (PostgreSQL, REST) listen on loopback.
                                     "--allow-egress", "127.0.0.0/8"};
    for (auto& e : extra) args.push_back(e);
    return server_.Start(dir_ + "/data", database_url_, args);
  }
  HttpClient C() const { return server_.Client(); }
  json CreatePipeline(const Session& s, const std::string& name, const std::string& org = "") {
    auto r = C().Call("POST", "/api/v1/pipelines", PipelineDoc(name, input_csv_, dir_ + "/" + name + ".out.csv").dump(),
                      s.Auth(org));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json();
  }
  json WaitRun(const Session& s, const std::string& run_id, const std::string& org = "") {
    json run;
    for (int i = 0; i < 600; ++i) {
      run = C().Call("GET", "/api/v1/runs/" + run_id, "", s.Auth(org)).Json();
      std::string st = run.value("status", "");
      if (!IsLiveRunStatus(st)) return run;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return run;
  }

  std::string dir_, web_root_, input_csv_, database_url_;
  ServerProcess server_;
};

TEST_P(ServerApiTest, OperationsEndpointsAndHeaders) {
  auto health = C().Call("GET", "/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.Json()["database"], "ok");
  EXPECT_EQ(C().Call("GET", "/health/live").status, 200);
  EXPECT_EQ(C().Call("GET", "/health/ready").status, 200);
  auto metrics = C().Call("GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  for (const char* name : {"http_requests_total", "http_request_duration_seconds_bucket", "pipeline_executions_total",
                           "pipeline_execution_duration_seconds", "data_rows_processed_total"}) {
    EXPECT_NE(metrics.body.find(name), std::string::npos) << name;
  }
  auto openapi = C().Call("GET", "/api/openapi.json");
  ASSERT_EQ(openapi.status, 200);
  json doc = openapi.Json();
  EXPECT_EQ(doc["openapi"], "3.0.3");
  EXPECT_TRUE(doc["paths"].contains("/api/v1/pipelines/{id}"));
  // docs/openapi.json in the repository is the same document.
  json committed = json::parse(ReadFile(std::string(LOGIDATA_SOURCE_DIR) + "/docs/openapi.json"), nullptr, false);
  EXPECT_EQ(committed["paths"], doc["paths"]) << "regenerate docs/openapi.json from /api/openapi.json";
  auto docs = C().Call("GET", "/docs");
  EXPECT_EQ(docs.status, 200);
  EXPECT_NE(docs.body.find("/docs/docs.js"), std::string::npos);
  EXPECT_EQ(C().Call("GET", "/docs/docs.js").status, 200);
  // Security headers and request ids.
  auto r = C().Call("GET", "/health", "", {"X-Request-Id: abc-123"});
  EXPECT_EQ(r.Header("x-request-id"), "abc-123");
  EXPECT_EQ(r.Header("x-content-type-options"), "nosniff");
  EXPECT_EQ(r.Header("x-frame-options"), "DENY");
  EXPECT_NE(r.Header("content-security-policy").find("default-src 'self'"), std::string::npos);
  EXPECT_FALSE(C().Call("GET", "/health").Header("x-request-id").empty());
  // Gzip when asked.
  auto gz = C().Call("GET", "/api/openapi.json", "", {"Accept-Encoding: gzip"});
  EXPECT_EQ(gz.Header("content-encoding"), "gzip");
  EXPECT_LT(gz.body.size(), openapi.body.size());
  // Unknown API path and wrong method.
  auto missing = C().Call("GET", "/api/v1/nothing");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.Header("content-type"), "application/problem+json");
  EXPECT_EQ(C().Call("PATCH", "/api/v1/pipelines").status, 405);
}

TEST_P(ServerApiTest, StaticFilesAndSpaFallback) {
  auto index = C().Call("GET", "/");
  EXPECT_EQ(index.status, 200);
  EXPECT_NE(index.body.find("Logidata UI"), std::string::npos);
  EXPECT_EQ(C().Call("GET", "/pipelines/42/edit").body, index.body);  // client-side route
  auto js = C().Call("GET", "/assets/app.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_NE(js.Header("content-type").find("javascript"), std::string::npos);
  EXPECT_EQ(C().Call("GET", "/assets/missing.js").status, 404);
}

TEST_P(ServerApiTest, StrictCors) {
  auto ok = C().Call("OPTIONS", "/api/v1/pipelines", "",
                     {"Origin: http://ui.example", "Access-Control-Request-Method: GET"});
  EXPECT_EQ(ok.status, 204);
  EXPECT_EQ(ok.Header("access-control-allow-origin"), "http://ui.example");
  auto bad = C().Call("OPTIONS", "/api/v1/pipelines", "", {"Origin: http://evil.example"});
  EXPECT_EQ(bad.status, 403);
  EXPECT_EQ(bad.Header("access-control-allow-origin"), "");
  EXPECT_EQ(C().Call("GET", "/health", "", {"Origin: http://evil.example"}).Header("access-control-allow-origin"), "");
  EXPECT_EQ(C().Call("GET", "/health", "", {"Origin: http://ui.example"}).Header("access-control-allow-origin"),
            "http://ui.example");
}

TEST_P(ServerApiTest, AuthRegisterLoginRefreshLogoutLockout) {
  Session admin = LoginAdmin(C());
  EXPECT_FALSE(admin.org_id.empty());
  auto me = C().Call("GET", "/api/v1/me", "", admin.Auth()).Json();
  EXPECT_EQ(me["user"]["email"], kAdminEmail);
  EXPECT_EQ(me["organizations"][0]["role"], "admin");

  Session u = Register(C(), "auth");
  auto dup = C().Call("POST", "/api/v1/auth/register", json{{"email", u.email}, {"password", "Another-pass1"}, {"name", "x"}}.dump());
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(C().Call("POST", "/api/v1/auth/login", json{{"email", u.email}, {"password", "wrong-password"}}.dump()).status, 401);

  // Refresh rotates; the spent token's reuse revokes the whole family.
  auto r1 = C().Call("POST", "/api/v1/auth/refresh", json{{"refresh_token", u.refresh}}.dump());
  ASSERT_EQ(r1.status, 200) << r1.body;
  std::string second = r1.Json()["refresh_token"];
  EXPECT_NE(second, u.refresh);
  EXPECT_EQ(C().Call("GET", "/api/v1/me", "", {"Authorization: Bearer " + r1.Json()["access_token"].get<std::string>()}).status, 200);
  EXPECT_EQ(C().Call("POST", "/api/v1/auth/refresh", json{{"refresh_token", u.refresh}}.dump()).status, 401);
  EXPECT_EQ(C().Call("POST", "/api/v1/auth/refresh", json{{"refresh_token", second}}.dump()).status, 401)
      << "reuse must revoke the family";

  // Logout revokes.
  auto login = C().Call("POST", "/api/v1/auth/login", json{{"email", u.email}, {"password", u.password}}.dump());
  ASSERT_EQ(login.status, 200);
  std::string rt = login.Json()["refresh_token"];
  EXPECT_EQ(C().Call("POST", "/api/v1/auth/logout", json{{"refresh_token", rt}}.dump()).status, 204);
  EXPECT_EQ(C().Call("POST", "/api/v1/auth/refresh", json{{"refresh_token", rt}}.dump()).status, 401);

  // Five failures lock the account, even for the right password — answered like a wrong password,
  // so a lockout does not reveal that the account exists (server_accounts_test compares them).
  Session v = Register(C(), "lock");
  for (int i = 0; i < 5; ++i) {
    C().Call("POST", "/api/v1/auth/login", json{{"email", v.email}, {"password", "bad-password-1"}}.dump());
  }
  auto locked = C().Call("POST", "/api/v1/auth/login", json{{"email", v.email}, {"password", v.password}}.dump());
  EXPECT_EQ(locked.status, 401) << locked.body;
  EXPECT_EQ(locked.Header("content-type"), "application/problem+json");
}

TEST_P(ServerApiTest, ApiKeysScopedToOrganizationAndRole) {
  Session admin = LoginAdmin(C());
  auto created = C().Call("POST", "/api/v1/api-keys", json{{"name", "ci"}, {"role", "viewer"}}.dump(), admin.Auth());
  ASSERT_EQ(created.status, 201) << created.body;
  std::string key = created.Json()["key"];
  EXPECT_EQ(key.rfind("ld_", 0), 0u);
  auto list = C().Call("GET", "/api/v1/api-keys", "", admin.Auth());
  EXPECT_EQ(list.body.find(key), std::string::npos) << "keys are shown once";
  std::vector<std::string> auth = {"Authorization: Bearer " + key};
  EXPECT_EQ(C().Call("GET", "/api/v1/pipelines", "", auth).status, 200);
  EXPECT_EQ(C().Call("POST", "/api/v1/pipelines", PipelineDoc("k", input_csv_, dir_ + "/k.csv").dump(), auth).status, 403);
  Session other = Register(C(), "keyother");
  auto foreign = auth;
  foreign.push_back("X-Organization: " + other.org_id);
  EXPECT_EQ(C().Call("GET", "/api/v1/pipelines", "", foreign).status, 404);
  EXPECT_EQ(C().Call("DELETE", "/api/v1/api-keys/" + created.Json()["id"].get<std::string>(), "", admin.Auth()).status, 204);
  // Revocation is immediate in this process.
  EXPECT_EQ(C().Call("GET", "/api/v1/pipelines", "", auth).status, 401);
}

TEST_P(ServerApiTest, PipelinesCrudVersionsCloneExportImport) {
  Session s = Register(C(), "crud");
  json p = CreatePipeline(s, "Orders daily");
  std::string id = p["id"];
  EXPECT_EQ(p["version"], 1);
  EXPECT_TRUE(p["metadata"].contains("created_at"));
  for (int i = 0; i < 4; ++i) CreatePipeline(s, "Other " + std::to_string(i));

  auto list = C().Call("GET", "/api/v1/pipelines?q=orders&page=1&page_size=10", "", s.Auth()).Json();
  EXPECT_EQ(list["total"], 1);
  EXPECT_EQ(list["items"][0]["id"], id);
  auto paged = C().Call("GET", "/api/v1/pipelines?page=2&page_size=2&sort=name", "", s.Auth()).Json();
  EXPECT_EQ(paged["total"], 5);
  ASSERT_EQ(paged["items"].size(), 2u);
  EXPECT_EQ(paged["items"][0]["name"], "Other 1");

  // Optimistic concurrency.
  json doc = C().Call("GET", "/api/v1/pipelines/" + id, "", s.Auth()).Json();
  doc["description"] = "changed";
  auto put = C().Call("PUT", "/api/v1/pipelines/" + id, doc.dump(), s.Auth());
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.Json()["version"], 2);
  auto stale = C().Call("PUT", "/api/v1/pipelines/" + id, doc.dump(), s.Auth());
  EXPECT_EQ(stale.status, 409);

  auto versions = C().Call("GET", "/api/v1/pipelines/" + id + "/versions", "", s.Auth()).Json();
  ASSERT_EQ(versions["items"].size(), 2u);
  EXPECT_EQ(versions["items"][0]["version"], 2);
  auto v1 = C().Call("GET", "/api/v1/pipelines/" + id + "/versions/1", "", s.Auth()).Json();
  EXPECT_EQ(v1["description"], "test pipeline");
  auto restored = C().Call("POST", "/api/v1/pipelines/" + id + "/versions/1/restore", "", s.Auth());
  ASSERT_EQ(restored.status, 200) << restored.body;
  EXPECT_EQ(restored.Json()["version"], 3);
  EXPECT_EQ(restored.Json()["description"], "test pipeline");

  auto clone = C().Call("POST", "/api/v1/pipelines/" + id + "/clone", json{{"name", "Copy"}}.dump(), s.Auth());
  ASSERT_EQ(clone.status, 201);
  EXPECT_NE(clone.Json()["id"], id);
  auto exported = C().Call("GET", "/api/v1/pipelines/" + id + "/export", "", s.Auth());
  EXPECT_NE(exported.Header("content-disposition").find("attachment"), std::string::npos);
  auto imported = C().Call("POST", "/api/v1/pipelines/import", exported.body, s.Auth());
  ASSERT_EQ(imported.status, 201) << imported.body;
  EXPECT_EQ(imported.Json()["version"], 1);

  auto valid = C().Call("POST", "/api/v1/pipelines/validate", exported.body, s.Auth()).Json();
  EXPECT_EQ(valid["valid"], true) << valid.dump();
  json broken = json::parse(exported.body);
  broken["nodes"][1]["module"] = "no_such_module";
  auto invalid = C().Call("POST", "/api/v1/pipelines/validate", broken.dump(), s.Auth()).Json();
  EXPECT_EQ(invalid["valid"], false);
  ASSERT_FALSE(invalid["issues"].empty());
  EXPECT_EQ(invalid["issues"][0]["node_id"], "flt");

  auto modules = C().Call("GET", "/api/v1/modules", "", s.Auth()).Json();
  ASSERT_FALSE(modules["items"].empty());
  EXPECT_TRUE(modules["items"][0].contains("config_schema"));

  EXPECT_EQ(C().Call("DELETE", "/api/v1/pipelines/" + id, "", s.Auth()).status, 204);
  EXPECT_EQ(C().Call("GET", "/api/v1/pipelines/" + id, "", s.Auth()).status, 404);

  auto audit = C().Call("GET", "/api/v1/audit?object_type=pipeline", "", s.Auth()).Json();
  std::set<std::string> actions;
  for (auto& e : audit["items"]) actions.insert(e["action"].get<std::string>());
  for (const char* a : {"pipeline.create", "pipeline.update", "pipeline.restore", "pipeline.clone", "pipeline.import",
                        "pipeline.delete"}) {
    EXPECT_TRUE(actions.count(a)) << a;
  }
}

TEST_P(ServerApiTest, RunsExecuteWithLiveUpdatesLogsAndMetrics) {
  Session s = Register(C(), "runs");
  json p = CreatePipeline(s, "runme");
  WsClient ws;
  ASSERT_TRUE(ws.Connect(server_.port()));
  ws.Send(json{{"type", "auth"}, {"token", s.access}}.dump());
  ASSERT_FALSE(ws.WaitFor([](const json& m) { return m.value("type", "") == "auth.ok"; }).is_null());
  ws.Send(json{{"type", "subscribe"}, {"channel", "runs"}}.dump());
  ASSERT_FALSE(ws.WaitFor([](const json& m) { return m.value("type", "") == "subscribed"; }).is_null());

  auto started = C().Call("POST", "/api/v1/pipelines/" + p["id"].get<std::string>() + "/runs",
                          json{{"parameters", {{"day", "2024-01-01"}}}}.dump(), s.Auth());
  ASSERT_EQ(started.status, 202) << started.body;
  std::string run_id = started.Json()["id"];
  json run = WaitRun(s, run_id);
  ASSERT_EQ(run["status"], "succeeded") << run.dump();
  EXPECT_EQ(run["parameters"]["day"], "2024-01-01");
  EXPECT_EQ(run["trigger"], "manual");
  EXPECT_EQ(run["nodes"]["out"]["rows_in"], 2);
  EXPECT_EQ(run["rows_processed"], 3);
  json finished = ws.WaitFor([&](const json& m) {
    return m.value("type", "") == "run.status" && m["run"]["id"] == run_id && m["run"]["status"] == "succeeded";
  });
  EXPECT_FALSE(finished.is_null()) << "no live run.status over the WebSocket";

  auto logs = C().Call("GET", "/api/v1/runs/" + run_id + "/logs?after=0&limit=1", "", s.Auth()).Json();
  ASSERT_EQ(logs["items"].size(), 1u);
  auto rest = C().Call("GET", "/api/v1/runs/" + run_id + "/logs?after=" + std::to_string(logs["next"].get<int>()), "",
                       s.Auth()).Json();
  EXPECT_FALSE(rest["items"].empty());
  auto nodes = C().Call("GET", "/api/v1/runs/" + run_id + "/nodes", "", s.Auth()).Json();
  EXPECT_EQ(nodes["items"].size(), 3u);
  auto listed = C().Call("GET", "/api/v1/runs?status=succeeded&pipeline_id=" + p["id"].get<std::string>(), "", s.Auth()).Json();
  EXPECT_EQ(listed["total"], 1);
  auto pipelines = C().Call("GET", "/api/v1/pipelines", "", s.Auth()).Json();
  EXPECT_EQ(pipelines["items"][0]["last_run"]["status"], "succeeded");
  EXPECT_EQ(C().Call("POST", "/api/v1/runs/" + run_id + "/cancel", "", s.Auth()).status, 409);
  auto retry = C().Call("POST", "/api/v1/runs/" + run_id + "/retry", "", s.Auth());
  ASSERT_EQ(retry.status, 202);
  EXPECT_EQ(WaitRun(s, retry.Json()["id"])["status"], "succeeded");
  EXPECT_NE(C().Call("GET", "/metrics").body.find("pipeline_executions_total{status=\"succeeded\"} 2"), std::string::npos);

  // A failing run names its node and error.
  json bad = PipelineDoc("fails", dir_ + "/missing.csv", dir_ + "/x.csv");
  auto created = C().Call("POST", "/api/v1/pipelines", bad.dump(), s.Auth());
  auto failed = C().Call("POST", "/api/v1/pipelines/" + created.Json()["id"].get<std::string>() + "/runs", "{}", s.Auth());
  json frun = WaitRun(s, failed.Json()["id"]);
  EXPECT_EQ(frun["status"], "failed");
  EXPECT_FALSE(frun["error"].get<std::string>().empty());
}

TEST_P(ServerApiTest, PreviewAndExpressionCheck) {
  Session s = Register(C(), "preview");
  json doc = PipelineDoc("pv", input_csv_, dir_ + "/pv.csv");
  auto r = C().Call("POST", "/api/v1/preview", json{{"pipeline", doc}, {"node_id", "flt"}, {"limit", 10}}.dump(), s.Auth());
  ASSERT_EQ(r.status, 200) << r.body;
  json pv = r.Json();
  EXPECT_EQ(pv["rows"].size(), 2u);
  EXPECT_EQ(pv["schema"].size(), 3u);
  EXPECT_EQ(pv["profiles"].size(), 3u);
  auto ok = C().Call("POST", "/api/v1/expressions/check",
                     json{{"expression", "amount * 2"}, {"pipeline", doc}, {"node_id", "flt"}}.dump(), s.Auth()).Json();
  EXPECT_EQ(ok["ok"], true) << ok.dump();
  auto bad = C().Call("POST", "/api/v1/expressions/check",
                      json{{"expression", "amout > 1"}, {"pipeline", doc}, {"node_id", "flt"}}.dump(), s.Auth()).Json();
  EXPECT_EQ(bad["ok"], false);
  EXPECT_NE(bad["error"]["message"].get<std::string>().find("amout"), std::string::npos);
}

TEST_P(ServerApiTest, ConnectionSecretsAreWriteOnlyEncryptedAndNeverLogged) {
  Session s = Register(C(), "conn");
  const std::string secret = "Sup3r-Secret-" + Unique("pw");
  auto created = C().Call("POST", "/api/v1/connections",
                          json{{"name", "warehouse"}, {"type", "postgres"}, {"host", "127.0.0.1"}, {"port", 5432},
                               {"database", "dw"}, {"user", "etl"}, {"secret", secret}, {"options", {{"sslmode", "disable"}}}}
                              .dump(),
                          s.Auth());
  ASSERT_EQ(created.status, 201) << created.body;
  std::string id = created.Json()["id"];
  EXPECT_EQ(created.Json()["has_secret"], true);
  std::string seen = created.body;
  seen += C().Call("GET", "/api/v1/connections", "", s.Auth()).body;
  seen += C().Call("GET", "/api/v1/connections/" + id, "", s.Auth()).body;
  // (A new host would need the secret again: server_egress_test.)
  auto upd = C().Call("PUT", "/api/v1/connections/" + id, json{{"database", "dw2"}}.dump(), s.Auth());
  ASSERT_EQ(upd.status, 200) << upd.body;
  EXPECT_EQ(upd.Json()["has_secret"], true) << "omitting the secret keeps it";
  seen += upd.body;
  seen += C().Call("GET", "/api/v1/audit", "", s.Auth()).body;
  auto dup = C().Call("POST", "/api/v1/connections", json{{"name", "warehouse"}, {"type", "postgres"}}.dump(), s.Auth());
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(dup.Json()["errors"][0]["field"], "/name");
  seen += C().Call("POST", "/api/v1/connections/" + id + "/test", "", s.Auth()).body;
  EXPECT_EQ(seen.find(secret), std::string::npos) << "secret leaked in a response";

  server_.Stop();  // flush logs
  for (const char* f : {"access.log", "server.out", "server.err"}) {
    std::string text = ReadFile(dir_ + "/data/" + f);
    EXPECT_EQ(text.find(secret), std::string::npos) << "secret in " << f;
    EXPECT_EQ(text.find(s.password), std::string::npos) << "password in " << f;
    EXPECT_EQ(text.find(kAdminPassword), std::string::npos) << "admin password in " << f;
    EXPECT_EQ(text.find(s.refresh), std::string::npos) << "refresh token in " << f;
  }
  if (GetParam() == "sqlite") {
    std::string db = ReadFile(dir_ + "/data/logidata.db") + ReadFile(dir_ + "/data/logidata.db-wal");
    EXPECT_EQ(db.find(secret), std::string::npos) << "secret stored in plaintext";
    EXPECT_EQ(db.find(s.password), std::string::npos) << "password stored in plaintext";
  }
  ASSERT_TRUE(StartServer());
  // Access tokens stay valid across restarts (same master key); the secret is still there.
  auto again = C().Call("GET", "/api/v1/connections/" + id, "", s.Auth());
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.Json()["has_secret"], true);
}

TEST_P(ServerApiTest, InjectionAndTraversalAreHarmless) {
  Session s = Register(C(), "inject");
  CreatePipeline(s, "safe");
  for (std::string q : {"' OR 1=1 --", "%' OR '1'='1", "\"; DROP TABLE pipelines; --", "%", "_"}) {
    std::string enc;
    for (char c : q) {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
      enc += buf;
    }
    auto r = C().Call("GET", "/api/v1/pipelines?q=" + enc, "", s.Auth());
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.Json()["total"], 0) << q;
  }
  EXPECT_EQ(C().Call("GET", "/api/v1/pipelines/1'%20OR%20'1'='1", "", s.Auth()).status, 404);
  EXPECT_EQ(C().Call("POST", "/api/v1/auth/login", json{{"email", "' OR '1'='1"}, {"password", "' OR '1'='1"}}.dump()).status, 401);
  EXPECT_EQ(C().Call("GET", "/api/v1/pipelines", "", s.Auth()).Json()["total"], 1) << "table still there";
  for (std::string path : {"/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/assets/..%2f..%2f..%2fetc%2fpasswd",
                           "/..%5c..%5cetc%5cpasswd", "/assets/%00.js", "/docs/../../etc/passwd"}) {
    auto r = C().Call("GET", path);
    EXPECT_EQ(r.body.find("root:"), std::string::npos) << path;
    EXPECT_LT(r.status, 500) << path;
  }
  EXPECT_TRUE(server_.Alive());
}

TEST_P(ServerApiTest, RestartLosesNothingAndReRunsRunsInFlight) {
  Session s = Register(C(), "restart");
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(CreatePipeline(s, "keep" + std::to_string(i))["id"]);
  auto started = C().Call("POST", "/api/v1/pipelines/" + ids[0] + "/runs", "{}", s.Auth());
  std::string run_id = started.Json()["id"];
  ASSERT_EQ(WaitRun(s, run_id)["status"], "succeeded");
  auto logs_before = C().Call("GET", "/api/v1/runs/" + run_id + "/logs", "", s.Auth()).Json();
  auto list_before = C().Call("GET", "/api/v1/pipelines?sort=name", "", s.Auth()).Json();
  // A second run is left "running" as if the server had been killed mid-run.
  auto second = C().Call("POST", "/api/v1/pipelines/" + ids[1] + "/runs", "{}", s.Auth());
  std::string second_id = second.Json()["id"];
  WaitRun(s, second_id);
  EXPECT_EQ(server_.Stop(SIGTERM), 0) << "graceful shutdown exits 0";
  {
    auto db = OpenDatabase(database_url_.empty() ? dir_ + "/data/logidata.db" : database_url_, 1);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    auto up = (*db)->Query("UPDATE runs SET status = 'running', finished_at = NULL, heartbeat_at = '2000-01-01T00:00:00.000Z' WHERE id = ?", {second_id});
    ASSERT_TRUE(up.ok()) << up.status().ToString();
  }
  ASSERT_TRUE(StartServer());
  auto login = C().Call("POST", "/api/v1/auth/login", json{{"email", s.email}, {"password", s.password}}.dump());
  ASSERT_EQ(login.status, 200);
  Session s2 = FromTokens(C(), login.Json(), s.email, s.password);
  auto list_after = C().Call("GET", "/api/v1/pipelines?sort=name", "", s2.Auth()).Json();
  EXPECT_EQ(list_after["total"], 3);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(list_after["items"][i]["id"], list_before["items"][i]["id"]);
  EXPECT_EQ(C().Call("GET", "/api/v1/runs/" + run_id, "", s2.Auth()).Json()["status"], "succeeded");
  EXPECT_EQ(C().Call("GET", "/api/v1/runs/" + run_id + "/logs", "", s2.Auth()).Json()["items"], logs_before["items"]);
  // The run the dead server left running is handed on as a new attempt and completes once.
  json second_after = WaitRun(s2, second_id);
  EXPECT_EQ(second_after["status"], "succeeded") << second_after.dump();
  EXPECT_EQ(second_after["attempt"], 2) << second_after.dump();
}

TEST_P(ServerApiTest, CronScheduleQueuesRuns) {
  Session s = Register(C(), "cron");
  json doc = PipelineDoc("scheduled", input_csv_, dir_ + "/sched.csv");
  doc["schedule"] = {{"cron", "* * * * *"}, {"timezone", "Europe/Paris"}, {"enabled", true}};
  auto created = C().Call("POST", "/api/v1/pipelines", doc.dump(), s.Auth());
  ASSERT_EQ(created.status, 201) << created.body;
  doc["schedule"]["cron"] = "61 * * * *";
  auto bad = C().Call("POST", "/api/v1/pipelines", doc.dump(), s.Auth());
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Json()["errors"][0]["field"], "/schedule/cron");
  doc["schedule"] = {{"cron", "0 2 * * *"}, {"timezone", "Mars/Olympus"}};
  EXPECT_EQ(C().Call("POST", "/api/v1/pipelines", doc.dump(), s.Auth()).Json()["errors"][0]["field"], "/schedule/timezone");
  // Due within a minute: move next_fire_at into the past instead of waiting.
  {
    auto db = OpenDatabase(database_url_.empty() ? dir_ + "/data/logidata.db" : database_url_, 1);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Query("UPDATE pipelines SET next_fire_at = '2000-01-01T00:00:00.000Z' WHERE id = ?",
                             {created.Json()["id"].get<std::string>()}).ok());
  }
  json runs;
  for (int i = 0; i < 100; ++i) {
    runs = C().Call("GET", "/api/v1/runs?pipeline_id=" + created.Json()["id"].get<std::string>(), "", s.Auth()).Json();
    if (runs["total"] >= 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_GE(runs["total"], 1);
  EXPECT_EQ(runs["items"][0]["trigger"], "schedule");
}

TEST_P(ServerApiTest, QueueModeWorkerExecutesRuns) {
  if (GetParam() != "postgres") GTEST_SKIP() << "queue mode needs PostgreSQL";
  server_.Stop();
  ASSERT_TRUE(StartServer({"--run-slots", "0"}));
  Session s = Register(C(), "queue");
  json p = CreatePipeline(s, "queued");
  auto started = C().Call("POST", "/api/v1/pipelines/" + p["id"].get<std::string>() + "/runs", "{}", s.Auth());
  std::string run_id = started.Json()["id"];
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(C().Call("GET", "/api/v1/runs/" + run_id, "", s.Auth()).Json()["status"], "queued");
  pid_t worker = StartWorker(database_url_, dir_ + "/worker", dir_ + "/worker.log", "test=" + dir_ + ":rw");
  json run = WaitRun(s, run_id);
  kill(worker, SIGTERM);
  int status = 0;
  waitpid(worker, &status, 0);
  EXPECT_EQ(run["status"], "succeeded") << run.dump() << ReadFile(dir_ + "/worker.log");
}

INSTANTIATE_TEST_SUITE_P(Backends, ServerApiTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace logidata::testing

// Egress attacks against a real `logidata server` (issue 9, part 2): a tenant must not make the
// server reach loopback, link-local, private or metadata addresses, nor file:// or gopher:// URLs,
// through REST extraction, connection tests or notifications; credentials go only to the
// connection's own origin; a stored secret cannot be redirected to a new host. Each attack is
// refused with a 4xx that says what was refused and how to allow it, and the server stays up.
// Then the allow-lists (server option, organization setting) open exactly what they name.
#include <atomic>

#include "integration/server/json_api_server.h"
#include "integration/server/server_harness.h"
#include "integration/server/webhook_receiver.h"

namespace logidata::testing {
namespace {

json Records(int from, int n) {
  json items = json::array();
  for (int i = from; i < from + n; ++i) items.push_back({{"id", i}, {"name", "n" + std::to_string(i)}});
  return items;
}

json RestPipeline(const std::string& connection, const std::string& path, json pagination = nullptr) {
  json cfg = {{"connection", connection}, {"path", path}, {"record_path", "items"},
              {"columns", {{"id", "int64"}, {"name", "string"}}}, {"retries", {{"max_retries", 0}}}};
  if (!pagination.is_null()) cfg["pagination"] = pagination;
  return {{"name", "egress"},
          {"nodes", {{{"id", "api"}, {"type", "extract"}, {"module", "http"}, {"config", cfg}}}},
          {"edges", json::array()}};
}

class EgressServer {
 public:
  explicit EgressServer(std::vector<std::string> extra = {}) {
    dir_ = MakeTempDir("ld-egress");
    ok_ = server_.Start(dir_ + "/data", "", std::move(extra));
  }
  bool ok() const { return ok_; }
  HttpClient C() const { return server_.Client(); }
  bool Alive() const { return server_.Alive() && C().Call("GET", "/health/live").status == 200; }
  std::string Err() const { return ReadFile(dir_ + "/data/server.err"); }

  // Creates an http connection; returns its id.
  std::string Connection(const Session& s, const std::string& name, const json& fields) {
    json body = {{"name", name}, {"type", "http"}};
    body.update(fields);
    auto r = C().Call("POST", "/api/v1/connections", body.dump(), s.Auth());
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json().value("id", "");
  }
  HttpResult Preview(const Session& s, const json& doc) {
    return C().Call("POST", "/api/v1/preview", json{{"pipeline", doc}, {"node_id", "api"}, {"limit", 100}}.dump(), s.Auth());
  }

 private:
  std::string dir_;
  ServerProcess server_;
  bool ok_ = false;
};

// The refusal says what and how: the address, the reason, and the option that allows it.
void ExpectEgressRefusal(const HttpResult& r, const std::string& address) {
  EXPECT_GE(r.status, 400) << r.body;
  EXPECT_LT(r.status, 500) << r.body;
  EXPECT_NE(r.body.find("egress"), std::string::npos) << r.body;
  if (!address.empty()) {
    EXPECT_NE(r.body.find(address), std::string::npos) << r.body;
  }
}

TEST(ServerEgress, RestExtractToInternalAddressesIsRefused) {
  EgressServer server;
  ASSERT_TRUE(server.ok()) << server.Err();
  JsonApiServer api([](const JsonApiServer::Request&) { return JsonApiServer::Reply{200, json{{"items", Records(1, 3)}}.dump()}; });
  Session s = Register(server.C(), "egress");
  const std::string port = std::to_string(api.port());
  struct Case {
    std::string host;
    std::string shown;  // the address the refusal names
  };
  const Case cases[] = {
      {"http://127.0.0.1:" + port, "127.0.0.1"},
      {"http://169.254.169.254", "169.254.169.254"},
      {"http://[::1]:" + port, "::1"},
      {"http://[::ffff:127.0.0.1]:" + port, "127.0.0.1"},
      {"http://localhost:" + port, "localhost"},
      {"http://0.0.0.0:" + port, "0.0.0.0"},
      {"http://2130706433:" + port, "127.0.0.1"},  // 127.0.0.1 as one decimal number
  };
  int n = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.host);
    std::string name = "api" + std::to_string(n++);
    server.Connection(s, name, {{"host", c.host}, {"secret", "tenant-token"}});
    // Columns given: the request happens when the node opens.
    ExpectEgressRefusal(server.Preview(s, RestPipeline(name, "/items")), c.shown);
    // No columns: the schema would be inferred from a first request at bind time.
    json infer = RestPipeline(name, "/items");
    infer["nodes"][0]["config"].erase("columns");
    auto r = server.Preview(s, infer);
    EXPECT_GE(r.status, 400) << r.body;
    EXPECT_LT(r.status, 500) << r.body;
    EXPECT_NE(r.body.find("egress"), std::string::npos) << r.body;
    // The connection test is refused the same way.
    json conn = {{"name", "t"}, {"type", "http"}, {"host", c.host}};
    ExpectEgressRefusal(server.C().Call("POST", "/api/v1/connections/test", conn.dump(), s.Auth()), c.shown);
  }
  EXPECT_TRUE(api.Requests().empty()) << api.Requests().size() << " request(s) reached the internal API";
  EXPECT_TRUE(server.Alive());
}

TEST(ServerEgress, OnlyHttpAndHttpsUrls) {
  EgressServer server;
  ASSERT_TRUE(server.ok()) << server.Err();
  Session s = Register(server.C(), "scheme");
  int n = 0;
  for (const std::string url : {"file:///etc/passwd", "gopher://127.0.0.1:6379/_INFO", "dict://127.0.0.1:11211/stat",
                                "ftp://example.com/x"}) {
    SCOPED_TRACE(url);
    std::string name = "s" + std::to_string(n++);
    server.Connection(s, name, {{"host", "example.com"}, {"options", {{"base_url", url}}}});
    auto r = server.Preview(s, RestPipeline(name, ""));
    EXPECT_GE(r.status, 400) << r.body;
    EXPECT_LT(r.status, 500) << r.body;
    EXPECT_NE(r.body.find("only http and https"), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find("root:"), std::string::npos) << "the file was read: " << r.body;
    auto t = server.C().Call("POST", "/api/v1/connections/test", json{{"name", "t"}, {"type", "http"}, {"host", url}}.dump(), s.Auth());
    EXPECT_GE(t.status, 400) << t.body;
    EXPECT_LT(t.status, 500) << t.body;
    EXPECT_NE(t.body.find("only http and https"), std::string::npos) << t.body;
  }
  EXPECT_TRUE(server.Alive());
}

TEST(ServerEgress, DatabaseHostsAreCheckedAfterResolution) {
  EgressServer server;
  ASSERT_TRUE(server.ok()) << server.Err();
  Session s = Register(server.C(), "dbhost");
  // Something listens, so a refusal cannot be mistaken for "connection refused".
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int port = BindLoopback(fd);
  listen(fd, 4);
  struct Case {
    std::string type, host, shown;
  };
  const Case cases[] = {
      {"postgres", "127.0.0.1", "127.0.0.1"},   {"postgres", "localhost", "localhost"},
      {"postgres", "::1", "::1"},               {"postgres", "169.254.169.254", "169.254.169.254"},
      {"mysql", "127.0.0.1", "127.0.0.1"},      {"mysql", "localhost", "localhost"},
      {"clickhouse", "127.0.0.1", "127.0.0.1"}, {"clickhouse", "http://localhost", "localhost"},
      {"clickhouse", "169.254.169.254", "169.254.169.254"}, {"clickhouse", "https://[::1]", "::1"},
      {"rabbitmq", "127.0.0.1", "127.0.0.1"},   {"rabbitmq", "localhost", "localhost"},
      {"rabbitmq", "169.254.169.254", "169.254.169.254"},
      {"postgres", "/var/run/postgresql", "Unix-socket"},
      {"postgres", "", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.type + " " + c.host);
    json conn = {{"name", "db"}, {"type", c.type}, {"host", c.host}, {"port", port}, {"user", "u"}, {"secret", "pw"},
                 {"database", "d"}};
    ExpectEgressRefusal(server.C().Call("POST", "/api/v1/connections/test", conn.dump(), s.Auth()), c.shown);
  }
  // A saved connection is tested the same way.
  auto created = server.C().Call("POST", "/api/v1/connections",
                                 json{{"name", "pg"}, {"type", "postgres"}, {"host", "127.0.0.1"}, {"port", port}}.dump(), s.Auth());
  ASSERT_EQ(created.status, 201) << created.body;
  ExpectEgressRefusal(server.C().Call("POST", "/api/v1/connections/" + created.Json()["id"].get<std::string>() + "/test", "", s.Auth()),
                      "127.0.0.1");
  close(fd);
  EXPECT_TRUE(server.Alive());
}

TEST(ServerEgress, WebhookAndSlackToLoopbackAreRefused) {
  EgressServer server;
  ASSERT_TRUE(server.ok()) << server.Err();
  WebhookReceiver receiver;
  Session s = Register(server.C(), "hook");
  for (const std::string channel : {"webhook", "slack"}) {
    SCOPED_TRACE(channel);
    auto created = server.C().Call("POST", "/api/v1/notifications",
                                   json{{"name", channel}, {"channel", channel}, {"url", receiver.Url("/" + channel)},
                                        {"events", {"run.failed"}}}.dump(),
                                   s.Auth());
    ASSERT_EQ(created.status, 201) << created.body;
    auto r = server.C().Call("POST", "/api/v1/notifications/" + created.Json()["id"].get<std::string>() + "/test", "", s.Auth());
    ExpectEgressRefusal(r, "127.0.0.1");
  }
  EXPECT_TRUE(receiver.WaitFor("/webhook", 1, 1).empty());
  EXPECT_TRUE(receiver.WaitFor("/slack", 1, 1).empty());
  EXPECT_TRUE(server.Alive());
}

TEST(ServerEgress, ChangingWhereASecretGoesNeedsTheSecretAgain) {
  EgressServer server;
  ASSERT_TRUE(server.ok()) << server.Err();
  Session s = Register(server.C(), "redirect");
  std::string id = server.Connection(s, "crm", {{"host", "https://api.example.com"}, {"secret", "stored-token"},
                                               {"options", {{"auth", "oauth2"}, {"token_url", "https://auth.example.com/token"}}}});
  struct Case {
    json body;
    std::string field;
  };
  const Case refused[] = {
      {{{"host", "https://attacker.example.net"}}, "host"},
      {{{"port", 8443}}, "port"},
      {{{"options", {{"auth", "oauth2"}, {"token_url", "https://attacker.example.net/t"}}}}, "token_url"},
      {{{"options", {{"auth", "oauth2"}, {"token_url", "https://auth.example.com/token"}, {"base_url", "https://attacker.example.net"}}}},
       "base_url"},
      {{{"options", {{"auth", "oauth2"}, {"token_url", "https://auth.example.com/token"}, {"endpoint", "https://attacker.example.net"}}}},
       "endpoint"},
      {{{"options", {{"auth", "oauth2"}, {"token_url", "https://auth.example.com/token"}, {"connect_to", "api.example.com:443:attacker.example.net:443"}}}},
       "connect_to"},
  };
  for (const Case& c : refused) {
    SCOPED_TRACE(c.body.dump());
    auto r = server.C().Call("PUT", "/api/v1/connections/" + id, c.body.dump(), s.Auth());
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find(c.field), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("secret"), std::string::npos) << r.body;
  }
  auto unchanged = server.C().Call("GET", "/api/v1/connections/" + id, "", s.Auth()).Json();
  EXPECT_EQ(unchanged["host"], "https://api.example.com");
  EXPECT_EQ(unchanged["options"]["token_url"], "https://auth.example.com/token");
  // Renaming, or sending the same host, needs no secret; a new host with a new secret is fine.
  EXPECT_EQ(server.C().Call("PUT", "/api/v1/connections/" + id, json{{"name", "crm2"}, {"host", "https://api.example.com"}}.dump(), s.Auth()).status, 200);
  auto moved = server.C().Call("PUT", "/api/v1/connections/" + id,
                               json{{"host", "https://api2.example.com"}, {"secret", "new-token"}}.dump(), s.Auth());
  EXPECT_EQ(moved.status, 200) << moved.body;
  // Removing the secret while moving is fine too: nothing stored goes to the new host.
  auto cleared = server.C().Call("PUT", "/api/v1/connections/" + id,
                                 json{{"host", "https://api3.example.com"}, {"secret", nullptr}}.dump(), s.Auth());
  EXPECT_EQ(cleared.status, 200) << cleared.body;
  // An Azure Blob connection without an endpoint goes to its account's host: a new account name
  // is a new destination.
  std::string az = server.Connection(s, "blob", {{"type", "azure_blob"}, {"user", "ouraccount"}, {"secret", "c2VjcmV0LWtleQ=="}});
  auto other_account = server.C().Call("PUT", "/api/v1/connections/" + az, json{{"user", "theiraccount"}}.dump(), s.Auth());
  EXPECT_EQ(other_account.status, 400) << other_account.body;
  EXPECT_NE(other_account.body.find("/user"), std::string::npos) << other_account.body;
  EXPECT_EQ(server.C().Call("PUT", "/api/v1/connections/" + az, json{{"user", "theiraccount"}, {"secret", "bmV3LWtleQ=="}}.dump(),
                            s.Auth()).status, 200);
  EXPECT_TRUE(server.Alive());
}

TEST(ServerEgress, NextLinksToAnotherHostAreCheckedAndCarryNoCredentials) {
  // Only 127.0.0.1 is allowed: 127.0.0.2 stands for another internal host.
  EgressServer server({"--allow-egress", "127.0.0.1/32"});
  ASSERT_TRUE(server.ok()) << server.Err();
  JsonApiServer other([](const JsonApiServer::Request&) { return JsonApiServer::Reply{200, json{{"items", Records(4, 2)}, {"next", nullptr}}.dump()}; });
  JsonApiServer internal([](const JsonApiServer::Request&) { return JsonApiServer::Reply{200, json{{"items", Records(9, 1)}}.dump()}; },
                         "127.0.0.2");
  std::string next_url;
  JsonApiServer api([&](const JsonApiServer::Request& r) {
    if (r.path.rfind("/redirect", 0) == 0) return JsonApiServer::Reply{302, "", {"Location: " + internal.Base() + "/stolen"}};
    return JsonApiServer::Reply{200, json{{"items", Records(1, 3)}, {"next", next_url}}.dump()};
  });
  Session s = Register(server.C(), "nextlink");
  server.Connection(s, "api", {{"host", api.Base()}, {"secret", "tenant-token"}});
  json next = {{"type", "next_url"}, {"next_url_path", "next"}};

  // A next link to a host the policy refuses stops the extraction with the refusal.
  next_url = internal.Base() + "/page2";
  ExpectEgressRefusal(server.Preview(s, RestPipeline("api", "/items", next)), "127.0.0.2");
  EXPECT_TRUE(internal.Requests().empty());

  // A redirect is not followed (let alone to an internal host).
  auto redirected = server.Preview(s, RestPipeline("api", "/redirect"));
  EXPECT_GE(redirected.status, 400) << redirected.body;
  EXPECT_TRUE(internal.Requests().empty());

  // A next link to another (allowed) origin is followed without the connection's credentials.
  next_url = other.Base() + "/page2";
  auto r = server.Preview(s, RestPipeline("api", "/items", next));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["rows"].size(), 5u) << r.body;
  ASSERT_FALSE(api.Requests().empty());
  EXPECT_EQ(api.Requests().back().headers["authorization"], "Bearer tenant-token");
  ASSERT_EQ(other.Requests().size(), 1u);
  EXPECT_EQ(other.Requests()[0].headers.count("authorization"), 0u) << other.Requests()[0].headers["authorization"];

  // An API key in the query string stays home too.
  server.Connection(s, "keyed", {{"host", api.Base()}, {"secret", "k-42"}, {"options", {{"auth", "api_key"}, {"api_key_query", "api_key"}}}});
  auto keyed = server.Preview(s, RestPipeline("keyed", "/items", next));
  ASSERT_EQ(keyed.status, 200) << keyed.body;
  EXPECT_NE(api.Requests().back().path.find("api_key=k-42"), std::string::npos) << api.Requests().back().path;
  ASSERT_EQ(other.Requests().size(), 2u);
  EXPECT_EQ(other.Requests()[1].path.find("k-42"), std::string::npos) << other.Requests()[1].path;
  EXPECT_TRUE(server.Alive());
}

TEST(ServerEgress, ResponseBodiesHaveALimit) {
  EgressServer server({"--allow-egress", "127.0.0.0/8"});
  ASSERT_TRUE(server.ok()) << server.Err();
  JsonApiServer api([](const JsonApiServer::Request&) {
    return JsonApiServer::Reply{200, json{{"items", Records(1, 3)}, {"padding", std::string(3 << 20, 'x')}}.dump()};
  });
  Session s = Register(server.C(), "big");
  server.Connection(s, "api", {{"host", api.Base()}});
  json doc = RestPipeline("api", "/big");
  doc["nodes"][0]["config"]["max_response_mb"] = 1;
  auto r = server.Preview(s, doc);
  EXPECT_GE(r.status, 400) << r.body.substr(0, 300);
  EXPECT_LT(r.status, 500) << r.body.substr(0, 300);
  EXPECT_NE(r.body.find("max_response_mb"), std::string::npos) << r.body.substr(0, 300);
  doc["nodes"][0]["config"]["max_response_mb"] = 8;
  EXPECT_EQ(server.Preview(s, doc).status, 200);
  EXPECT_TRUE(server.Alive());
}

TEST(ServerEgress, ServerAllowListOpensLoopback) {
  EgressServer server({"--allow-egress", "127.0.0.0/8", "--allow-egress", "10.0.0.0/8"});
  ASSERT_TRUE(server.ok()) << server.Err();
  JsonApiServer api([](const JsonApiServer::Request&) { return JsonApiServer::Reply{200, json{{"items", Records(1, 3)}}.dump()}; });
  WebhookReceiver receiver;
  Session s = Register(server.C(), "allowed");
  server.Connection(s, "api", {{"host", api.Base()}, {"secret", "t"}});
  auto r = server.Preview(s, RestPipeline("api", "/items"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["rows"].size(), 3u);
  auto t = server.C().Call("POST", "/api/v1/connections/test", json{{"name", "t"}, {"type", "http"}, {"host", api.Base()}}.dump(), s.Auth());
  ASSERT_EQ(t.status, 200) << t.body;
  EXPECT_EQ(t.Json()["ok"], true) << t.body;
  auto created = server.C().Call("POST", "/api/v1/notifications",
                                 json{{"name", "h"}, {"channel", "webhook"}, {"url", receiver.Url("/ok")}, {"events", {"run.failed"}}}.dump(),
                                 s.Auth());
  ASSERT_EQ(created.status, 201) << created.body;
  auto sent = server.C().Call("POST", "/api/v1/notifications/" + created.Json()["id"].get<std::string>() + "/test", "", s.Auth());
  EXPECT_EQ(sent.status, 200) << sent.body;
  EXPECT_EQ(receiver.WaitFor("/ok", 1, 10).size(), 1u);
  // The organization's setting shows the server's list (read-only) beside its own.
  auto egress = server.C().Call("GET", "/api/v1/organization/egress", "", s.Auth());
  ASSERT_EQ(egress.status, 200) << egress.body;
  EXPECT_EQ(egress.Json()["server_allow"], json({"127.0.0.0/8", "10.0.0.0/8"})) << egress.body;
  EXPECT_EQ(egress.Json()["allow"], json::array());
  // Still refused: what the list does not name.
  server.Connection(s, "meta", {{"host", "http://169.254.169.254"}});
  ExpectEgressRefusal(server.Preview(s, RestPipeline("meta", "/latest/meta-data/")), "169.254.169.254");
}

TEST(ServerEgress, OrganizationAllowListIsAdminOnlyAndAudited) {
  EgressServer server;
  ASSERT_TRUE(server.ok()) << server.Err();
  JsonApiServer api([](const JsonApiServer::Request&) { return JsonApiServer::Reply{200, json{{"items", Records(1, 2)}}.dump()}; });
  Session admin = Register(server.C(), "orgadmin");
  Session dev = Register(server.C(), "orgdev");
  Session other = Register(server.C(), "otherorg");
  ASSERT_EQ(server.C().Call("POST", "/api/v1/members", json{{"email", dev.email}, {"role", "developer"}}.dump(), admin.Auth()).status, 201);
  server.Connection(admin, "api", {{"host", api.Base()}});
  ExpectEgressRefusal(server.Preview(admin, RestPipeline("api", "/items")), "127.0.0.1");

  // Only an admin may change it; bad blocks are a 400 naming the entry.
  auto by_dev = server.C().Call("PUT", "/api/v1/organization/egress", json{{"allow", {"127.0.0.1/32"}}}.dump(), dev.Auth(admin.org_id));
  EXPECT_EQ(by_dev.status, 403) << by_dev.body;
  auto bad = server.C().Call("PUT", "/api/v1/organization/egress", json{{"allow", {"127.0.0.1/32", "localhost"}}}.dump(), admin.Auth());
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(bad.body.find("localhost"), std::string::npos) << bad.body;
  auto put = server.C().Call("PUT", "/api/v1/organization/egress", json{{"allow", {"127.0.0.1/32"}}}.dump(), admin.Auth());
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.Json()["allow"], json({"127.0.0.1/32"}));
  EXPECT_EQ(server.C().Call("GET", "/api/v1/organization/egress", "", dev.Auth(admin.org_id)).Json()["allow"], json({"127.0.0.1/32"}));

  auto r = server.Preview(admin, RestPipeline("api", "/items"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["rows"].size(), 2u);
  // Another organization is not affected.
  server.Connection(other, "api", {{"host", api.Base()}});
  ExpectEgressRefusal(server.Preview(other, RestPipeline("api", "/items")), "127.0.0.1");

  auto audit = server.C().Call("GET", "/api/v1/audit", "", admin.Auth());
  EXPECT_NE(audit.body.find("organization.egress.update"), std::string::npos) << audit.body.substr(0, 500);
  EXPECT_TRUE(server.Alive());
}

TEST(ServerEgress, StorageEndpointsConnectToTokenUrlsAndRunsAreChecked) {
  EgressServer server;
  ASSERT_TRUE(server.ok()) << server.Err();
  JsonApiServer api([](const JsonApiServer::Request&) { return JsonApiServer::Reply{200, json{{"items", Records(1, 2)}}.dump()}; });
  Session s = Register(server.C(), "s3tok");
  const std::string port = std::to_string(api.port());
  const json cases[] = {
      {{"name", "a"}, {"type", "s3"}, {"user", "AK"}, {"secret", "SK"}, {"options", {{"endpoint", api.Base()}, {"bucket", "b"}}}},
      // CONNECT_TO keeps the public name in the URL but would connect to loopback.
      {{"name", "b"}, {"type", "s3"}, {"user", "AK"}, {"secret", "SK"},
       {"options", {{"endpoint", "http://s3.amazonaws.com"}, {"bucket", "b"}, {"connect_to", "s3.amazonaws.com:80:127.0.0.1:" + port}}}},
      // An Azure Blob endpoint is checked like an S3 one.
      {{"name", "d"}, {"type", "azure_blob"}, {"user", "acct"}, {"secret", "c2VjcmV0LWtleQ=="},
       {"options", {{"endpoint", api.Base() + "/acct"}, {"container", "c"}}}},
      // The OAuth2 token request goes to the token URL first.
      {{"name", "c"}, {"type", "http"}, {"host", "https://api.example.com"}, {"user", "client"}, {"secret", "csecret"},
       {"options", {{"auth", "oauth2"}, {"token_url", api.Base() + "/oauth/token"}}}},
  };
  for (const json& c : cases) {
    SCOPED_TRACE(c.dump());
    ExpectEgressRefusal(server.C().Call("POST", "/api/v1/connections/test", c.dump(), s.Auth()), "127.0.0.1");
  }
  // A run (the executor's path, not the editor's) fails naming the refusal.
  server.Connection(s, "api", {{"host", api.Base()}, {"secret", "t"}});
  json doc = RestPipeline("api", "/items");
  doc["nodes"].push_back({{"id", "out"}, {"type", "load"}, {"module", "http"}, {"config", {{"connection", "api"}, {"path", "/sink"}}}});
  doc["edges"] = {{{"source", "api"}, {"target", "out"}}};
  auto created = server.C().Call("POST", "/api/v1/pipelines", doc.dump(), s.Auth());
  ASSERT_EQ(created.status, 201) << created.body;
  auto started = server.C().Call("POST", "/api/v1/pipelines/" + created.Json()["id"].get<std::string>() + "/runs", "{}", s.Auth());
  ASSERT_EQ(started.status, 202) << started.body;
  json run;
  for (int i = 0; i < 600; ++i) {
    run = server.C().Call("GET", "/api/v1/runs/" + started.Json()["id"].get<std::string>(), "", s.Auth()).Json();
    if (!IsLiveRunStatus(run.value("status", ""))) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(run["status"], "failed") << run.dump();
  EXPECT_NE(run.dump().find("not allowed by the egress policy"), std::string::npos) << run.dump();
  EXPECT_TRUE(api.Requests().empty()) << api.Requests().size() << " request(s) reached the internal API";
  EXPECT_TRUE(server.Alive());
}

}  // namespace
}  // namespace logidata::testing

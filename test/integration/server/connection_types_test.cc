// The server stores and tests only connections of a type some module can use (the registry's
// connection types plus `secret`), answers 400 naming /type for any other, and serves the list
// the connections page offers in GET /api/v1/modules. Against a real `logidata server`.
#include <map>
#include <set>

#include "server_harness.h"

namespace logidata::testing {
namespace {

class ConnectionTypesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("ld-conn-types");
    ASSERT_TRUE(server_.Start(dir_ + "/data", "")) << ReadFile(dir_ + "/data/server.err");
  }
  void TearDown() override {
    server_.Stop();
    std::error_code ec;
    if (!HasFailure()) fs::remove_all(dir_, ec);
  }
  HttpClient C() const { return server_.Client(); }

  std::string dir_;
  ServerProcess server_;
};

struct TypeCase {
  std::string type;
  int status;  // of POST /api/v1/connections
};

TEST_F(ConnectionTypesTest, AcceptsOnlyTypesSomeModuleUses) {
  Session s = Register(C(), "types");
  const std::vector<TypeCase> cases = {
      {"postgres", 201}, {"postgresql", 201}, {"mysql", 201}, {"mariadb", 201}, {"sqlite", 201},
      {"http", 201},     {"rest", 201},       {"s3", 201},    {"secret", 201},  {"clickhouse", 201}, {"smtp", 400},
      {"redis", 400},    {"kafka", 400},      {"rabbitmq", 201}, {"nats", 400}, {"Postgres", 400},
      {"postgres ", 400}, {"../etc", 400},
  };
  for (const TypeCase& c : cases) {
    SCOPED_TRACE("type '" + c.type + "'");
    auto r = C().Call("POST", "/api/v1/connections", json{{"name", Unique("c")}, {"type", c.type}}.dump(), s.Auth());
    ASSERT_EQ(r.status, c.status) << r.body;
    if (c.status != 400) continue;
    json error = r.Json()["errors"][0];
    EXPECT_EQ(error["field"], "/type") << r.body;
    EXPECT_NE(r.body.find("use one of: azure_blob, clickhouse, http, mysql, postgres, rabbitmq, s3, secret, sqlite"), std::string::npos) << r.body;
  }
  // The unsaved-connection test refuses the same types before trying anything.
  auto test = C().Call("POST", "/api/v1/connections/test", json{{"name", "x"}, {"type", "kafka"}}.dump(), s.Auth());
  EXPECT_EQ(test.status, 400) << test.body;
  EXPECT_NE(test.body.find("/type"), std::string::npos) << test.body;
}

TEST_F(ConnectionTypesTest, AnEditCannotSwitchToAnUnusableType) {
  Session s = Register(C(), "types-put");
  auto created = C().Call("POST", "/api/v1/connections", json{{"name", "lake"}, {"type", "s3"}}.dump(), s.Auth());
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = created.Json()["id"];
  auto bad = C().Call("PUT", "/api/v1/connections/" + id, json{{"type", "redis"}}.dump(), s.Auth());
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.Json()["errors"][0]["field"], "/type") << bad.body;
  EXPECT_EQ(C().Call("GET", "/api/v1/connections/" + id, "", s.Auth()).Json()["type"], "s3");
  // Sending the whole form back with its unchanged type is fine.
  auto same = C().Call("PUT", "/api/v1/connections/" + id, json{{"type", "s3"}, {"host", "minio"}}.dump(), s.Auth());
  EXPECT_EQ(same.status, 200) << same.body;
  auto other = C().Call("PUT", "/api/v1/connections/" + id, json{{"type", "postgres"}}.dump(), s.Auth());
  EXPECT_EQ(other.status, 200) << other.body;
}

TEST_F(ConnectionTypesTest, ModulesListTheTypesThePageOffers) {
  Session s = Register(C(), "types-mod");
  auto r = C().Call("GET", "/api/v1/modules", "", s.Auth());
  ASSERT_EQ(r.status, 200) << r.body;
  json body = r.Json();
  EXPECT_EQ(body["connection_types"], json({"azure_blob", "clickhouse", "http", "mysql", "postgres", "rabbitmq", "s3", "secret", "sqlite"}));
  // Each connector says which types it accepts; the list above is made of their canonical names.
  std::set<std::string> declared;
  for (const json& m : body["items"]) {
    if (!m["connection_types"].empty()) declared.insert(m["connection_types"][0].get<std::string>());
  }
  declared.insert("secret");  // keys for transforms, whether or not a module declares it
  EXPECT_EQ(declared, body["connection_types"].get<std::set<std::string>>());
  // The palette and its forms are built from these items: the GraphQL extract (on http
  // connections) and the XML load are among them, with their config schemas.
  std::map<std::string, json> by_key;
  for (const json& m : body["items"]) by_key[m["key"].get<std::string>()] = m;
  ASSERT_TRUE(by_key.count("extract.graphql")) << r.body.substr(0, 500);
  EXPECT_EQ(by_key["extract.graphql"]["connection_types"][0], "http");
  EXPECT_TRUE(by_key["extract.graphql"]["config_schema"]["properties"].contains("query"));
  ASSERT_TRUE(by_key.count("load.xml"));
  EXPECT_TRUE(by_key["load.xml"]["config_schema"]["properties"].contains("row_element"));
}

}  // namespace
}  // namespace logidata::testing

// transform.lookup against a real `logidata server`: a tenant's lookup URL — absolute, through a
// connection, or steered by a column value — must not make the server reach loopback, link-local
// (cloud metadata) or other internal addresses. Each attempt is refused with a 4xx naming the
// address and "egress", and no request reaches the internal API; the same pipeline works once
// the server's allow-list names the address, so the refusal is the policy's doing.
#include "integration/server/json_api_server.h"
#include "integration/server/server_harness.h"

namespace logidata::testing {
namespace {

class LookupServer {
 public:
  explicit LookupServer(std::vector<std::string> extra = {}) {
    dir_ = MakeTempDir("ld-lookup-egress");
    ok_ = server_.Start(dir_ + "/data", "", std::move(extra));
  }
  bool ok() const { return ok_; }
  HttpClient C() const { return server_.Client(); }
  std::string Err() const { return ReadFile(dir_ + "/data/server.err"); }

  // Registers a tenant and uploads addresses.csv into its files.
  Session Tenant(const std::string& name) {
    Session s = Register(C(), name);
    auto up = C().Call("PUT", "/api/v1/files/content?path=addresses.csv", "id,address\n1,Berlin\n2,127.0.0.1\n", s.Auth());
    EXPECT_LT(up.status, 300) << up.body;
    return s;
  }
  HttpResult Preview(const Session& s, const json& lookup_config) {
    json doc = {{"name", "lookup-egress"},
                {"nodes", {{{"id", "src"}, {"type", "extract"}, {"module", "csv"}, {"config", {{"path", "addresses.csv"}}}},
                           {{"id", "geo"}, {"type", "transform"}, {"module", "lookup"}, {"config", lookup_config}}}},
                {"edges", {{{"source", "src"}, {"target", "geo"}}}}};
    return C().Call("POST", "/api/v1/preview", json{{"pipeline", doc}, {"node_id", "geo"}, {"limit", 10}}.dump(), s.Auth());
  }

 private:
  std::string dir_;
  ServerProcess server_;
  bool ok_ = false;
};

json Lookup(const std::string& url) {
  return {{"url", url}, {"response_path", "/0"}, {"fields", {{"lat", {{"path", "lat"}, {"type", "float64"}}}}},
          {"retries", {{"max_retries", 0}}}};
}

JsonApiServer::Reply Geocoder(const JsonApiServer::Request&) {
  return {200, R"([{"lat": "52.5170365", "lon": "13.3888599"}])", {}};
}

TEST(ServerLookupEgress, InternalAddressesAreRefused) {
  LookupServer server;
  ASSERT_TRUE(server.ok()) << server.Err();
  JsonApiServer api(Geocoder);
  Session s = server.Tenant("lookup-egress");
  const std::string port = std::to_string(api.port());
  struct Case {
    std::string url;
    std::string shown;  // the address the refusal names
  };
  const Case cases[] = {
      {"http://127.0.0.1:" + port + "/search?q={address}", "127.0.0.1"},
      {"http://localhost:" + port + "/search?q={address}", "localhost"},
      {"http://[::ffff:127.0.0.1]:" + port + "/search?q={address}", "127.0.0.1"},
      {"http://2130706433:" + port + "/search?q={address}", "127.0.0.1"},
      {"http://169.254.169.254/latest/meta-data/{address}", "169.254.169.254"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.url);
    auto r = server.Preview(s, Lookup(c.url));
    EXPECT_GE(r.status, 400) << r.body;
    EXPECT_LT(r.status, 500) << r.body;
    EXPECT_NE(r.body.find("egress"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find(c.shown), std::string::npos) << r.body;
  }
  // Through a connection whose base URL is internal: the same refusal.
  auto conn = server.C().Call("POST", "/api/v1/connections",
                              json{{"name", "internal"}, {"type", "http"}, {"host", api.Base()}}.dump(), s.Auth());
  ASSERT_EQ(conn.status, 201) << conn.body;
  json via = Lookup("/search?q={address}");
  via["connection"] = "internal";
  auto r = server.Preview(s, via);
  EXPECT_GE(r.status, 400) << r.body;
  EXPECT_LT(r.status, 500) << r.body;
  EXPECT_NE(r.body.find("egress"), std::string::npos) << r.body;
  // A column value cannot choose the host (the CSV's second row holds "127.0.0.1").
  auto steered = server.Preview(s, Lookup("http://{address}/search"));
  EXPECT_EQ(steered.status, 400) << steered.body;
  EXPECT_NE(steered.body.find("/nodes/1/config/url"), std::string::npos) << steered.body;
  EXPECT_NE(steered.body.find("placeholders may appear only in the path and query"), std::string::npos) << steered.body;

  EXPECT_TRUE(api.Requests().empty()) << api.Requests().size() << " request(s) reached the internal API";
}

TEST(ServerLookupEgress, AllowListedAddressesWork) {
  LookupServer server({"--allow-egress", "127.0.0.1/32"});
  ASSERT_TRUE(server.ok()) << server.Err();
  JsonApiServer api(Geocoder);
  Session s = server.Tenant("lookup-allowed");
  auto r = server.Preview(s, Lookup(api.Base() + "/search?q={address}"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["rows"], json::parse(R"([[1, "Berlin", 52.5170365], [2, "127.0.0.1", 52.5170365]])")) << r.body;
  EXPECT_EQ(api.Requests().size(), 2u);
  // The metadata address stays refused: the allow-list opens exactly what it names.
  auto metadata = server.Preview(s, Lookup("http://169.254.169.254/latest/meta-data/{address}"));
  EXPECT_GE(metadata.status, 400) << metadata.body;
  EXPECT_LT(metadata.status, 500) << metadata.body;
  EXPECT_NE(metadata.body.find("169.254.169.254"), std::string::npos) << metadata.body;
}

}  // namespace
}  // namespace logidata::testing

// extract.http / load.http against scripts/servers/http_test_server.py (a real HTTP server on
// 127.0.0.1): every pagination kind, auth kinds, 429 with Retry-After, 500s, slow responses.
#include <chrono>

#include "connectors/connection_tester.h"
#include "connectors/http/http_client.h"
#include "integration/connectors/connector_test_support.h"
#include <fstream>

namespace logidata::testing {
namespace {

class HttpTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto line = server_.Start({"/usr/bin/python3", SourceDir() + "/scripts/servers/http_test_server.py", "0"});
    ASSERT_TRUE(line.ok()) << line.status().ToString();
    port_ = std::stoi(line->substr(6));
    base_ = "http://127.0.0.1:" + std::to_string(port_);
    Add("api", "none", "", "");
    Add("bearer", "bearer", "", "secret-token");
    Add("basic", "basic", "alice", "pw");
    Add("apikey", "api_key", "", "k-42");
    ConnectionConfig q = Make("apikey_query", "api_key", "", "k-42");
    q.options["api_key_query"] = "api_key";
    connections_.Add(q);
    ConnectionConfig o = Make("oauth", "oauth2", "client", "csecret");
    o.options["token_url"] = base_ + "/oauth/token";
    connections_.Add(o);
    Add("wrongbearer", "bearer", "", "nope");
  }
  static void TearDownTestSuite() { server_.Stop(); }

  static ConnectionConfig Make(const std::string& name, const std::string& auth, const std::string& user, const std::string& secret) {
    ConnectionConfig c;
    c.name = name;
    c.type = "http";
    c.host = base_;
    c.user = user;
    c.secret = secret;
    c.options = {{"auth", auth}};
    return c;
  }
  static void Add(const std::string& name, const std::string& auth, const std::string& user, const std::string& secret) {
    connections_.Add(Make(name, auth, user, secret));
  }
  static std::string Get(const std::string& path) {
    HttpClient client({});
    auto r = client.Send({"GET", base_ + path, {}, ""});
    return r.ok() ? r->body : r.status().ToString();
  }

  static inline ChildProcess server_;
  static inline int port_ = 0;
  static inline std::string base_;
  static inline MemoryConnections connections_;
};

std::vector<int64_t> Ids(const std::vector<BatchPtr>& batches) {
  std::vector<int64_t> ids;
  for (const auto& b : batches) {
    int idx = b->schema()->FieldIndex("id");
    for (int64_t r = 0; r < b->num_rows(); ++r) ids.push_back(b->column(idx)->Get<int64_t>(r));
  }
  return ids;
}

TEST_F(HttpTest, PaginationKinds) {
  std::vector<int64_t> all;
  for (int i = 1; i <= 25; ++i) all.push_back(i);
  struct Case {
    std::string name;
    nlohmann::json config;
  };
  std::vector<Case> cases = {
      {"page", {{"path", "/page"}, {"record_path", "data.items"},
                {"pagination", {{"type", "page"}, {"size_param", "per_page"}, {"page_size", 10}}}}},
      {"page without size (stops at an empty page)", {{"path", "/page"}, {"record_path", "data.items"},
                {"query", {{"per_page", "4"}}}, {"pagination", {{"type", "page"}}}}},
      {"offset", {{"path", "/offset"}, {"record_path", "results"}, {"pagination", {{"type", "offset"}, {"page_size", 6}}}}},
      {"cursor", {{"path", "/cursor"}, {"record_path", "items"}, {"pagination", {{"type", "cursor"}, {"cursor_path", "meta.next"}}}}},
      {"link header", {{"path", "/link"}, {"pagination", {{"type", "link"}}}}},
      {"next url in body", {{"path", "/nexturl"}, {"record_path", "records"}, {"pagination", {{"type", "next_url"}, {"next_url_path", "next"}}}}},
  };
  for (auto c : cases) {
    SCOPED_TRACE(c.name);
    c.config["connection"] = "api";
    auto out = RunExtract("extract.http", c.config, &connections_);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ(Ids(*out), all);
  }
}

TEST_F(HttpTest, FlattensNestedRecordsAndInfersTypes) {
  auto out = RunExtract("extract.http", {{"connection", "api"}, {"path", "/offset"}, {"record_path", "results"},
                                         {"query", {{"limit", "6"}}}},
                        &connections_);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ((*out)[0]->schema()->ToString(),
            "id: int64, name: string, active: bool, score: float64, user.name: string, user.geo.lat: float64, tags: string");
  EXPECT_EQ(Rows(*(*out)[0])[4], (std::vector<std::string>{"5", "n5", "false", "NULL", "u5", "2.5", "[\"t5\"]"}));
  // Explicit columns override inference.
  auto typed = RunExtract("extract.http", {{"connection", "api"}, {"path", "/offset"}, {"record_path", "results"},
                                           {"columns", {{"id", "int32"}, {"user.geo.lat", "decimal(6,2)"}}}},
                          &connections_);
  ASSERT_TRUE(typed.ok()) << typed.status().ToString();
  EXPECT_EQ(Rows(*(*typed)[0])[2], (std::vector<std::string>{"3", "1.50"}));
}

TEST_F(HttpTest, AuthKinds) {
  for (std::string kind : {"bearer", "basic", "apikey", "apikey_query", "oauth"}) {
    SCOPED_TRACE(kind);
    auto out = RunExtract("extract.http", {{"connection", kind}, {"path", "/auth/" + kind}, {"record_path", "items"}},
                          &connections_);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ(Ids(*out), (std::vector<int64_t>{1, 2}));
  }
  auto denied = RunExtract("extract.http", {{"connection", "wrongbearer"}, {"path", "/auth/bearer"}, {"record_path", "items"}},
                           &connections_);
  EXPECT_EQ(denied.status().code(), StatusCode::kUnauthenticated) << denied.status().ToString();
  EXPECT_EQ(denied.status().message().find("nope"), std::string::npos) << "secret leaked";
  ConnectionConfig tested = *connections_.Resolve("bearer");
  tested.options["test_path"] = "/auth/bearer";
  EXPECT_TRUE(TestConnection(tested).ok()) << TestConnection(tested).ToString();
  tested.secret = "nope";
  EXPECT_EQ(TestConnection(tested).code(), StatusCode::kUnauthenticated);
}

TEST_F(HttpTest, RetriesHonourRetryAfterAndBackoff) {
  struct Case {
    std::string name;
    std::string path;
    std::string key;
    int max_retries;
    bool ok;
    int expected_hits;
    double min_seconds;
  };
  std::vector<Case> cases = {
      {"429 then ok: waits Retry-After (1 s)", "/flaky429?key=a", "429:a", 3, true, 2, 0.95},
      {"two 500s then ok", "/flaky500?key=b&fail=2", "500:b", 3, true, 3, 0.0},
      {"500s beyond the retry budget", "/flaky500?key=c&fail=9", "500:c", 2, false, 3, 0.0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto start = std::chrono::steady_clock::now();
    nlohmann::json cfg = {{"connection", "api"}, {"path", c.path.substr(0, c.path.find('?'))}, {"record_path", "items"},
                          {"columns", {{"id", "int64"}}},
                          {"retries", {{"max_retries", c.max_retries}, {"base_delay_ms", 50}, {"max_delay_ms", 200}}}};
    std::string query = c.path.substr(c.path.find('?') + 1);
    for (size_t pos = 0; pos < query.size();) {
      size_t amp = query.find('&', pos);
      std::string kv = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
      cfg["query"][kv.substr(0, kv.find('='))] = kv.substr(kv.find('=') + 1);
      pos = amp == std::string::npos ? query.size() : amp + 1;
    }
    auto out = RunExtract("extract.http", cfg, &connections_);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(out.ok(), c.ok) << out.status().ToString();
    if (!c.ok) {
      EXPECT_EQ(out.status().code(), StatusCode::kUnavailable);
      EXPECT_NE(out.status().message().find("HTTP 500"), std::string::npos) << out.status().ToString();
    }
    EXPECT_GE(seconds, c.min_seconds);
    EXPECT_EQ(Get("/hits?key=" + c.key), "{\"count\": " + std::to_string(c.expected_hits) + "}");
  }
}

TEST_F(HttpTest, TimeoutsAndServerDown) {
  auto start = std::chrono::steady_clock::now();
  auto slow = RunExtract("extract.http", {{"connection", "api"}, {"path", "/slow"}, {"query", {{"delay", "3"}}},
                                          {"record_path", "items"}, {"columns", {{"id", "int64"}}}, {"timeout_seconds", 0.3},
                                          {"retries", {{"max_retries", 1}, {"base_delay_ms", 10}}}},
                         &connections_);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(slow.status().code(), StatusCode::kUnavailable) << slow.status().ToString();
  EXPECT_NE(slow.status().message().find("2 attempt"), std::string::npos) << slow.status().ToString();
  EXPECT_LT(seconds, 2.5);
  MemoryConnections down;
  ConnectionConfig c = Make("down", "none", "", "");
  c.host = "http://127.0.0.1:" + std::to_string(FreePort());
  down.Add(c);
  auto refused = RunExtract("extract.http", {{"connection", "down"}, {"columns", {{"id", "int64"}}},
                                             {"retries", {{"max_retries", 2}, {"base_delay_ms", 10}}}},
                            &down);
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable) << refused.status().ToString();
  EXPECT_NE(refused.status().message().find("3 attempt"), std::string::npos) << refused.status().ToString();
  auto missing = RunExtract("extract.http", {{"connection", "api"}, {"path", "/nope"}, {"columns", {{"id", "int64"}}}}, &connections_);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound) << missing.status().ToString();
}

TEST_F(HttpTest, RateLimitSpacesRequests) {
  auto start = std::chrono::steady_clock::now();
  auto out = RunExtract("extract.http", {{"connection", "api"}, {"path", "/offset"}, {"record_path", "results"},
                                         {"columns", {{"id", "int64"}}}, {"rate_limit_per_second", 10},
                                         {"pagination", {{"type", "offset"}, {"page_size", 5}}}},
                        &connections_);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(Ids(*out).size(), 25u);
  EXPECT_GE(seconds, 0.5);  // 6 requests at 10/s
}

TEST_F(HttpTest, LoadSendsBatchesOnlyOnCommitWithRetries) {
  std::vector<std::vector<std::string>> rows;
  for (int i = 0; i < 7; ++i) rows.push_back({std::to_string(i), "v\"" + std::to_string(i)});
  auto batch = MakeBatch("id:int64, s:string", rows);
  struct Case {
    std::string format;
    std::string key;
    int fail;
    bool commit;
    size_t requests;
  };
  std::vector<Case> cases = {{"json_array", "arr", 0, true, 3}, {"ndjson", "nd", 2, true, 3}, {"ndjson", "aborted", 0, false, 0}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.key);
    nlohmann::json cfg = {{"connection", "api"}, {"path", "/sink?key=" + c.key + "&fail=" + std::to_string(c.fail)},
                          {"format", c.format}, {"batch_rows", 3}, {"retries", {{"base_delay_ms", 10}}}};
    Status s = RunLoad("load.http", cfg, &connections_, {batch}, c.commit);
    ASSERT_TRUE(s.ok()) << s.ToString();
    auto received = nlohmann::json::parse(Get("/sink?key=" + c.key));
    ASSERT_EQ(received.size(), c.requests);
    if (c.requests == 0) continue;
    std::vector<int64_t> ids;
    for (const auto& r : received) {
      if (c.format == "json_array") {
        EXPECT_EQ(r["type"], "application/json");
        for (const auto& rec : nlohmann::json::parse(r["body"].get<std::string>())) ids.push_back(rec["id"]);
      } else {
        EXPECT_EQ(r["type"], "application/x-ndjson");
        std::stringstream lines(r["body"].get<std::string>());
        std::string line;
        while (std::getline(lines, line)) ids.push_back(nlohmann::json::parse(line)["id"]);
      }
    }
    EXPECT_EQ(ids, (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6}));
  }
}

// Run parameters (${name}) reach the URL path, the query and the body of extract.http and the
// path of load.http when `logidata run --param` runs a pipeline: the server records what it got.
TEST_F(HttpTest, RunParametersReachUrlQueryAndBody) {
  const std::string logidata = std::string(LOGIDATA_BINARY_DIR) + "/logidata";
  ASSERT_EQ(access(logidata.c_str(), X_OK), 0) << "build the logidata target first: " << logidata;
  const std::string dir = TempDir("http-params");
  std::ofstream(dir + "/connections.json")
      << nlohmann::json{{"connections", {{"api", {{"type", "http"}, {"host", base_}, {"options", {{"auth", "none"}}}}}}}}.dump();
  std::ofstream(dir + "/pipeline.json") << R"({
    "id": "params", "name": "params",
    "parameters": {"route": {"type": "string", "default": "nowhere"}, "key": {"type": "string", "default": "k0"},
                   "since": {"type": "string", "default": "2000-01-01"}, "out": {"type": "string", "default": "o0"}},
    "nodes": [
      {"id": "src", "type": "extract", "module": "http", "config": {"connection": "api", "method": "POST",
       "path": "/${route}", "query": {"key": "${key}"}, "body": {"since": "${since}", "n": 1}}},
      {"id": "dst", "type": "load", "module": "http", "config": {"connection": "api", "path": "/sink?key=${out}"}}],
    "edges": [{"source": "src", "target": "dst"}]})";
  struct Case {
    std::string name;
    std::vector<std::string> params;  // NAME=VALUE
    std::string received_key;         // as the server decoded the query
    std::string out_key;
    std::string body;
  };
  std::vector<Case> cases = {
      {"plain values", {"route=sink", "key=run-42", "since=2024-06-01", "out=run-42-out"}, "run-42", "run-42-out",
       R"({"n":1,"since":"2024-06-01"})"},
      // Query values are URL-encoded, so '&' and '=' cannot add parameters; body values stay JSON strings.
      {"characters that need escaping", {"route=sink", "key=a b&c=d", "since=x\",\"n\":2", "out=esc-out"}, "a b&c=d",
       "esc-out", R"({"n":1,"since":"x\",\"n\":2"})"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    std::string command = logidata + " run -q " + dir + "/pipeline.json --connections " + dir + "/connections.json";
    for (const auto& p : c.params) command += " --param '" + p + "'";
    auto run = Shell(command + " 2>&1");
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    auto received = nlohmann::json::parse(Get("/sink?key=" + UrlEncode(c.received_key)));
    // Binding fetches the first page to learn the schema, so the POST may arrive twice.
    ASSERT_GE(received.size(), 1u) << received.dump();
    for (const auto& r : received) EXPECT_EQ(r["body"], c.body);
    // The extract's answer ({"ok": true}) was loaded to the path built from another parameter.
    auto loaded = nlohmann::json::parse(Get("/sink?key=" + c.out_key));
    ASSERT_EQ(loaded.size(), 1u) << loaded.dump();
    EXPECT_EQ(nlohmann::json::parse(loaded[0]["body"].get<std::string>()), nlohmann::json::parse(R"([{"ok": true}])"));
  }
}

}  // namespace
}  // namespace logidata::testing

// extract.graphql against a real GraphQL server: Apollo Server + graphql-js from npm
// (scripts/servers/graphql.sh, scripts/servers/graphql_test_server.cjs) on 127.0.0.1, which
// requires a bearer token, pages orders as a relay connection, fails a field for one order and
// answers 503 / 429 once per `flakyKey`; OAuth2 tokens come from scripts/servers/http_test_server.py.
#include <filesystem>

#include "connectors/http/http_client.h"
#include "integration/connectors/connector_test_support.h"
#include "module/builtin_modules.h"
#include "net/egress_policy.h"
#include "pipeline/run_pipeline.h"

namespace logidata::testing {
namespace {

constexpr int kOrders = 2345;        // the server's data set (graphql_test_server.cjs)
constexpr int kOpenOrders = 1564;    // ids not divisible by 3
// The access token scripts/servers/http_test_server.py's /oauth/token issues: the GraphQL server
// accepts it, so bearer and OAuth2 connections both reach it.
constexpr const char* kToken = "tok-123";

const char* kOrdersQuery =
    "query Orders($first: Int!, $after: String, $status: String) {"
    " orders(first: $first, after: $after, status: $status) {"
    "  edges { node { id number amount paid customer { name city } tags } }"
    "  pageInfo { hasNextPage endCursor } } }";

class GraphqlTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = TempDir("graphql");
    auto url = Shell(SourceDir() + "/scripts/servers/graphql.sh start " + dir_ + " " + std::to_string(FreePort()) + " " + kToken);
    ASSERT_TRUE(url.ok()) << "the GraphQL test server did not start (needs node and npm): " << url.status().ToString();
    url_ = *url;
    connections_.Add(Connection("gql", kToken));
    connections_.Add(Connection("wrong", "not-the-token"));
    auto line = token_server_.Start({"/usr/bin/python3", SourceDir() + "/scripts/servers/http_test_server.py", "0"});
    ASSERT_TRUE(line.ok()) << line.status().ToString();
    for (const auto& [name, secret] : {std::pair{"oauth", "csecret"}, std::pair{"oauth_wrong", "not-the-secret"}}) {
      ConnectionConfig c = Connection(name, secret);
      c.user = "client";
      c.options = {{"auth", "oauth2"}, {"token_url", "http://127.0.0.1:" + line->substr(6) + "/oauth/token"}};
      connections_.Add(c);
    }
  }
  static void TearDownTestSuite() {
    (void)Shell(SourceDir() + "/scripts/servers/graphql.sh stop " + dir_);
    token_server_.Stop();
  }

  static ConnectionConfig Connection(const std::string& name, const std::string& token) {
    ConnectionConfig c;
    c.name = name;
    c.type = "http";
    c.host = url_;
    c.secret = token;
    c.options = {{"auth", "bearer"}};
    return c;
  }

  // A config for the orders connection; retries are fast so the retry tests take milliseconds.
  static nlohmann::json Config(nlohmann::json variables, bool relay = true) {
    nlohmann::json c = {{"connection", "gql"},
                        {"path", "/"},
                        {"query", kOrdersQuery},
                        {"variables", std::move(variables)},
                        {"record_path", "orders.edges.node"},
                        {"retries", {{"max_retries", 3}, {"base_delay_ms", 10}, {"max_delay_ms", 50}}}};
    if (relay) c["pagination"] = {{"type", "relay"}};
    return c;
  }

  // How many requests the server saw with variables.flakyKey == key.
  static int RequestsWithKey(const std::string& key) {
    HttpClient client({});
    nlohmann::json body = {{"query", "query($k: String!) { requests(key: $k) }"}, {"variables", {{"k", key}}}};
    auto r = client.Send({"POST", url_ + "/", {"Content-Type: application/json", std::string("Authorization: Bearer ") + kToken}, body.dump()});
    if (!r.ok()) return -1;
    return nlohmann::json::parse(r->body)["data"]["requests"].get<int>();
  }

  static inline std::string dir_, url_;
  static inline MemoryConnections connections_;
  static inline ChildProcess token_server_;  // the OAuth2 token endpoint
};

int64_t Rows(const std::vector<BatchPtr>& batches) {
  int64_t n = 0;
  for (const auto& b : batches) n += b->num_rows();
  return n;
}

std::vector<int64_t> Ids(const std::vector<BatchPtr>& batches) {
  std::vector<int64_t> ids;
  for (const auto& b : batches) {
    int idx = b->schema()->FieldIndex("id");
    for (int64_t r = 0; r < b->num_rows(); ++r) ids.push_back(b->column(idx)->Get<int64_t>(r));
  }
  return ids;
}

TEST_F(GraphqlTest, RelayPaginationReadsEveryRecordOnceAPageABatch) {
  auto out = RunExtract("extract.graphql", Config({{"first", 200}, {"status", "open"}}), &connections_);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(Rows(*out), kOpenOrders);
  EXPECT_EQ(out->size(), static_cast<size_t>((kOpenOrders + 199) / 200));  // one batch per page
  std::vector<int64_t> ids = Ids(*out);
  std::vector<int64_t> want;
  for (int64_t i = 1; i <= kOrders; ++i) {
    if (i % 3 != 0) want.push_back(i);
  }
  EXPECT_EQ(ids, want);  // every open order once, in order: the cursor moved page by page

  // Nested objects became dotted columns; a null customer gives nulls; lists stay JSON text.
  const Batch& first = *out->front();
  const auto& schema = *first.schema();
  ASSERT_GE(schema.FieldIndex("customer.city"), 0);
  EXPECT_EQ(first.column(schema.FieldIndex("number"))->GetString(0), "ORD-00001");
  EXPECT_EQ(first.column(schema.FieldIndex("customer.name"))->GetString(0), "Customer \"1\" & <Co>");
  EXPECT_EQ(first.column(schema.FieldIndex("customer.city"))->GetString(0), "Zürich");
  EXPECT_EQ(first.column(schema.FieldIndex("customer.city"))->GetString(2), "東京");  // order 4
  EXPECT_TRUE(first.column(schema.FieldIndex("customer.name"))->IsNull(4));         // order 7
  EXPECT_EQ(first.column(schema.FieldIndex("tags"))->GetString(0), "[\"t1\"]");
}

TEST_F(GraphqlTest, VariablesAndMaxPagesBoundWhatIsRead) {
  auto closed = RunExtract("extract.graphql", Config({{"first", 5}, {"status", "closed"}}, /*relay=*/false), &connections_);
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  EXPECT_EQ(Ids(*closed), (std::vector<int64_t>{3, 6, 9, 12, 15}));

  nlohmann::json capped = Config({{"first", 50}});
  capped["pagination"]["max_pages"] = 3;
  auto three = RunExtract("extract.graphql", capped, &connections_);
  ASSERT_TRUE(three.ok()) << three.status().ToString();
  EXPECT_EQ(Rows(*three), 150);
  EXPECT_EQ(Ids(*three).back(), 150);
}

TEST_F(GraphqlTest, BearerTokenFromTheConnectionIsSentAndAWrongOneFails) {
  nlohmann::json config = Config({{"first", 10}}, false);
  ASSERT_TRUE(RunExtract("extract.graphql", config, &connections_).ok());
  config["connection"] = "wrong";
  auto out = RunExtract("extract.graphql", config, &connections_);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kUnauthenticated) << out.status().ToString();
  EXPECT_NE(out.status().message().find("not authenticated: a valid bearer token is required"), std::string::npos)
      << out.status().ToString();
}

TEST_F(GraphqlTest, OAuth2ClientCredentialsTokenIsFetchedAndSent) {
  nlohmann::json config = Config({{"first", 10}}, false);
  config["connection"] = "oauth";
  auto out = RunExtract("extract.graphql", config, &connections_);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(Rows(*out), 10);
  config["connection"] = "oauth_wrong";
  auto refused = RunExtract("extract.graphql", config, &connections_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kUnauthenticated) << refused.status().ToString();
  EXPECT_NE(refused.status().message().find("OAuth2 token request"), std::string::npos) << refused.status().ToString();
}

TEST_F(GraphqlTest, Retries503And429AndFailsWhenRetriesRunOut) {
  for (const std::string status : {"503", "429"}) {
    SCOPED_TRACE(status);
    const std::string key = status + "-retry-" + std::to_string(getpid());
    nlohmann::json config = Config({{"first", 300}, {"flakyKey", key}});
    config["columns"] = {{"id", "int64"}};  // no schema-inference request: the count below is exact
    auto out = RunExtract("extract.graphql", config, &connections_);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ(Rows(*out), kOrders);
    // The first request was refused, retried once, then every later page went through.
    EXPECT_EQ(RequestsWithKey(key), 1 + (kOrders + 299) / 300);

    nlohmann::json no_retries = config;
    no_retries["variables"]["flakyKey"] = key + "-once";
    no_retries["retries"]["max_retries"] = 0;
    auto failed = RunExtract("extract.graphql", no_retries, &connections_);
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.status().code(), StatusCode::kUnavailable) << failed.status().ToString();
    EXPECT_NE(failed.status().message().find("HTTP " + status), std::string::npos) << failed.status().ToString();
  }
}

TEST_F(GraphqlTest, ErrorsArrayFailsTheRunNamingNodeMessagePathAndLocation) {
  // Order 2's `broken` field fails: the answer has partial data and one error. The whole pipeline
  // runs so the message carries the node id the executor adds.
  const std::string out_path = TempDir("graphql-out") + "/orders.csv";
  nlohmann::json config = Config({{"first", 10}}, false);
  config["query"] = "query($first: Int!) { orders(first: $first) {\n  edges { node { id broken } } } }";
  config["columns"] = {{"id", "int64"}, {"broken", "string"}};  // bound without a request: the run fails
  nlohmann::json doc = {{"name", "gql-errors"},
                        {"nodes", {{{"id", "orders_api"}, {"type", "extract"}, {"module", "graphql"}, {"config", config}},
                                   {{"id", "out"}, {"type", "load"}, {"module", "csv"}, {"config", {{"path", out_path}}}}}},
                        {"edges", {{{"source", "orders_api"}, {"target", "out"}}}}};
  auto spec = ParsePipelineJson(doc);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  RunOptions options;
  options.run_id = "graphql-errors";
  options.connections = &connections_;
  RunResult r = RunPipeline(*spec, BuiltinModules(), options);
  ASSERT_FALSE(r.status.ok());
  const std::string m = r.status.ToString();
  EXPECT_EQ(r.status.code(), StatusCode::kDataError) << m;
  for (const char* part : {"node 'orders_api'", "page 1", "1 error", "\"order 2 cannot be read\"",
                           "at path orders.edges.1.node.broken", "line 2 column 21", "(ORDER_LOCKED)", "partial data"}) {
    EXPECT_NE(m.find(part), std::string::npos) << "missing " << part << " in: " << m;
  }
  EXPECT_FALSE(std::filesystem::exists(out_path));  // nothing was published

  // Without columns the first page is read to infer them, so validation fails the same way.
  config.erase("columns");
  doc["nodes"][0]["config"] = config;
  RunResult validated = RunPipeline(*ParsePipelineJson(doc), BuiltinModules(), options);
  EXPECT_NE(validated.status.message().find("(node 'orders_api'): extract.graphql page 1: the GraphQL server answered 1 error"),
            std::string::npos) << validated.status.ToString();

  // A query the server rejects (HTTP 400 with `errors`): the validation message, as InvalidArgument.
  config["query"] = "query($first: Int!) { orders(first: $first) { edges { node { id nope } } } }";
  auto rejected = RunExtract("extract.graphql", config, &connections_);
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.status().code(), StatusCode::kInvalidArgument) << rejected.status().ToString();
  EXPECT_NE(rejected.status().message().find("Cannot query field \"nope\" on type \"Order\""), std::string::npos)
      << rejected.status().ToString();
  EXPECT_NE(rejected.status().message().find("HTTP 400"), std::string::npos) << rejected.status().ToString();
}

TEST_F(GraphqlTest, RecordPathAndPaginationMistakesAreNamed) {
  nlohmann::json config = Config({{"first", 10}}, false);
  config["record_path"] = "orders.items.node";
  auto missing = RunExtract("extract.graphql", config, &connections_);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("no field 'items' in 'orders'"), std::string::npos) << missing.status().ToString();

  // Relay pagination needs the cursor variable in the query.
  nlohmann::json no_after = Config({{"first", 10}});
  no_after["query"] = "query($first: Int!) { orders(first: $first) { edges { node { id } } pageInfo { hasNextPage endCursor } } }";
  auto bound = BindConnector("extract.graphql", no_after, &connections_);
  ASSERT_FALSE(bound.ok());
  EXPECT_NE(bound.status().message().find("/pagination/cursor_variable"), std::string::npos) << bound.status().ToString();

  // Relay pagination without pageInfo in the answer.
  nlohmann::json no_info = Config({{"first", 10}});
  no_info["query"] = "query($first: Int!, $after: String) { orders(first: $first, after: $after) { edges { node { id } } } }";
  no_info["columns"] = {{"id", "int64"}};
  auto info = RunExtract("extract.graphql", no_info, &connections_);
  ASSERT_FALSE(info.ok());
  EXPECT_NE(info.status().message().find("no pageInfo object at 'orders.pageInfo'"), std::string::npos) << info.status().ToString();
}

TEST_F(GraphqlTest, ServerEgressPolicyRefusesThePrivateAddress) {
  // In server mode a connection carries its organization's egress policy: the default refuses
  // loopback, for the name and the address alike, before anything is sent.
  EgressPolicy strict;
  auto allowed = EgressPolicy::WithAllowList({"127.0.0.0/8"});
  ASSERT_TRUE(allowed.ok());
  const std::string port = url_.substr(url_.rfind(':') + 1);
  for (const std::string& host : {url_, "http://localhost:" + port}) {
    SCOPED_TRACE(host);
    MemoryConnections tenant;
    ConnectionConfig c = Connection("gql", kToken);
    c.host = host;
    c.egress = &strict;
    tenant.Add(c);
    const std::string key = "503-egress-" + std::to_string(getpid()) + host;
    nlohmann::json config = Config({{"first", 10}, {"flakyKey", key}}, false);
    config["columns"] = {{"id", "int64"}};
    auto out = RunExtract("extract.graphql", config, &tenant);
    ASSERT_FALSE(out.ok());
    EXPECT_TRUE(IsEgressRefusal(out.status())) << out.status().ToString();
    EXPECT_EQ(RequestsWithKey(key), 0);  // refused before connecting
    // Allowed by the organization's list: the same node works.
    c.egress = &*allowed;
    tenant.Add(c);
    auto ok = RunExtract("extract.graphql", config, &tenant);
    ASSERT_TRUE(ok.ok()) << ok.status().ToString();
    EXPECT_EQ(Rows(*ok), 10);
  }
}

}  // namespace
}  // namespace logidata::testing

// A ClickHouse connection used through a real `logidata server`, the way the web UI uses it: the
// connection is created with its password over the API (stored encrypted, never returned), tested,
// used by a pipeline that loads into ClickHouse, and by a preview of extract.clickhouse. Against
// a real ClickHouse from scripts/servers/clickhouse.sh (a server that cannot start fails the test).
#include "server_harness.h"

namespace logidata::testing {
namespace {

class ServerClickhouseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("ld-server-ch");
    ASSERT_TRUE(clickhouse_.Start("clickhouse.sh", dir_ + "/ch", FreePort(), &url_))
        << "ClickHouse did not start (scripts/setup installs clickhouse-server): " << url_;
    input_csv_ = dir_ + "/orders.csv";
    std::ofstream(input_csv_) << "id,amount,name\n1,5.5,alpha\n2,1.25,beta\n3,,gamma\n";
    ASSERT_TRUE(server_.Start(dir_ + "/data", "",
                              {"--files-root", "test=" + dir_ + ":rw", "--allow-egress", "127.0.0.0/8"}))
        << ReadFile(dir_ + "/data/server.err");
  }
  void TearDown() override {
    server_.Stop();
    clickhouse_.Stop();
    std::error_code ec;
    if (!HasFailure()) fs::remove_all(dir_, ec);
  }
  HttpClient C() const { return server_.Client(); }

  std::string dir_, url_, input_csv_;
  ScriptedService clickhouse_;
  ServerProcess server_;
};

TEST_F(ServerClickhouseTest, AConnectionMadeInTheApiLoadsAndExtracts) {
  Session s = Register(C(), "ch");
  const std::string secret = "logidata-test";
  auto created = C().Call("POST", "/api/v1/connections",
                          json{{"name", "warehouse"}, {"type", "clickhouse"}, {"host", url_}, {"database", "logidata"},
                               {"user", "logidata"}, {"secret", secret}}
                              .dump(),
                          s.Auth());
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = created.Json()["id"];
  EXPECT_EQ(created.Json()["has_secret"], true);
  auto tested = C().Call("POST", "/api/v1/connections/" + id + "/test", "", s.Auth());
  ASSERT_EQ(tested.status, 200) << tested.body;
  EXPECT_EQ(tested.Json()["ok"], true) << tested.body;
  std::string seen = created.body + tested.body + C().Call("GET", "/api/v1/connections/" + id, "", s.Auth()).body;
  EXPECT_EQ(seen.find(secret), std::string::npos) << "secret returned by the API";

  json load = {{"name", "to-clickhouse"},
               {"nodes",
                {{{"id", "src"}, {"type", "extract"}, {"module", "csv"}, {"config", {{"path", input_csv_}}}},
                 {{"id", "dst"}, {"type", "load"}, {"module", "clickhouse"},
                  {"config", {{"connection", "warehouse"}, {"table", "orders"}, {"mode", "replace"}}}}}},
               {"edges", {{{"source", "src"}, {"target", "dst"}}}}};
  auto pipeline = C().Call("POST", "/api/v1/pipelines", load.dump(), s.Auth());
  ASSERT_EQ(pipeline.status, 201) << pipeline.body;
  auto started = C().Call("POST", "/api/v1/pipelines/" + pipeline.Json()["id"].get<std::string>() + "/runs", "{}", s.Auth());
  ASSERT_EQ(started.status, 202) << started.body;
  json run;
  for (int i = 0; i < 600; ++i) {
    run = C().Call("GET", "/api/v1/runs/" + started.Json()["id"].get<std::string>(), "", s.Auth()).Json();
    if (!IsLiveRunStatus(run.value("status", ""))) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(run["status"], "succeeded") << run.dump();
  EXPECT_EQ(run["nodes"]["dst"]["rows_in"], 3);

  json extract = {{"name", "from-clickhouse"},
                  {"nodes",
                   {{{"id", "src"}, {"type", "extract"}, {"module", "clickhouse"},
                     {"config", {{"connection", "warehouse"}, {"query", "SELECT id, amount, name FROM orders ORDER BY id"}}}}}},
                  {"edges", json::array()}};
  auto preview = C().Call("POST", "/api/v1/preview", json{{"pipeline", extract}, {"node_id", "src"}, {"limit", 10}}.dump(), s.Auth());
  ASSERT_EQ(preview.status, 200) << preview.body;
  json body = preview.Json();
  EXPECT_EQ(body["rows"], json::parse(R"([[1, 5.5, "alpha"], [2, 1.25, "beta"], [3, null, "gamma"]])")) << preview.body;

  // The same connection without the organization's allow-list entry would be refused: see
  // server_egress_test (DatabaseHostsAreCheckedAfterResolution).
  server_.Stop();
  ExpectSecretNowhereOnDisk(dir_ + "/data", secret);
}

}  // namespace
}  // namespace logidata::testing

// A RabbitMQ connection used through a real `logidata server`, the way the web UI uses it: created
// with its password over the API (stored encrypted, never returned), tested (and a wrong password
// tested unsaved), used by a pipeline that publishes rows and by one that consumes them, and by a
// preview, which never acknowledges (the messages stay queued). Against a real broker from
// scripts/servers/rabbitmq.sh (a broker that cannot start fails the test).
#include "connectors/rabbitmq/amqp_session.h"
#include "server_harness.h"

namespace logidata::testing {
namespace {

class ServerRabbitmqTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("ld-server-mq");
    port_ = FreePort();
    std::string out;
    ASSERT_TRUE(broker_.Start("rabbitmq.sh", dir_ + "/mq", port_, &out))
        << "RabbitMQ did not start (scripts/setup installs rabbitmq-server): " << out;
    input_csv_ = dir_ + "/orders.csv";
    std::ofstream(input_csv_) << "id,amount,name\n1,5.5,alpha\n2,1.25,beta\n3,,gamma\n";
    ASSERT_TRUE(server_.Start(dir_ + "/data", "", {"--files-root", "test=" + dir_ + ":rw", "--allow-egress", "127.0.0.0/8"}))
        << ReadFile(dir_ + "/data/server.err");
  }
  void TearDown() override {
    server_.Stop();
    broker_.Stop();
    std::error_code ec;
    if (!HasFailure()) fs::remove_all(dir_, ec);
  }
  HttpClient C() const { return server_.Client(); }

  ConnectionConfig Broker() const {
    ConnectionConfig c;
    c.name = "direct";
    c.type = "rabbitmq";
    c.host = "127.0.0.1";
    c.port = port_;
    c.user = "logidata";
    c.secret = "logidata-test";
    return c;
  }
  int64_t Ready(const std::string& queue) const {
    auto s = AmqpSession::Connect(Broker(), "test");
    if (!s.ok()) return -1;
    auto n = (*s)->CheckQueue(queue);
    return n.ok() ? *n : -1;
  }
  // Saves `pipeline` and runs it; the run's last JSON.
  json SaveAndRun(const Session& s, const json& pipeline) {
    auto created = C().Call("POST", "/api/v1/pipelines", pipeline.dump(), s.Auth());
    EXPECT_EQ(created.status, 201) << created.body;
    return RunAndWait(C(), s, created.Json().value("id", ""));
  }

  std::string dir_, input_csv_;
  int port_ = 0;
  ScriptedService broker_;
  ServerProcess server_;
};

TEST_F(ServerRabbitmqTest, AConnectionMadeInTheApiPublishesConsumesAndPreviews) {
  {
    auto s = AmqpSession::Connect(Broker(), "test");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    ASSERT_TRUE((*s)->DeclareQueue("orders").ok());
  }
  Session s = Register(C(), "mq");
  const std::string secret = "logidata-test";
  json connection = {{"name", "events"}, {"type", "rabbitmq"}, {"host", "127.0.0.1"}, {"port", port_},
                     {"user", "logidata"}, {"secret", secret}};
  auto created = C().Call("POST", "/api/v1/connections", connection.dump(), s.Auth());
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = created.Json()["id"];
  auto tested = C().Call("POST", "/api/v1/connections/" + id + "/test", "", s.Auth());
  ASSERT_EQ(tested.status, 200) << tested.body;
  EXPECT_EQ(tested.Json()["ok"], true) << tested.body;
  // The unsaved form with a wrong password: the test fails and says why, without the password.
  json wrong = connection;
  wrong["secret"] = "not-the-password-42";
  auto refused = C().Call("POST", "/api/v1/connections/test", wrong.dump(), s.Auth());
  ASSERT_EQ(refused.status, 200) << refused.body;
  EXPECT_EQ(refused.Json()["ok"], false) << refused.body;
  EXPECT_NE(refused.body.find("login refused"), std::string::npos) << refused.body;
  EXPECT_EQ(refused.body.find("not-the-password-42"), std::string::npos) << refused.body;
  std::string seen = created.body + tested.body + C().Call("GET", "/api/v1/connections/" + id, "", s.Auth()).body;
  EXPECT_EQ(seen.find(secret), std::string::npos) << "secret returned by the API";

  json publish = {{"name", "to-rabbitmq"},
                  {"nodes",
                   {{{"id", "src"}, {"type", "extract"}, {"module", "csv"}, {"config", {{"path", input_csv_}}}},
                    {{"id", "pub"}, {"type", "load"}, {"module", "rabbitmq"}, {"config", {{"connection", "events"}, {"routing_key", "orders"}}}}}},
                  {"edges", {{{"source", "src"}, {"target", "pub"}}}}};
  json run = SaveAndRun(s, publish);
  ASSERT_EQ(run["status"], "succeeded") << run.dump();
  EXPECT_EQ(Ready("orders"), 3);

  const json consume_node = {{"id", "src"}, {"type", "extract"}, {"module", "rabbitmq"},
                             {"config", {{"connection", "events"}, {"queue", "orders"}, {"idle_timeout_ms", 300},
                                         {"columns", {{"amount", "float64"}, {"id", "int64"}, {"name", "string"}}}}}};
  json preview_pipeline = {{"name", "peek"}, {"nodes", {consume_node}}, {"edges", json::array()}};
  auto preview = C().Call("POST", "/api/v1/preview", json{{"pipeline", preview_pipeline}, {"node_id", "src"}, {"limit", 10}}.dump(), s.Auth());
  ASSERT_EQ(preview.status, 200) << preview.body;
  EXPECT_EQ(preview.Json()["rows"], json::parse(R"([[5.5, 1, "alpha"], [1.25, 2, "beta"], [null, 3, "gamma"]])")) << preview.body;
  for (int i = 0; i < 100 && Ready("orders") != 3; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(Ready("orders"), 3) << "a preview never acknowledges";

  const std::string out_csv = dir_ + "/consumed.csv";
  json consume = {{"name", "from-rabbitmq"},
                  {"nodes", {consume_node, {{"id", "out"}, {"type", "load"}, {"module", "csv"}, {"config", {{"path", out_csv}}}}}},
                  {"edges", {{{"source", "src"}, {"target", "out"}}}}};
  run = SaveAndRun(s, consume);
  ASSERT_EQ(run["status"], "succeeded") << run.dump();
  EXPECT_EQ(ReadFile(out_csv), "amount,id,name\n5.5,1,alpha\n1.25,2,beta\n,3,gamma\n");
  for (int i = 0; i < 100 && Ready("orders") != 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(Ready("orders"), 0) << "the run acknowledged what it loaded";

  server_.Stop();
  ExpectSecretNowhereOnDisk(dir_ + "/data", secret);
}

}  // namespace
}  // namespace logidata::testing

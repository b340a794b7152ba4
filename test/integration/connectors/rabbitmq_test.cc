// extract.rabbitmq / load.rabbitmq against a real RabbitMQ broker (Debian's rabbitmq-server 3.10)
// started by scripts/servers/rabbitmq.sh on 127.0.0.1 for this suite: round trips of every type
// as JSON and CSV, schema inference, a broker that is down, a wrong password, a connection cut
// mid-stream, SIGKILL during a load's publish and during a run, a run that fails after its
// extract, and dedupe by message id within a run, across runs and across a ledger-skipped retry.
// After each fault the test states what the queue holds. A broker that cannot start fails the
// suite (never a silent skip).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "connectors/connection_tester.h"
#include "connectors/rabbitmq/amqp_session.h"
#include "integration/connectors/connector_test_support.h"
#include "integration/connectors/run_log_hook.h"
#include "integration/connectors/sqlite_test_query.h"
#include "module/builtin_modules.h"
#include "net/egress_policy.h"
#include "pipeline/run_pipeline.h"

namespace logidata::testing {
namespace {

using TextRows = std::vector<std::vector<std::string>>;
using Messages = std::vector<std::pair<std::string, std::string>>;  // message id, body

// Fails every run after all nodes finished, before anything is published.
class FailBeforePublish final : public RunObserver {
 public:
  Status OnBeforePublish(const std::map<std::string, NodeMetrics>&) override {
    return Status::Internal("injected failure after the extract");
  }
};

class RabbitmqTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = "/tmp/logidata-rabbitmqtest-" + std::to_string(getpid());
    port_ = FreePort();
    auto url = Shell(SourceDir() + "/scripts/servers/rabbitmq.sh start " + dir_ + " " + std::to_string(port_));
    ASSERT_TRUE(url.ok()) << "RabbitMQ did not start (scripts/setup installs rabbitmq-server): " << url.status().ToString();
    connections_.Add(Broker("mq", port_, "logidata-test"));
    ConnectionConfig lite;
    lite.name = "lite";
    lite.type = "sqlite";
    lite.database = TempDir("rabbitmq-sqlite") + "/target.sqlite";
    connections_.Add(lite);
    state_ = std::make_unique<MemoryState>();
    started_ = true;
  }
  static void TearDownTestSuite() {
    (void)Shell(SourceDir() + "/scripts/servers/rabbitmq.sh stop " + dir_);
    (void)Shell("rm -rf " + dir_);
  }
  void SetUp() override { ASSERT_TRUE(started_) << "no RabbitMQ broker"; }

  static ConnectionConfig Broker(const std::string& name, int port, const std::string& password) {
    ConnectionConfig c;
    c.name = name;
    c.type = "rabbitmq";
    c.host = "127.0.0.1";
    c.port = port;
    c.user = "logidata";
    c.secret = password;
    return c;
  }

  static std::unique_ptr<AmqpSession> Session() {
    auto s = AmqpSession::Connect(*connections_.Resolve("mq"), "test");
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }
  // Declares a queue for one test (the broker is fresh for each suite run).
  static std::string Queue(const std::string& name) {
    auto s = Session();
    if (s == nullptr) return name;
    EXPECT_TRUE(s->DeclareQueue(name).ok());
    return name;
  }
  static void Publish(const std::string& queue, const Messages& messages) {
    auto s = Session();
    ASSERT_NE(s, nullptr);
    ASSERT_TRUE(s->EnableConfirms().ok());
    for (const auto& [id, body] : messages) {
      ASSERT_TRUE(s->Publish("", AmqpOutgoing{queue, id, body}, "application/json", true, true).ok());
    }
    Status confirmed = s->WaitForConfirms(10'000, nullptr);
    ASSERT_TRUE(confirmed.ok()) << confirmed.ToString();
  }
  // Messages ready in `queue` (not counting deliveries a live consumer holds).
  static int64_t Ready(const std::string& queue) {
    auto s = Session();
    if (s == nullptr) return -1;
    auto n = s->CheckQueue(queue);
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return n.ok() ? *n : -1;
  }
  // Ready(queue) once it equals `expected` (the broker requeues a dead consumer's messages
  // asynchronously), or the last count after 10 s.
  static int64_t WaitReady(const std::string& queue, int64_t expected) {
    int64_t n = -1;
    for (int i = 0; i < 200; ++i) {
      n = Ready(queue);
      if (n == expected) return n;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return n;
  }

  // Ready(queue) once it stopped changing for 300 ms (frames a killed publisher sent are still
  // being taken in for a moment).
  static int64_t Settled(const std::string& queue) {
    int64_t last = Ready(queue);
    for (int i = 0; i < 50; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      int64_t now = Ready(queue);
      if (now == last) return now;
      last = now;
    }
    return last;
  }

  static Result<std::vector<BatchPtr>> Extract(const nlohmann::json& cfg, StateStore* state = nullptr, bool commit = true,
                                               RunLogger* logger = nullptr) {
    LD_ASSIGN_OR_RETURN(auto op, BindConnector("extract.rabbitmq", cfg, &connections_));
    HarnessOptions options;
    options.connections = &connections_;
    options.state = state;
    options.commit = commit;
    options.logger = logger;
    LD_ASSIGN_OR_RETURN(auto out, RunOperator(*op, {}, options));
    return out.empty() ? std::vector<BatchPtr>{} : out[0];
  }

  static TextRows Sql(const std::string& sql) { return QueryTestSqlite(connections_, "lite", sql); }

  // queue (JSON {"id": …, "v": …}) -> extract.rabbitmq -> load.sqlite table `table`.
  static PipelineSpec QueueToSqlite(const std::string& queue, const std::string& table) {
    nlohmann::json doc = {{"id", "mq-" + table}, {"name", "mq"}, {"nodes", nlohmann::json::array()},
                          {"edges", nlohmann::json::array()}};
    doc["nodes"].push_back({{"id", "consume"}, {"type", "extract"}, {"module", "rabbitmq"},
                            {"config", {{"connection", "mq"}, {"queue", queue}, {"idle_timeout_ms", 300},
                                        {"columns", {{"id", "string"}, {"v", "int64"}}},
                                        {"metadata_columns", {"message_id"}}}}});
    doc["nodes"].push_back({{"id", "store"}, {"type", "load"}, {"module", "sqlite"},
                            {"config", {{"connection", "lite"}, {"table", table}}}});
    doc["edges"].push_back({{"source", "consume"}, {"target", "store"}});
    auto spec = ParsePipelineJson(doc);
    EXPECT_TRUE(spec.ok()) << spec.status().ToString();
    return *spec;
  }

  // Runs like the scheduler: the state is published only when the run succeeded.
  static RunResult Run(const PipelineSpec& spec, const std::string& run_id, RunObserver* observer = nullptr) {
    RunOptions options;
    options.run_id = run_id;
    options.threads = 2;
    options.connections = &connections_;
    options.state = state_.get();
    options.observer = observer;
    RunResult result = RunPipeline(spec, BuiltinModules(), options);
    if (result.status.ok()) state_->Publish();
    else state_->Discard();
    return result;
  }

  static Messages Numbered(const std::string& prefix, int from, int to) {
    Messages m;
    for (int i = from; i <= to; ++i) {
      m.emplace_back(prefix + std::to_string(i), R"({"id": ")" + prefix + std::to_string(i) + R"(", "v": )" + std::to_string(i) + "}");
    }
    return m;
  }

  static inline std::string dir_;
  static inline int port_ = 0;
  static inline bool started_ = false;
  static inline MemoryConnections connections_;
  static inline std::unique_ptr<MemoryState> state_;  // fresh per suite run (--gtest_repeat too)
};

TEST_F(RabbitmqTest, RoundTripsEveryTypeAsJsonAndCsv) {
  // Column names in alphabetical order: `columns` is a JSON object, read back sorted.
  const std::string spec =
      "a:bool, b:int32, c:int64, d:float64, e:decimal(12,3), f:decimal(38,10), g:string, h:date, i:timestamp, "
      "j:timestamp(UTC)";
  auto batch = MakeBatch(spec, {{"true", "-7", "9000000000", "1.5", "-1234.567", "12345678901234567890.0123456789",
                                 "tab\there\nnew line \\ 'q' \"dq\" é ✓ ,;", "2024-02-29", "2024-05-01 12:30:00.123456",
                                 "2105-12-31 23:59:59"},
                                {"NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"},
                                {"false", "2147483647", "-9223372036854775808", "-0.25", "0.001", "-0.0000000001", "x",
                                 "1970-01-01", "1970-01-01 00:00:00", "2000-01-01 00:00:01"}});
  nlohmann::json columns = nlohmann::json::object();
  for (const Field& f : batch->schema()->fields()) columns[f.name] = f.type.ToString();
  for (const std::string format : {"json", "csv"}) {
    SCOPED_TRACE(format);
    const std::string q = Queue("round_trip_" + format);
    Status s = RunLoad("load.rabbitmq", {{"connection", "mq"}, {"routing_key", q}, {"format", format}}, &connections_, {batch});
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(Ready(q), 3);
    const int64_t before_us = (static_cast<int64_t>(std::time(nullptr)) - 5) * 1'000'000;
    auto out = Extract({{"connection", "mq"}, {"queue", q}, {"format", format}, {"columns", columns}, {"idle_timeout_ms", 300},
                        {"metadata_columns", {"routing_key", "redelivered", "timestamp"}}});
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    ASSERT_FALSE(out->empty());
    // The publish time travels as the AMQP timestamp (whole seconds).
    const Column& published = *(*out)[0]->column(12);
    EXPECT_EQ(published.type().ToString(), "timestamp(UTC)");
    ASSERT_FALSE(published.IsNull(0));
    EXPECT_GE(published.Get<int64_t>(0), before_us);
    EXPECT_LE(published.Get<int64_t>(0), before_us + 60'000'000);
    TextRows got = SortedRows(*out), want = SortedRows({batch});
    for (auto& row : got) row.pop_back();  // the timestamp, checked above
    for (auto& row : want) {
      row.push_back(q);
      row.push_back("false");
    }
    EXPECT_EQ(got, want);
    EXPECT_EQ(WaitReady(q, 0), 0) << "the run acknowledged what it loaded";
  }
}

TEST_F(RabbitmqTest, InfersColumnsFromJsonAndCsvMessagesAndReturnsTheSample) {
  const std::string jq = Queue("infer_json");
  Publish(jq, {{"j1", R"({"id": 1, "name": "a", "user": {"city": "Oslo"}})"},
               {"j2", R"([{"id": 2, "name": "b"}, {"id": 3, "name": "c", "score": 1.5}])"}});
  auto out = Extract({{"connection", "mq"}, {"queue", jq}, {"idle_timeout_ms", 300}, {"metadata_columns", {"message_id", "redelivered"}}});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ((*out)[0]->schema()->ToString(),
            MakeSchema({{"id", DataType::Int64(), true}, {"name", DataType::String(), true}, {"user.city", DataType::String(), true},
                        {"score", DataType::Float64(), true}, {"_message_id", DataType::String(), true},
                        {"_redelivered", DataType::Bool(), true}})->ToString());
  // The sample taken to infer the columns went back unacknowledged, hence "redelivered".
  EXPECT_EQ(Rows(*out), (TextRows{{"1", "a", "Oslo", "NULL", "j1", "true"},
                                  {"2", "b", "NULL", "NULL", "j2", "true"},
                                  {"3", "c", "NULL", "1.5", "j2", "true"}}));
  const std::string cq = Queue("infer_csv");
  Publish(cq, {{"c1", "id,name,day\n1,a,2024-01-02\n2,b,\n"}, {"c2", "name,id\r\n\"c, quoted\",3\r\n"}});
  out = Extract({{"connection", "mq"}, {"queue", cq}, {"format", "csv"}, {"idle_timeout_ms", 300}});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ((*out)[0]->schema()->ToString(),
            MakeSchema({{"id", DataType::Int64(), true}, {"name", DataType::String(), true}, {"day", DataType::Date(), true}})->ToString());
  EXPECT_EQ(Rows(*out), (TextRows{{"1", "a", "2024-01-02"}, {"2", "b", "NULL"}, {"3", "c, quoted", "NULL"}}));
  // Nothing to infer from: the error names the setting to use.
  const std::string empty = Queue("infer_empty");
  auto none = Extract({{"connection", "mq"}, {"queue", empty}});
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("/columns"), std::string::npos) << none.status().ToString();
}

TEST_F(RabbitmqTest, FaultsAreNamedAndLeaveTheQueueAlone) {
  const std::string q = Queue("faults");
  Publish(q, Numbered("f", 1, 5));
  const nlohmann::json cfg = {{"connection", "mq"}, {"queue", q}, {"columns", {{"id", "string"}, {"v", "int64"}}}, {"idle_timeout_ms", 200}};
  // Broker down: nothing listens on the port.
  MemoryConnections down;
  down.Add(Broker("mq", FreePort(), "logidata-test"));
  auto op = BindConnector("extract.rabbitmq", cfg, &down);
  ASSERT_TRUE(op.ok()) << op.status().ToString();
  HarnessOptions options;
  options.connections = &down;
  auto r = RunOperator(**op, {}, options);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsUnavailable()) << r.status().ToString();
  EXPECT_NE(r.status().message().find("cannot connect"), std::string::npos) << r.status().ToString();
  EXPECT_FALSE(TestConnection(*down.Resolve("mq")).ok());
  // Wrong password: Unauthenticated, and the password is not in the message.
  ConnectionConfig bad = Broker("mq", port_, "not-the-password-123");
  Status login = TestConnection(bad);
  EXPECT_TRUE(login.code() == StatusCode::kUnauthenticated) << login.ToString();
  EXPECT_NE(login.message().find("login refused for user 'logidata'"), std::string::npos) << login.ToString();
  EXPECT_EQ(login.message().find("not-the-password-123"), std::string::npos);
  MemoryConnections wrong;
  wrong.Add(bad);
  op = BindConnector("extract.rabbitmq", cfg, &wrong);
  ASSERT_TRUE(op.ok());
  options.connections = &wrong;
  EXPECT_TRUE(RunOperator(**op, {}, options).status().code() == StatusCode::kUnauthenticated);
  // A virtual host that does not exist.
  ConnectionConfig vhost = Broker("mq", port_, "logidata-test");
  vhost.database = "no-such-vhost";
  EXPECT_TRUE(TestConnection(vhost).code() == StatusCode::kPermissionDenied) << TestConnection(vhost).ToString();
  EXPECT_TRUE(TestConnection(*connections_.Resolve("mq")).ok());
  // Server mode: the egress policy refuses loopback unless allowed.
  EgressPolicy policy;
  ConnectionConfig guarded = *connections_.Resolve("mq");
  guarded.egress = &policy;
  Status refused = TestConnection(guarded);
  EXPECT_TRUE(IsEgressRefusal(refused)) << refused.ToString();
  auto allowed = EgressPolicy::WithAllowList({"127.0.0.1"});
  guarded.egress = &*allowed;
  EXPECT_TRUE(TestConnection(guarded).ok());
  // A queue that does not exist.
  auto missing = Extract({{"connection", "mq"}, {"queue", "no_such_queue"}, {"columns", {{"id", "string"}}}});
  EXPECT_TRUE(missing.status().IsNotFound()) << missing.status().ToString();
  EXPECT_EQ(Ready(q), 5) << "no failure above took a message";
  // An unroutable publish fails the load with the broker's reason.
  auto rows = MakeBatch("id:string", {{"x"}});
  Status unroutable = RunLoad("load.rabbitmq", {{"connection", "mq"}, {"routing_key", "nobody_listens"}}, &connections_, {rows});
  EXPECT_TRUE(unroutable.IsDataError()) << unroutable.ToString();
  EXPECT_NE(unroutable.message().find("NO_ROUTE"), std::string::npos) << unroutable.ToString();
  Status no_exchange = RunLoad("load.rabbitmq", {{"connection", "mq"}, {"exchange", "no_such_exchange"}}, &connections_, {rows});
  EXPECT_TRUE(no_exchange.IsInvalidArgument() || no_exchange.IsNotFound()) << no_exchange.ToString();
  EXPECT_NE(no_exchange.message().find("/exchange"), std::string::npos) << no_exchange.ToString();
  // Config errors name the setting.
  auto meta = BindConnector("extract.rabbitmq", {{"connection", "mq"}, {"queue", q}, {"metadata_columns", {"nope"}}}, &connections_);
  EXPECT_NE(meta.status().message().find("/metadata_columns/0"), std::string::npos) << meta.status().ToString();
  auto key = BindConnector("load.rabbitmq", {{"connection", "mq"}}, &connections_, {rows->schema()});
  EXPECT_NE(key.status().message().find("/routing_key"), std::string::npos) << key.status().ToString();
  auto column = BindConnector("load.rabbitmq", {{"connection", "mq"}, {"routing_key_column", "nope"}}, &connections_, {rows->schema()});
  EXPECT_NE(column.status().message().find("/routing_key_column"), std::string::npos) << column.status().ToString();
  // An undecodable body fails the run naming the message and leaves it queued; skip drops it.
  const std::string poison = Queue("poison");
  Publish(poison, {{"ok1", R"({"id": "ok1", "v": 1})"}, {"bad", "{not json"}, {"ok2", R"({"id": "ok2", "v": 2})"}});
  auto failed = Extract({{"connection", "mq"}, {"queue", poison}, {"columns", {{"id", "string"}, {"v", "int64"}}}, {"idle_timeout_ms", 200}});
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("message id 'bad'"), std::string::npos) << failed.status().ToString();
  EXPECT_EQ(WaitReady(poison, 3), 3);
  auto skipped = Extract({{"connection", "mq"}, {"queue", poison}, {"columns", {{"id", "string"}, {"v", "int64"}}},
                          {"idle_timeout_ms", 200}, {"bad_messages", "skip"}});
  ASSERT_TRUE(skipped.ok()) << skipped.status().ToString();
  EXPECT_EQ(SortedRows(*skipped), (TextRows{{"ok1", "1"}, {"ok2", "2"}}));
  EXPECT_EQ(WaitReady(poison, 0), 0);
}

TEST_F(RabbitmqTest, ConnectionCutMidStreamLeavesEveryMessageQueued) {
  const std::string q = Queue("cut");
  Publish(q, Numbered("c", 1, 3000));
  TcpProxy proxy(port_);
  MemoryConnections via;
  via.Add(Broker("mq", proxy.port(), "logidata-test"));
  const nlohmann::json cfg = {{"connection", "mq"}, {"queue", q}, {"columns", {{"id", "string"}, {"v", "int64"}}},
                              {"prefetch", 50}, {"batch_rows", 100}, {"idle_timeout_ms", 2000}};
  auto op = BindConnector("extract.rabbitmq", cfg, &via);
  ASSERT_TRUE(op.ok()) << op.status().ToString();
  int64_t rows = 0;
  Status cut = ProduceAcrossCut(**op, &via, proxy, &rows);
  EXPECT_TRUE(cut.IsUnavailable()) << cut.ToString();
  EXPECT_NE(cut.message().find("none acknowledged"), std::string::npos) << cut.ToString();
  EXPECT_GE(rows, 100);
  EXPECT_LT(rows, 3000);
  // The broker takes back everything the cut consumer held: all 3000 are ready again.
  EXPECT_EQ(WaitReady(q, 3000), 3000);
  auto all = Extract({{"connection", "mq"}, {"queue", q}, {"columns", {{"id", "string"}, {"v", "int64"}}}, {"idle_timeout_ms", 300}});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(SortedRows(*all).size(), 3000u);
  EXPECT_EQ(WaitReady(q, 0), 0);
}

TEST_F(RabbitmqTest, KilledPublishLeavesConfirmedMessagesAndTheRetryIsDeduplicated) {
  const std::string q = Queue("killed_publish");
  const int kRows = 50'000;
  const std::string csv_path = TempDir("rabbitmq-csv") + "/rows.csv";
  {
    std::ofstream csv(csv_path);
    csv << "n,label\n";
    for (int i = 1; i <= kRows; ++i) csv << i << ",row " << i << "\n";
  }
  nlohmann::json doc = {{"id", "publish"}, {"name", "publish"}, {"nodes", nlohmann::json::array()}, {"edges", nlohmann::json::array()}};
  doc["nodes"].push_back({{"id", "rows"}, {"type", "extract"}, {"module", "csv"}, {"config", {{"path", csv_path}}}});
  doc["nodes"].push_back({{"id", "pub"}, {"type", "load"}, {"module", "rabbitmq"},
                          {"config", {{"connection", "mq"}, {"routing_key", q}, {"confirm_batch", 500}}}});
  doc["edges"].push_back({{"source", "rows"}, {"target", "pub"}});
  auto spec = ParsePipelineJson(doc);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  pid_t child = fork();
  if (child == 0) {
    RunResult r = Run(*spec, "publish-1");
    _exit(r.status.ok() ? 0 : 1);
  }
  // SIGKILL as soon as the first messages are in the queue, i.e. in the middle of the publish.
  int64_t seen = 0;
  for (int i = 0; i < 4000 && seen == 0; ++i) {
    seen = Ready(q);
    if (seen == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  kill(child, SIGKILL);
  int wait_status = 0;
  waitpid(child, &wait_status, 0);
  ASSERT_TRUE(WIFSIGNALED(wait_status)) << "the publishing run ended before the kill";
  const int64_t left = Settled(q);
  EXPECT_GT(left, 0);
  EXPECT_LT(left, kRows) << "a killed publish leaves what was published so far, not everything";
  // The retry (same run id) publishes every row again, with the same message ids.
  RunResult retry = Run(*spec, "publish-1");
  ASSERT_TRUE(retry.status.ok()) << retry.status.ToString();
  EXPECT_EQ(Ready(q), left + kRows);
  // A consumer deduplicating by message id loads each row exactly once.
  struct Logger final : RunLogger {
    std::string text;
    std::mutex mu;
    void Log(LogLevel, const std::string&, const std::string& m) override {
      std::lock_guard<std::mutex> lock(mu);
      text += m + "\n";
    }
  } logger;
  auto out = Extract({{"connection", "mq"}, {"queue", q}, {"columns", {{"label", "string"}, {"n", "int64"}}}, {"idle_timeout_ms", 500},
                      {"metadata_columns", {"message_id"}}},
                     nullptr, true, &logger);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  TextRows rows = SortedRows(*out);
  ASSERT_EQ(rows.size(), static_cast<size_t>(kRows));
  std::set<std::string> ids;
  for (const auto& row : rows) ids.insert(row[2]);
  EXPECT_EQ(ids.size(), static_cast<size_t>(kRows));
  EXPECT_TRUE(ids.count("publish-1-pub-1") && ids.count("publish-1-pub-" + std::to_string(kRows)));
  EXPECT_NE(logger.text.find(std::to_string(left) + " duplicate message ids not loaded again"), std::string::npos) << logger.text;
  EXPECT_EQ(WaitReady(q, 0), 0);
}

TEST_F(RabbitmqTest, KilledOrFailedRunLeavesTheMessagesForTheNextRun) {
  const std::string q = Queue("killed_run");
  Publish(q, Numbered("k", 1, 1000));
  const PipelineSpec spec = QueueToSqlite(q, "killed_run");
  // SIGKILL after the extract read everything, before the load committed.
  pid_t child = fork();
  if (child == 0) {
    LogHook die([](const std::string&, const std::string& m) {
      if (m.rfind("read 1000 messages", 0) == 0) raise(SIGKILL);
    });
    (void)Run(spec, "killed-1", &die);
    _exit(0);
  }
  int wait_status = 0;
  waitpid(child, &wait_status, 0);
  ASSERT_TRUE(WIFSIGNALED(wait_status) && WTERMSIG(wait_status) == SIGKILL) << "the run was not killed";
  EXPECT_EQ(WaitReady(q, 1000), 1000) << "the killed run's unacknowledged messages are redelivered";
  // A run that fails after its extract (before publishing) acknowledges nothing either.
  FailBeforePublish fail;
  RunResult failed = Run(spec, "failed-1", &fail);
  ASSERT_FALSE(failed.status.ok());
  EXPECT_EQ(WaitReady(q, 1000), 1000);
  EXPECT_EQ(Sql("SELECT count(*) FROM sqlite_master WHERE name = 'killed_run'"), (TextRows{{"0"}})) << "nothing was loaded";
  // The next run loads every message once and empties the queue.
  RunResult ok = Run(spec, "ok-1");
  ASSERT_TRUE(ok.status.ok()) << ok.status.ToString();
  EXPECT_EQ(Sql("SELECT count(*), count(DISTINCT id), sum(v) FROM killed_run"), (TextRows{{"1000", "1000", "500500"}}));
  EXPECT_EQ(WaitReady(q, 0), 0);
}

TEST_F(RabbitmqTest, DedupesByMessageIdWithinAndAcrossRunsAndAcrossALedgerSkippedRetry) {
  const std::string q = Queue("dedupe");
  const PipelineSpec spec = QueueToSqlite(q, "dedupe");
  auto ids = [] { return Sql("SELECT _message_id FROM dedupe ORDER BY _message_id"); };
  // Within a run: a repeated id is loaded once.
  Publish(q, {{"a", R"({"id": "a", "v": 1})"}, {"b", R"({"id": "b", "v": 2})"}, {"a", R"({"id": "a", "v": 99})"},
              {"c", R"({"id": "c", "v": 3})"}});
  ASSERT_TRUE(Run(spec, "d-1").status.ok());
  EXPECT_EQ(ids(), (TextRows{{"a"}, {"b"}, {"c"}}));
  EXPECT_EQ(Sql("SELECT v FROM dedupe WHERE id = 'a'"), (TextRows{{"1"}}));
  // Across runs: an id a committed run already loaded is dropped (and acknowledged).
  Publish(q, {{"b", R"({"id": "b", "v": 2})"}, {"d", R"({"id": "d", "v": 4})"}});
  ASSERT_TRUE(Run(spec, "d-2").status.ok());
  EXPECT_EQ(ids(), (TextRows{{"a"}, {"b"}, {"c"}, {"d"}}));
  EXPECT_EQ(WaitReady(q, 0), 0);
  // Killed after the load committed, before the acknowledgement: e and f come back.
  Publish(q, {{"e", R"({"id": "e", "v": 5})"}, {"f", R"({"id": "f", "v": 6})"}});
  pid_t child = fork();
  if (child == 0) {
    LogHook die([](const std::string&, const std::string& m) {
      if (m.rfind("loaded 2 rows into", 0) == 0) raise(SIGKILL);
    });
    (void)Run(spec, "d-3", &die);
    _exit(0);
  }
  int wait_status = 0;
  waitpid(child, &wait_status, 0);
  ASSERT_TRUE(WIFSIGNALED(wait_status)) << "the run was not killed";
  EXPECT_EQ(ids(), (TextRows{{"a"}, {"b"}, {"c"}, {"d"}, {"e"}, {"f"}}));
  EXPECT_EQ(WaitReady(q, 2), 2) << "loaded but never acknowledged: redelivered";
  Publish(q, {{"g", R"({"id": "g", "v": 7})"}});
  // The retry (same run id): the ledger skips the committed load and restores the ids it carried;
  // e and f are acknowledged, g — read by the retry but loaded by nobody — goes back to the queue.
  LogHook retry_log;
  RunResult retry = Run(spec, "d-3", &retry_log);
  ASSERT_TRUE(retry.status.ok()) << retry.status.ToString();
  EXPECT_NE(retry_log.Lines().find("acknowledged 2 of 3 messages"), std::string::npos) << retry_log.Lines();
  EXPECT_EQ(ids(), (TextRows{{"a"}, {"b"}, {"c"}, {"d"}, {"e"}, {"f"}}));
  EXPECT_EQ(WaitReady(q, 1), 1);
  ASSERT_TRUE(Run(spec, "d-4").status.ok());
  EXPECT_EQ(ids(), (TextRows{{"a"}, {"b"}, {"c"}, {"d"}, {"e"}, {"f"}, {"g"}}));
  EXPECT_EQ(WaitReady(q, 0), 0);
  // Without dedupe a repeated id is loaded again.
  Publish(q, {{"a", R"({"id": "a", "v": 1})"}});
  auto plain = Extract({{"connection", "mq"}, {"queue", q}, {"columns", {{"id", "string"}, {"v", "int64"}}}, {"idle_timeout_ms", 300},
                        {"dedupe", false}},
                       state_.get());
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(SortedRows(*plain), (TextRows{{"a", "1"}}));
}

}  // namespace
}  // namespace logidata::testing

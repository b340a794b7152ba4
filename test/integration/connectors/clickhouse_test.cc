// extract.clickhouse / load.clickhouse against a real ClickHouse (Debian's clickhouse-server
// 18.16) started by scripts/servers/clickhouse.sh on 127.0.0.1. The server must start: a missing
// server fails the suite (never a silent skip).
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>

#include "connectors/clickhouse/clickhouse_client.h"
#include "connectors/connection_tester.h"
#include "integration/connectors/connector_test_support.h"
#include "net/egress_policy.h"

namespace logidata::testing {
namespace {

using TextRows = std::vector<std::vector<std::string>>;

class ClickhouseTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = "/tmp/logidata-clickhousetest-" + std::to_string(getpid());
    port_ = FreePort();
    auto url = Shell(SourceDir() + "/scripts/servers/clickhouse.sh start " + dir_ + " " + std::to_string(port_));
    ASSERT_TRUE(url.ok()) << "ClickHouse did not start (scripts/setup installs clickhouse-server): " << url.status().ToString();
    url_ = *url;
    ConnectionConfig c;
    c.name = "ch";
    c.type = "clickhouse";
    c.host = url_;
    c.database = "logidata";
    c.user = "logidata";
    c.secret = "logidata-test";
    connections_.Add(c);
  }
  static void TearDownTestSuite() {
    (void)Shell(SourceDir() + "/scripts/servers/clickhouse.sh stop " + dir_);
    (void)Shell("rm -rf " + dir_);
  }
  void SetUp() override { ASSERT_FALSE(url_.empty()) << "no ClickHouse server"; }

  // Runs `sql` (FORMAT TSV appended for queries that return rows); rows of fields.
  static TextRows Sql(const std::string& sql) {
    auto client = ClickhouseClient::Make(*connections_.Resolve("ch"));
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    if (!client.ok()) return {};
    auto out = client->Execute(sql);
    EXPECT_TRUE(out.ok()) << sql << ": " << out.status().ToString();
    TextRows rows;
    if (!out.ok()) return rows;
    size_t start = 0;
    while (start < out->size()) {
      size_t nl = out->find('\n', start);
      std::string line = out->substr(start, nl - start);
      std::vector<std::string> row;
      size_t f = 0;
      while (true) {
        size_t tab = line.find('\t', f);
        row.push_back(line.substr(f, tab == std::string::npos ? std::string::npos : tab - f));
        if (tab == std::string::npos) break;
        f = tab + 1;
      }
      rows.push_back(row);
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
    return rows;
  }
  static TextRows Tables(const std::string& like) {
    return Sql("SELECT name FROM system.tables WHERE database = 'logidata' AND name LIKE '" + like + "' ORDER BY name FORMAT TSV");
  }

  static inline std::string dir_, url_;
  static inline int port_ = 0;
  static inline MemoryConnections connections_;
};

TEST_F(ClickhouseTest, RoundTripsEveryTypeWithNulls) {
  Sql("DROP TABLE IF EXISTS rt");
  const std::string spec =
      "b:bool, i:int32, l:int64, f:float64, d:decimal(12,3), w:decimal(38,10), s:string, day:date, ts:timestamp, "
      "tz:timestamp(UTC)";
  auto batch = MakeBatch(spec, {{"true", "-7", "9000000000", "1.5", "-1234.567", "12345678901234567890.0123456789",
                                 "tab\there\nnew line \\ 'q' \"dq\" é ✓", "2024-02-29", "2024-05-01 12:30:00",
                                 "2105-12-31 23:59:59"},
                                {"NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"},
                                {"false", "2147483647", "-9223372036854775808", "-0.25", "0.001", "-0.0000000001", "",
                                 "1970-01-01", "1970-01-01 00:00:00", "2000-01-01 00:00:01"}});
  Status s = RunLoad("load.clickhouse", {{"connection", "ch"}, {"table", "rt"}}, &connections_, {batch});
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Sql("SELECT name, type FROM system.columns WHERE database = 'logidata' AND table = 'rt' FORMAT TSV"),
            (TextRows{{"b", "Nullable(Enum8(\\'false\\' = 0, \\'true\\' = 1))"},
                      {"i", "Nullable(Int32)"},
                      {"l", "Nullable(Int64)"},
                      {"f", "Nullable(Float64)"},
                      {"d", "Nullable(Decimal(12, 3))"},
                      {"w", "Nullable(Decimal(38, 10))"},
                      {"s", "Nullable(String)"},
                      {"day", "Nullable(Date)"},
                      {"ts", "Nullable(DateTime)"},
                      {"tz", "Nullable(DateTime(\\'UTC\\'))"}}));
  for (const nlohmann::json& source : {nlohmann::json{{"table", "rt"}}, nlohmann::json{{"query", "SELECT * FROM rt -- all"}}}) {
    SCOPED_TRACE(source.dump());
    nlohmann::json cfg = source;
    cfg["connection"] = "ch";
    auto out = RunExtract("extract.clickhouse", cfg, &connections_);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    ASSERT_FALSE(out->empty());
    EXPECT_EQ((*out)[0]->schema()->ToString(), batch->schema()->ToString());
    EXPECT_EQ(SortedRows(*out), SortedRows({batch}));
  }
  // Binary goes in as String bytes, unchanged.
  Sql("DROP TABLE IF EXISTS bin");
  auto bytes = MakeBatch("k:int32, v:binary", {{"1", "NULL"}, {"2", "a\tb"}});
  ASSERT_TRUE(RunLoad("load.clickhouse", {{"connection", "ch"}, {"table", "bin"}}, &connections_, {bytes}).ok());
  EXPECT_EQ(Sql("SELECT k, hex(v) FROM bin ORDER BY k FORMAT TSV"), (TextRows{{"1", "\\N"}, {"2", "610962"}}));
}

TEST_F(ClickhouseTest, ReadsClickhouseOwnTypes) {
  auto out = RunExtract(
      "extract.clickhouse",
      {{"connection", "ch"},
       {"query", "SELECT toInt8(-1) AS i8, toUInt16(65535) AS u16, toUInt32(4294967295) AS u32, "
                 "toUInt64('18446744073709551615') AS u64, toFloat32(0.5) AS f32, toFixedString('ab', 3) AS fs, "
                 "toDate(0) AS d0, toDateTime('2020-01-02 03:04:05', 'UTC') AS t, CAST(NULL AS Nullable(Int64)) AS n, "
                 "NULL AS nothing, [1, 2] AS arr, 1/0 AS inf"}},
      &connections_);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  std::vector<std::string> fields;
  for (const Field& f : (*out)[0]->schema()->fields()) fields.push_back(f.name + ":" + f.type.ToString() + (f.nullable ? "?" : ""));
  EXPECT_EQ(fields, (std::vector<std::string>{"i8:int32", "u16:int32", "u32:int64", "u64:decimal(20,0)", "f32:float64",
                                              "fs:string", "d0:date", "t:timestamp(UTC)", "n:int64?", "nothing:null?",
                                              "arr:string", "inf:float64"}));
  EXPECT_EQ(Rows(*out), (TextRows{{"-1", "65535", "4294967295", "18446744073709551615", "0.5", std::string("ab\0", 3),
                                   "1970-01-01", "2020-01-02 03:04:05", "NULL", "NULL", "[1,2]", "inf"}}));
}

TEST_F(ClickhouseTest, LoadModesPublishOnlyOnSuccess) {
  struct Case {
    std::string mode;
    std::string create;
    TextRows expected;
  };
  const std::vector<Case> cases = {
      {"append", "ENGINE = MergeTree ORDER BY id", {{"1", "a"}, {"2", "B"}, {"2", "b"}, {"3", "C"}, {"4", "D"}}},
      {"replace", "ENGINE = MergeTree ORDER BY id", {{"2", "B"}, {"3", "C"}, {"4", "D"}}},
      {"truncate", "ENGINE = MergeTree ORDER BY id", {{"2", "B"}, {"3", "C"}, {"4", "D"}}},
      {"upsert", "", {{"1", "a"}, {"2", "B"}, {"3", "C"}, {"4", "D"}}},
  };
  auto batch = MakeBatch("id:int64, v:string", {{"2", "B"}, {"3", "C"}});
  auto more = MakeBatch("id:int64, v:string", {{"4", "D"}});
  for (const Case& c : cases) {
    SCOPED_TRACE(c.mode);
    Sql("DROP TABLE IF EXISTS m");
    nlohmann::json cfg = {{"connection", "ch"}, {"table", "m"}, {"mode", c.mode}, {"keys", {"id"}}};
    if (c.create.empty()) {
      // Upsert creates its ReplacingMergeTree; the first run puts the old rows in.
      auto old = MakeBatch("id:int64, v:string", {{"1", "a"}, {"2", "b"}});
      ASSERT_TRUE(RunLoad("load.clickhouse", cfg, &connections_, {old}).ok());
      EXPECT_EQ(Sql("SELECT engine_full FROM system.tables WHERE database = 'logidata' AND name = 'm' FORMAT TSV")[0][0],
                "ReplacingMergeTree(_logidata_version) ORDER BY id SETTINGS index_granularity = 8192");
    } else {
      Sql("CREATE TABLE m (id Int64, v String) " + c.create);
      Sql("INSERT INTO m VALUES (1, 'a'), (2, 'b')");
    }
    const std::string read = "SELECT id, v FROM m" + std::string(c.mode == "upsert" ? " FINAL" : "") + " ORDER BY id, v FORMAT TSV";
    Status aborted = RunLoad("load.clickhouse", cfg, &connections_, {batch}, /*commit=*/false);
    ASSERT_TRUE(aborted.ok()) << aborted.ToString();
    EXPECT_EQ(Sql(read), (TextRows{{"1", "a"}, {"2", "b"}}));
    Status s = RunLoad("load.clickhouse", cfg, &connections_, {batch, more}, true, 2);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(Sql(read), c.expected);
    EXPECT_TRUE(Tables("m\\_\\_logidata%").empty());
  }
  // An existing table without partitions (Memory) is appended to as well.
  Sql("DROP TABLE IF EXISTS mem");
  Sql("CREATE TABLE mem (id Int64, v String) ENGINE = Memory");
  Sql("INSERT INTO mem VALUES (1, 'a')");
  ASSERT_TRUE(RunLoad("load.clickhouse", {{"connection", "ch"}, {"table", "mem"}}, &connections_, {batch}, /*commit=*/false).ok());
  EXPECT_EQ(Sql("SELECT count() FROM mem FORMAT TSV"), (TextRows{{"1"}}));
  ASSERT_TRUE(RunLoad("load.clickhouse", {{"connection", "ch"}, {"table", "mem"}}, &connections_, {batch}).ok());
  EXPECT_EQ(Sql("SELECT id, v FROM mem ORDER BY id FORMAT TSV"), (TextRows{{"1", "a"}, {"2", "B"}, {"3", "C"}}));
  EXPECT_TRUE(Tables("mem\\_\\_logidata%").empty());
}

TEST_F(ClickhouseTest, FailedOrKilledLoadLeavesTargetUnchanged) {
  for (const std::string mode : {"append", "replace", "upsert"}) {
    SCOPED_TRACE(mode);
    Sql("DROP TABLE IF EXISTS f");
    if (mode == "upsert") {
      Sql("CREATE TABLE f (id Int64, v String, _logidata_version UInt64) ENGINE = ReplacingMergeTree(_logidata_version) ORDER BY id");
      Sql("INSERT INTO f SELECT number + 1, 'old', 1 FROM system.numbers LIMIT 1000");
    } else {
      Sql("CREATE TABLE f (id Int64, v String) ENGINE = MergeTree ORDER BY id");
      Sql("INSERT INTO f SELECT number + 1, 'old' FROM system.numbers LIMIT 1000");
    }
    const TextRows unchanged = {{"1000", "old", "old"}};
    const std::string read = "SELECT count(), min(v), max(v) FROM f" + std::string(mode == "upsert" ? " FINAL" : "") + " FORMAT TSV";
    // A bad value in the second batch, after the first was sent: the run fails naming it.
    std::vector<std::vector<std::string>> rows;
    for (int i = 0; i < 100; ++i) rows.push_back({std::to_string(i), "new"});
    auto good = MakeBatch("id:int64, v:string", rows);
    rows[41][1] = "NULL";  // v is not Nullable
    auto bad = MakeBatch("id:int64, v:string", rows);
    Status s = RunLoad("load.clickhouse", {{"connection", "ch"}, {"table", "f"}, {"mode", mode}, {"keys", {"id"}}},
                       &connections_, {good, bad});
    ASSERT_EQ(s.code(), StatusCode::kDataError) << s.ToString();
    EXPECT_NE(s.message().find("batch 1 row 42, column 'v'"), std::string::npos) << s.ToString();
    EXPECT_EQ(Sql(read), unchanged);
    EXPECT_TRUE(Tables("f\\_\\_logidata%").empty());
    // Killed with SIGKILL mid-stream: the target is unchanged; the next run cleans up and loads.
    ASSERT_TRUE(KillLoaderMidStream("load.clickhouse", {{"connection", "ch"}, {"table", "f"}, {"mode", mode}, {"keys", {"id"}}},
                                    &connections_, 10));
    EXPECT_EQ(Sql(read), unchanged);
    EXPECT_EQ(Tables("f\\_\\_logidata%"), (TextRows{{"f__logidata_new"}}));
    ASSERT_TRUE(RunLoad("load.clickhouse", {{"connection", "ch"}, {"table", "f"}, {"mode", mode}, {"keys", {"id"}}},
                        &connections_, {good})
                    .ok());
    EXPECT_TRUE(Tables("f\\_\\_logidata%").empty());
  }
  // A load that creates its table and fails leaves no table behind.
  Sql("DROP TABLE IF EXISTS fresh");
  auto frac = MakeBatch("id:int64, ts:timestamp", {{"1", "2024-01-01 00:00:00"}, {"2", "2024-01-01 00:00:00.5"}});
  Status s = RunLoad("load.clickhouse", {{"connection", "ch"}, {"table", "fresh"}}, &connections_, {frac});
  EXPECT_EQ(s.code(), StatusCode::kDataError) << s.ToString();
  EXPECT_NE(s.message().find("fractions of a second"), std::string::npos) << s.ToString();
  EXPECT_TRUE(Tables("fresh%").empty());
}

// Drives a loader like the executor does for one run id; returns its log lines.
Status LoadAsRun(const std::string& run_id, const nlohmann::json& cfg, ConnectionResolver* connections, const BatchPtr& batch,
                 StateStore* state) {
  LD_ASSIGN_OR_RETURN(auto op, BindConnector("load.clickhouse", cfg, connections, {batch->schema()}));
  ExecContext ctx;
  ctx.connections = connections;
  ctx.pipeline_id = "p1";
  ctx.run_id = run_id;
  ctx.node_id = "load";
  ctx.state = state;
  LD_RETURN_IF_ERROR(op->Open(ctx));
  auto thread_state = op->MakeThreadState();
  struct Null : Emitter {
    Status Emit(int, BatchPtr) override { return Status::OK(); }
  } sink;
  LD_RETURN_IF_ERROR(op->Consume(0, batch, thread_state.get(), sink));
  return op->Commit();
}

TEST_F(ClickhouseTest, ARetriedRunDoesNotLoadTwice) {
  Sql("DROP TABLE IF EXISTS once");
  nlohmann::json cfg = {{"connection", "ch"}, {"table", "once"}};
  auto batch = MakeBatch("id:int64, v:string", {{"1", "a"}, {"2", "b"}});
  MemoryState state;
  ASSERT_TRUE(state.Put("watermark", "\"41\"").ok());
  ASSERT_TRUE(LoadAsRun("run-1", cfg, &connections_, batch, &state).ok());
  state.Discard();
  ASSERT_TRUE(LoadAsRun("run-1", cfg, &connections_, batch, &state).ok());  // the retry
  EXPECT_EQ(Sql("SELECT count() FROM once FORMAT TSV"), (TextRows{{"2"}}));
  EXPECT_EQ(state.Staged()["watermark"], "\"41\"") << "the retry restores the state recorded with the load";
  ASSERT_TRUE(LoadAsRun("run-2", cfg, &connections_, batch, &state).ok());  // a new run loads again
  EXPECT_EQ(Sql("SELECT count() FROM once FORMAT TSV"), (TextRows{{"4"}}));
  EXPECT_EQ(Sql("SELECT run_id, rows FROM _logidata_loads WHERE target = '`once`' ORDER BY run_id FORMAT TSV"),
            (TextRows{{"run-1", "2"}, {"run-2", "2"}}));
}

// `logidata run` killed with SIGKILL while it streams 1M rows into ClickHouse leaves the target
// unchanged (the rows sat in the staging table); rerun with the same --run-id it loads every row
// once, and a third run with that id loads nothing more (the ledger).
TEST_F(ClickhouseTest, KilledCliMidLoadThenRerunWithSameRunIdIsExact) {
  const std::string logidata = std::string(LOGIDATA_BINARY_DIR) + "/logidata";
  ASSERT_EQ(access(logidata.c_str(), X_OK), 0) << "build the logidata target first: " << logidata;
  constexpr int64_t kRows = 1'000'000;
  const std::string dir = dir_ + "-cli";
  ASSERT_TRUE(Shell("mkdir -p " + dir).ok());
  {
    std::ofstream csv(dir + "/big.csv");
    csv << "id,v\n";
    for (int64_t i = 1; i <= kRows; ++i) csv << i << ",x" << i << "\n";
  }
  std::ofstream(dir + "/connections.json")
      << nlohmann::json{{"connections", {{"ch", {{"type", "clickhouse"}, {"host", url_}, {"database", "logidata"},
                                                 {"user", "logidata"}, {"secret_env", "LD_TEST_CH_PASSWORD"}}}}}}.dump();
  std::ofstream(dir + "/pipeline.json")
      << nlohmann::json{{"id", "kill-load"}, {"name", "kill-load"},
                        {"nodes", {{{"id", "src"}, {"type", "extract"}, {"module", "csv"}, {"config", {{"path", "big.csv"}}}},
                                   {{"id", "big"}, {"type", "load"}, {"module", "clickhouse"},
                                    {"config", {{"connection", "ch"}, {"table", "big_load"}}}}}},
                        {"edges", {{{"source", "src"}, {"target", "big"}}}}}.dump();
  Sql("DROP TABLE IF EXISTS big_load");
  Sql("CREATE TABLE big_load (id Int64, v String) ENGINE = MergeTree ORDER BY id");
  setenv("LD_TEST_CH_PASSWORD", "logidata-test", 1);
  auto run = [&](bool kill_mid_load) -> int {
    pid_t child = fork();
    if (child == 0) {
      int devnull = open("/dev/null", O_WRONLY);
      dup2(devnull, 1);
      dup2(devnull, 2);
      execl(logidata.c_str(), logidata.c_str(), "run", (dir + "/pipeline.json").c_str(), "--connections",
            (dir + "/connections.json").c_str(), "--run-id", "kill-run-1", "--quiet", "--threads", "2",
            static_cast<char*>(nullptr));
      _exit(127);
    }
    if (kill_mid_load) {
      // Mid-load: some batches are in the staging table, not all.
      bool loading = false;
      for (int i = 0; i < 600 && !loading; ++i) {
        auto staged = Sql("SELECT sum(rows) FROM system.parts WHERE database = 'logidata' AND table = 'big_load__logidata_new' AND active FORMAT TSV");
        loading = !staged.empty() && !staged[0].empty() && staged[0][0] != "0" && staged[0][0] != "" && staged[0][0] != "\\N";
        if (!loading) usleep(20'000);
      }
      EXPECT_TRUE(loading) << "the load never started";
      int early = 0;
      EXPECT_EQ(waitpid(child, &early, WNOHANG), 0) << "the run finished before it could be killed";
      kill(child, SIGKILL);
    }
    int status = 0;
    waitpid(child, &status, 0);
    return WIFSIGNALED(status) ? -WTERMSIG(status) : WEXITSTATUS(status);
  };
  EXPECT_EQ(run(true), -SIGKILL);
  EXPECT_EQ(Sql("SELECT count() FROM big_load FORMAT TSV"), (TextRows{{"0"}}));
  const std::string checksum = "SELECT count(), uniqExact(id), sum(id), sum(length(v)) FROM big_load FORMAT TSV";
  int64_t chars = 0;
  for (int64_t i = 1; i <= kRows; ++i) chars += 1 + static_cast<int64_t>(std::to_string(i).size());
  const TextRows expected = {{std::to_string(kRows), std::to_string(kRows), std::to_string(kRows * (kRows + 1) / 2),
                              std::to_string(chars)}};
  EXPECT_EQ(run(false), 0);
  EXPECT_EQ(Sql(checksum), expected);
  EXPECT_EQ(run(false), 0);
  EXPECT_EQ(Sql(checksum), expected);
  EXPECT_EQ(Sql("SELECT rows FROM _logidata_loads WHERE run_id = 'kill-run-1' AND node_id = 'big' FORMAT TSV"),
            (TextRows{{std::to_string(kRows)}}));
  EXPECT_TRUE(Tables("big\\_load\\_\\_logidata%").empty());
  (void)Shell("rm -rf " + dir);
}

TEST_F(ClickhouseTest, StreamsAMillionRowsInBoundedMemory) {
  const int64_t n = 1000000;
  auto op = BindConnector("extract.clickhouse",
                          {{"connection", "ch"},
                           {"query", "SELECT number AS id, concat('row-', toString(number)) AS s, "
                                     "if(number % 7 = 0, NULL, toFloat64(number) / 2) AS x FROM system.numbers LIMIT " +
                                         std::to_string(n)}},
                          &connections_);
  ASSERT_TRUE(op.ok()) << op.status().ToString();
  ExecContext ctx;
  ctx.connections = &connections_;
  ParameterMap params;
  ctx.params = &params;
  struct Sink : Emitter {
    int64_t rows = 0, nulls = 0, batches = 0;
    int128_t id_sum = 0;
    Status Emit(int, BatchPtr b) override {
      rows += b->num_rows();
      ++batches;
      nulls += b->column(2)->null_count();
      for (int64_t i = 0; i < b->num_rows(); ++i) id_sum += b->column(0)->Get<int128_t>(i);
      return Status::OK();
    }
  } sink;
  rusage before{};
  getrusage(RUSAGE_SELF, &before);
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE((*op)->Open(ctx).ok());
  int64_t max_buffer = 0;
  while (true) {
    auto more = (*op)->Produce(nullptr, sink);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    max_buffer = std::max(max_buffer, (*op)->MemoryUsage());
    if (!*more) break;
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  rusage after{};
  getrusage(RUSAGE_SELF, &after);
  EXPECT_EQ(sink.rows, n);
  EXPECT_EQ(sink.nulls, (n + 6) / 7);
  EXPECT_TRUE(sink.id_sum == int128_t{n} * (n - 1) / 2);
  EXPECT_GE(sink.batches, n / kTargetBatchRows);
  // The receive buffer stays small whatever the result's size (about 30 MB of text here).
  EXPECT_LT(max_buffer, 4 << 20) << max_buffer;
  // Peak RSS grows by far less than the whole result would take.
  EXPECT_LT(after.ru_maxrss - before.ru_maxrss, 200 * 1024) << "KiB";
  std::printf("[ metric ] clickhouse extract: %lld rows in %.2f s (%.0f rows/s), receive buffer max %lld bytes, "
              "peak RSS growth %ld KiB\n",
              static_cast<long long>(n), seconds, n / seconds, static_cast<long long>(max_buffer),
              after.ru_maxrss - before.ru_maxrss);
}

TEST_F(ClickhouseTest, FaultsAndHostileInput) {
  MemoryConnections bad;
  ConnectionConfig good = *connections_.Resolve("ch");
  bad.Add(good);
  ConnectionConfig down = good;
  down.name = "down";
  down.host = "http://127.0.0.1:" + std::to_string(FreePort());
  bad.Add(down);
  ConnectionConfig wrong = good;
  wrong.name = "wrong";
  wrong.secret = "s3cr3t-wrong";
  bad.Add(wrong);
  struct Case {
    std::string name;
    nlohmann::json config;
    StatusCode code;
    std::string part;
  };
  const std::vector<Case> cases = {
      {"server down", {{"connection", "down"}, {"query", "SELECT 1"}}, StatusCode::kUnavailable, "Couldn't connect"},
      {"wrong password", {{"connection", "wrong"}, {"query", "SELECT 1"}}, StatusCode::kUnauthenticated, "password"},
      {"syntax error", {{"connection", "ch"}, {"query", "SELEC 1"}}, StatusCode::kInvalidArgument, "Syntax error"},
      {"unknown table", {{"connection", "ch"}, {"table", "nope"}}, StatusCode::kInvalidArgument, "doesn't exist"},
      {"a write", {{"connection", "ch"}, {"query", "DROP TABLE victims"}}, StatusCode::kInvalidArgument, "Syntax error"},
      {"two statements", {{"connection", "ch"}, {"query", "SELECT 1); DROP TABLE victims; SELECT (1"}}, StatusCode::kInvalidArgument, ""},
      {"identifier injection", {{"connection", "ch"}, {"table", "x` ; DROP TABLE victims; --"}}, StatusCode::kInvalidArgument, "doesn't exist"},
  };
  Sql("DROP TABLE IF EXISTS victims");
  Sql("CREATE TABLE victims (x Int32) ENGINE = Memory");
  Sql("INSERT INTO victims VALUES (1)");
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto out = RunExtract("extract.clickhouse", c.config, &bad);
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(out.status().code(), c.code) << out.status().ToString();
    EXPECT_NE(out.status().message().find(c.part), std::string::npos) << out.status().ToString();
    EXPECT_EQ(out.status().message().find("s3cr3t"), std::string::npos) << "secret leaked";
  }
  EXPECT_EQ(Sql("SELECT count() FROM victims FORMAT TSV"), (TextRows{{"1"}}));
  // A query cannot lift the read-only mode of GET requests.
  auto sneaky = RunExtract("extract.clickhouse", {{"connection", "ch"}, {"query", "SELECT * FROM victims SETTINGS readonly = 0"}}, &bad);
  EXPECT_FALSE(sneaky.ok());
  // Hostile values are data.
  Sql("DROP TABLE IF EXISTS hostile");
  auto evil = MakeBatch("id:int64, name:string", {{"9", "x'); DROP TABLE victims; -- \\"}});
  ASSERT_TRUE(RunLoad("load.clickhouse", {{"connection", "ch"}, {"table", "hostile"}}, &connections_, {evil}).ok());
  EXPECT_EQ(Sql("SELECT name FROM hostile FORMAT TSV"), (TextRows{{"x\\'); DROP TABLE victims; -- \\\\"}}));
  EXPECT_EQ(Sql("SELECT count() FROM victims FORMAT TSV"), (TextRows{{"1"}}));
  // Connection tests.
  EXPECT_TRUE(TestConnection(good).ok());
  EXPECT_EQ(TestConnection(wrong).code(), StatusCode::kUnauthenticated) << TestConnection(wrong).ToString();
  EXPECT_EQ(TestConnection(down).code(), StatusCode::kUnavailable);
  // A server that accepts the connection and never answers: the connection test gives up.
  {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    listen(fd, 4);  // never accepted: the kernel completes the handshake, nobody answers
    ConnectionConfig silent = good;
    silent.host = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
    auto start = std::chrono::steady_clock::now();
    Status t = TestConnection(silent);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    close(fd);
    EXPECT_EQ(t.code(), StatusCode::kUnavailable) << t.ToString();
    EXPECT_LT(seconds, 20) << t.ToString();
  }
  // URLs that are not a plain http(s) origin are refused before any request.
  for (const std::string host : {"file:///etc/passwd", "gopher://127.0.0.1:6379/_INFO", "http://user:pw@127.0.0.1:8123",
                                 "http://127.0.0.1:8123/path?x=1", "http://127.0.0.1:8123#frag", "ftp://example.com", ""}) {
    SCOPED_TRACE(host);
    ConnectionConfig c = good;
    c.host = host;
    Status t = TestConnection(c);
    EXPECT_FALSE(t.ok());
    EXPECT_TRUE(t.IsInvalidArgument() || IsEgressRefusal(t)) << t.ToString();
  }
}

TEST_F(ClickhouseTest, EgressRulesApplyToTheResolvedAddress) {
  EgressPolicy strict;
  auto open = EgressPolicy::WithAllowList({"127.0.0.0/8"});
  ASSERT_TRUE(open.ok());
  for (const std::string& host : {url_, "http://localhost:" + std::to_string(port_)}) {
    SCOPED_TRACE(host);
    MemoryConnections tenant;
    ConnectionConfig c = *connections_.Resolve("ch");
    c.host = host;
    c.egress = &strict;
    tenant.Add(c);
    Status t = TestConnection(c);
    EXPECT_TRUE(IsEgressRefusal(t)) << t.ToString();
    auto out = RunExtract("extract.clickhouse", {{"connection", "ch"}, {"query", "SELECT 1"}}, &tenant);
    ASSERT_FALSE(out.ok());
    EXPECT_TRUE(IsEgressRefusal(out.status())) << out.status().ToString();
    Status load = RunLoad("load.clickhouse", {{"connection", "ch"}, {"table", "egress"}}, &tenant,
                          {MakeBatch("id:int64", {{"1"}})});
    EXPECT_TRUE(IsEgressRefusal(load)) << load.ToString();
    // Allowed by the organization's list: works.
    c.egress = &*open;
    EXPECT_TRUE(TestConnection(c).ok());
  }
  EXPECT_TRUE(Tables("egress").empty());
}

// Binds load.sql on the ClickHouse connection and commits it like a run that succeeded.
Status RunSqlTask(const std::string& script, ConnectionResolver* connections, const ParameterMap& params = {}) {
  LD_ASSIGN_OR_RETURN(auto op, BindConnector("load.sql", {{"connection", "ch"}, {"sql", script}}, connections, {}, params));
  ExecContext ctx;
  ctx.connections = connections;
  ctx.params = &params;
  LD_RETURN_IF_ERROR(op->Open(ctx));
  return op->Commit();
}

TEST_F(ClickhouseTest, TheSqlTaskRunsScriptsStatementByStatement) {
  Sql("DROP TABLE IF EXISTS elt_src");
  Sql("DROP TABLE IF EXISTS elt_daily");
  Sql("CREATE TABLE elt_src (day Date, amount Int64) ENGINE = MergeTree ORDER BY day");
  Sql("INSERT INTO elt_src VALUES ('2024-01-01', 5), ('2024-01-01', 7), ('2024-01-02', 1)");
  Status s = RunSqlTask(
      "CREATE TABLE elt_daily ENGINE = MergeTree ORDER BY day AS SELECT day, sum(amount) AS total FROM elt_src GROUP BY day;\n"
      "-- a comment; with a semicolon\n"
      "INSERT INTO elt_daily SELECT toDate('2024-01-03'), count() FROM elt_src WHERE amount > 100 OR 'x;y' = 'x;y';",
      &connections_);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Sql("SELECT day, total FROM elt_daily ORDER BY day FORMAT TSV"),
            (TextRows{{"2024-01-01", "12"}, {"2024-01-02", "1"}, {"2024-01-03", "3"}}));
  // A failing statement fails the run with its number; ClickHouse has no transactions, so the
  // statements before it stay (stated in docs).
  Status bad = RunSqlTask("INSERT INTO elt_daily VALUES ('2024-01-04', 4); SELEC 1", &connections_);
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument) << bad.ToString();
  EXPECT_NE(bad.message().find("statement 2"), std::string::npos) << bad.ToString();
  EXPECT_EQ(Sql("SELECT count() FROM elt_daily FORMAT TSV"), (TextRows{{"4"}}));
  // Run parameters cannot be bound on ClickHouse 18.16: refused before any statement runs.
  Status params = RunSqlTask("INSERT INTO elt_daily VALUES ('2024-01-05', 5); DELETE FROM x WHERE day = :day",
                             &connections_, {{"day", "2024-01-01"}});
  EXPECT_EQ(params.code(), StatusCode::kInvalidArgument) << params.ToString();
  EXPECT_NE(params.message().find("parameters"), std::string::npos) << params.ToString();
  EXPECT_EQ(Sql("SELECT count() FROM elt_daily FORMAT TSV"), (TextRows{{"4"}}));
}

TEST_F(ClickhouseTest, AServerErrorAfterTheFirstRowsFailsTheRun) {
  // The HTTP status (200) is sent with the first block; ClickHouse writes a later error into the
  // body, which must fail the run rather than be read as a row.
  auto out = RunExtract("extract.clickhouse",
                        {{"connection", "ch"},
                         {"query", "SELECT number, throwIf(number = 300000) AS boom FROM system.numbers LIMIT 1000000"},
                         {"batch_rows", 10000}},
                        &connections_);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kUnavailable) << out.status().ToString();
  EXPECT_NE(out.status().message().find("throwIf"), std::string::npos) << out.status().ToString();
}

TEST_F(ClickhouseTest, ACutStreamFailsClearly) {
  TcpProxy proxy(port_);
  MemoryConnections via;
  ConnectionConfig c = *connections_.Resolve("ch");
  c.host = "http://127.0.0.1:" + std::to_string(proxy.port());
  via.Add(c);
  auto op = BindConnector("extract.clickhouse",
                          {{"connection", "ch"},
                           {"query", "SELECT number, '" + std::string(200, 'x') + "' FROM system.numbers LIMIT 3000000"},
                           {"batch_rows", 10000}},
                          &via);
  ASSERT_TRUE(op.ok()) << op.status().ToString();
  int64_t rows = 0;
  Status failure = ProduceAcrossCut(**op, &via, proxy, &rows);
  EXPECT_LT(rows, 3000000);
  EXPECT_EQ(failure.code(), StatusCode::kUnavailable) << failure.ToString();
}

}  // namespace
}  // namespace logidata::testing

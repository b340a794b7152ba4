// Exactly-once loads under retry, against real servers (PostgreSQL 15 and MariaDB started by
// scripts/servers/, the HTTP test server) and the real `logidata` binary:
//   * loaders on one connection publish in one transaction (a failed publish leaves every
//     target unchanged);
//   * across systems they publish in order and the run names what landed; a retry with the
//     same run id completes the rest without duplicates (the load ledger);
//   * the same run id run twice loads once (PostgreSQL, MariaDB, SQLite);
//   * `logidata run` killed with SIGKILL in the middle of a 1M-row load, then rerun with the same
//     --run-id: exact count and checksum;
//   * load.http sends an Idempotency-Key per batch, the same when the run is retried.
// A server that cannot start fails the test (never a silent skip).
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "connectors/mysql/mysql_connection.h"
#include "connectors/postgres/pg_connection.h"
#include "integration/connectors/connector_test_support.h"
#include "integration/connectors/pg_test_query.h"
#include "module/builtin_modules.h"
#include "pipeline/run_pipeline.h"

namespace logidata::testing {
namespace {

using Rows = std::vector<std::vector<std::string>>;

// id,v with ids 1..n and v = "x<id>".
std::string WriteCsv(const std::string& dir, const std::string& name, int64_t n) {
  std::string path = dir + "/" + name;
  std::ofstream out(path);
  out << "id,v\n";
  for (int64_t i = 1; i <= n; ++i) out << i << ",x" << i << "\n";
  return path;
}

nlohmann::json Node(const std::string& id, const std::string& type, const std::string& module, nlohmann::json config) {
  return {{"id", id}, {"type", type}, {"module", module}, {"config", std::move(config)}};
}

// One CSV source feeding every loader in `loaders` (in that node order).
PipelineSpec FanOut(const std::string& csv, const std::vector<nlohmann::json>& loaders) {
  nlohmann::json doc = {{"id", "fanout"}, {"name", "fanout"}, {"nodes", nlohmann::json::array()}, {"edges", nlohmann::json::array()}};
  doc["nodes"].push_back(Node("src", "extract", "csv", {{"path", csv}}));
  for (const auto& l : loaders) {
    doc["nodes"].push_back(l);
    doc["edges"].push_back({{"source", "src"}, {"target", l["id"]}});
  }
  auto spec = ParsePipelineJson(doc);
  EXPECT_TRUE(spec.ok()) << spec.status().ToString();
  return *spec;
}

RunResult RunOnce(const PipelineSpec& spec, ConnectionResolver* connections, const std::string& run_id) {
  RunOptions options;
  options.run_id = run_id;
  options.threads = 2;
  options.connections = connections;
  return RunPipeline(spec, BuiltinModules(), options);
}

class ExactlyOnceLoads : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dbs_.Start("loadstest", &connections_);
    if (::testing::Test::HasFatalFailure()) return;

    dir_ = TempDir("exactly-once");
    ConnectionConfig l;
    l.name = "lite";
    l.type = "sqlite";
    l.database = dir_ + "/lite.sqlite";
    connections_.Add(l);
    csv5_ = WriteCsv(dir_, "five.csv", 5);
  }
  static void TearDownTestSuite() {
    dbs_.Stop();
  }

  static Rows Pg(const std::string& sql) { return QueryTestPg(connections_, sql); }
  static std::string PgOne(const std::string& sql) {
    Rows r = Pg(sql);
    return r.empty() || r[0].empty() ? "<none>" : r[0][0];
  }
  static std::string MyOne(const std::string& sql) {
    auto conn = MysqlConnection::Connect(*connections_.Resolve("my"));
    EXPECT_TRUE(conn.ok()) << conn.status().ToString();
    if (!conn.ok()) return "<no connection>";
    if (mysql_real_query((*conn)->get(), sql.data(), sql.size()) != 0) return std::string("<error> ") + mysql_error((*conn)->get());
    MYSQL_RES* r = mysql_store_result((*conn)->get());
    if (r == nullptr) return "<none>";
    MYSQL_ROW row = mysql_fetch_row(r);
    std::string v = row != nullptr && row[0] != nullptr ? row[0] : "<none>";
    mysql_free_result(r);
    return v;
  }
  static std::string LiteCount(const std::string& table) {
    auto out = Shell("python3 -c \"import sqlite3; print(sqlite3.connect('" + dir_ + "/lite.sqlite').execute('SELECT count(*) FROM " +
                     table + "').fetchone()[0])\"");
    return out.ok() ? *out : out.status().ToString();
  }

  static inline TestDatabases dbs_;
  static inline std::string dir_, csv5_;
  static inline MemoryConnections connections_;
};

// Two loaders on one PostgreSQL connection; the second fails while publishing (a CHECK the
// upsert staging table does not carry). One transaction: the first target stays unchanged too.
// After the fix, a retry with the same run id loads both exactly once; a third run skips both.
TEST_F(ExactlyOnceLoads, SameConnectionLoadersPublishInOneTransaction) {
  Pg("DROP TABLE IF EXISTS one_a, one_b; CREATE TABLE one_a (id bigint, v text); INSERT INTO one_a VALUES (0, 'old');"
     "CREATE TABLE one_b (id bigint PRIMARY KEY, v text, CONSTRAINT no_x3 CHECK (v <> 'x3'))");
  PipelineSpec spec = FanOut(csv5_, {Node("a", "load", "postgres", {{"connection", "pg"}, {"table", "one_a"}}),
                                     Node("b", "load", "postgres", {{"connection", "pg"}, {"table", "one_b"}, {"mode", "upsert"}, {"keys", {"id"}}})});
  RunResult failed = RunOnce(spec, &connections_, "same-conn-1");
  ASSERT_FALSE(failed.status.ok());
  EXPECT_NE(failed.status.message().find("could not publish"), std::string::npos) << failed.status.ToString();
  EXPECT_NE(failed.status.message().find("publishing node 'b'"), std::string::npos) << failed.status.ToString();
  EXPECT_NE(failed.status.message().find("published: none"), std::string::npos) << failed.status.ToString();
  EXPECT_TRUE(failed.published.empty());
  EXPECT_EQ(Pg("SELECT id, v FROM one_a"), (Rows{{"0", "old"}}));
  EXPECT_EQ(PgOne("SELECT count(*) FROM one_b"), "0");
  // The ledger table itself is created inside the rolled-back transaction on a fresh database.
  if (PgOne("SELECT to_regclass('_logidata_loads') IS NOT NULL") == "t") {
    EXPECT_EQ(PgOne("SELECT count(*) FROM _logidata_loads WHERE run_id = 'same-conn-1'"), "0");
  }

  Pg("ALTER TABLE one_b DROP CONSTRAINT no_x3");
  for (int attempt = 2; attempt <= 3; ++attempt) {
    SCOPED_TRACE("attempt " + std::to_string(attempt));
    RunResult ok = RunOnce(spec, &connections_, "same-conn-1");
    ASSERT_TRUE(ok.status.ok()) << ok.status.ToString();
    EXPECT_EQ(ok.published, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(PgOne("SELECT count(*) FROM one_a"), "6");
    EXPECT_EQ(PgOne("SELECT count(*) FROM one_b"), "5");
    EXPECT_EQ(Pg("SELECT node_id, rows FROM _logidata_loads WHERE run_id = 'same-conn-1' ORDER BY node_id"),
              (Rows{{"a", "5"}, {"b", "5"}}));
  }
}

// SQLite and PostgreSQL cannot share a transaction: they publish in node order. The PostgreSQL
// publish fails after SQLite's committed; the run fails and says which output landed. A retry
// with the same run id skips SQLite (ledger) and loads PostgreSQL: each target has its rows once.
TEST_F(ExactlyOnceLoads, AcrossSystemsTheRunNamesWhatWasPublishedAndARetryCompletesIt) {
  Pg("DROP TABLE IF EXISTS cross_b; CREATE TABLE cross_b (id bigint PRIMARY KEY, v text, CONSTRAINT no_x3 CHECK (v <> 'x3'))");
  PipelineSpec spec = FanOut(csv5_, {Node("lite", "load", "sqlite", {{"connection", "lite"}, {"table", "cross_a"}}),
                                     Node("pgb", "load", "postgres", {{"connection", "pg"}, {"table", "cross_b"}, {"mode", "upsert"}, {"keys", {"id"}}})});
  RunResult failed = RunOnce(spec, &connections_, "cross-1");
  ASSERT_FALSE(failed.status.ok());
  EXPECT_EQ(failed.failed_node, "pgb");
  EXPECT_EQ(failed.published, (std::vector<std::string>{"lite"}));
  EXPECT_NE(failed.status.message().find("[published: lite; not published: pgb]"), std::string::npos) << failed.status.ToString();
  EXPECT_EQ(LiteCount("cross_a"), "5");
  EXPECT_EQ(PgOne("SELECT count(*) FROM cross_b"), "0");

  Pg("ALTER TABLE cross_b DROP CONSTRAINT no_x3");
  RunResult retried = RunOnce(spec, &connections_, "cross-1");
  ASSERT_TRUE(retried.status.ok()) << retried.status.ToString();
  EXPECT_EQ(LiteCount("cross_a"), "5");
  EXPECT_EQ(PgOne("SELECT count(*) FROM cross_b"), "5");
}

// The same run id twice: each database gets the rows once; a new run id appends again.
TEST_F(ExactlyOnceLoads, SameRunIdTwiceAppendsOnce) {
  Pg("DROP TABLE IF EXISTS twice");
  (void)MyOne("DROP TABLE IF EXISTS twice");
  PipelineSpec spec = FanOut(csv5_, {Node("p", "load", "postgres", {{"connection", "pg"}, {"table", "twice"}}),
                                     Node("m", "load", "mysql", {{"connection", "my"}, {"table", "twice"}}),
                                     Node("s", "load", "sqlite", {{"connection", "lite"}, {"table", "twice"}})});
  for (const std::string run : {"twice-1", "twice-1", "twice-2"}) {
    RunResult r = RunOnce(spec, &connections_, run);
    ASSERT_TRUE(r.status.ok()) << run << ": " << r.status.ToString();
  }
  EXPECT_EQ(PgOne("SELECT count(*) FROM twice"), "10");
  EXPECT_EQ(MyOne("SELECT count(*) FROM twice"), "10");
  EXPECT_EQ(LiteCount("twice"), "10");
  EXPECT_EQ(MyOne("SELECT `rows` FROM _logidata_loads WHERE run_id = 'twice-1' AND node_id = 'm'"), "5");
  // Opting out: no ledger, so the same run id appends again.
  PipelineSpec no_ledger = FanOut(csv5_, {Node("p", "load", "postgres", {{"connection", "pg"}, {"table", "twice"}, {"ledger", false}})});
  ASSERT_TRUE(RunOnce(no_ledger, &connections_, "twice-1").status.ok());
  EXPECT_EQ(PgOne("SELECT count(*) FROM twice"), "15");
}

// `logidata run` killed with SIGKILL while it streams 1M rows into PostgreSQL leaves the table
// unchanged; rerun with the same --run-id it loads every row exactly once, and a third run with
// that id loads nothing more.
TEST_F(ExactlyOnceLoads, KilledCliMidLoadThenRerunWithSameRunIdIsExact) {
  const std::string logidata = std::string(LOGIDATA_BINARY_DIR) + "/logidata";
  ASSERT_EQ(access(logidata.c_str(), X_OK), 0) << "build the logidata target first: " << logidata;
  constexpr int64_t kRows = 1'000'000;
  const std::string dir = TempDir("kill-load");
  WriteCsv(dir, "big.csv", kRows);
  std::ofstream(dir + "/connections.json")
      << nlohmann::json{{"connections", {{"pg", {{"type", "postgres"}, {"host", "127.0.0.1"}, {"port", dbs_.pg_port},
                                                 {"database", "logidata"}, {"user", "postgres"}}}}}}.dump();
  std::ofstream(dir + "/pipeline.json")
      << nlohmann::json{{"id", "kill-load"}, {"name", "kill-load"},
                        {"nodes", {Node("src", "extract", "csv", {{"path", "big.csv"}}),
                                   Node("big", "load", "postgres", {{"connection", "pg"}, {"table", "big_load"}})}},
                        {"edges", {{{"source", "src"}, {"target", "big"}}}}}.dump();
  Pg("DROP TABLE IF EXISTS big_load; CREATE TABLE big_load (id bigint, v text)");
  auto run = [&](bool kill_mid_load) -> int {
    pid_t child = fork();
    if (child == 0) {
      int devnull = open("/dev/null", O_WRONLY);
      dup2(devnull, 1);
      dup2(devnull, 2);
      execl(logidata.c_str(), logidata.c_str(), "run", (dir + "/pipeline.json").c_str(), "--run-id", "kill-run-1", "--quiet",
            "--threads", "2", static_cast<char*>(nullptr));
      _exit(127);
    }
    if (kill_mid_load) {
      // Mid-load: the loader has sent at least one COPY batch in its (uncommitted) transaction.
      bool copying = false;
      // Killed as soon as the COPY is seen: the whole load takes well under a second on a quiet
      // machine, so waiting longer let it finish first.
      for (int i = 0; i < 3000 && !copying; ++i) {
        copying = PgOne("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY %big_load%'") != "0";
        if (!copying) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      EXPECT_TRUE(copying) << "the load never started";
      int early = 0;
      EXPECT_EQ(waitpid(child, &early, WNOHANG), 0) << "the run finished before it could be killed";
      kill(child, SIGKILL);
    }
    int status = 0;
    waitpid(child, &status, 0);
    return WIFSIGNALED(status) ? -WTERMSIG(status) : WEXITSTATUS(status);
  };
  EXPECT_EQ(run(true), -SIGKILL);
  // The server rolls the dead session's transaction back: nothing of it is visible.
  EXPECT_EQ(PgOne("SELECT count(*) FROM big_load"), "0");
  const std::string checksum =
      "SELECT count(*) || ' ' || count(DISTINCT id) || ' ' || sum(id) || ' ' || md5(string_agg(v, ',' ORDER BY id)) FROM big_load";
  std::string expected_md5 = PgOne(
      "SELECT md5(string_agg('x' || g, ',' ORDER BY g)) FROM generate_series(1, " + std::to_string(kRows) + ") AS g");
  const std::string expected = std::to_string(kRows) + " " + std::to_string(kRows) + " " +
                               std::to_string(kRows * (kRows + 1) / 2) + " " + expected_md5;
  EXPECT_EQ(run(false), 0);
  EXPECT_EQ(PgOne(checksum), expected);
  EXPECT_EQ(run(false), 0);
  EXPECT_EQ(PgOne(checksum), expected);
  EXPECT_EQ(PgOne("SELECT rows FROM _logidata_loads WHERE run_id = 'kill-run-1' AND node_id = 'big'"), std::to_string(kRows));
}

// The watermark travels with the load: attempt 1 loads and commits (with its ledger row) but the
// process "dies" before the state store commits. New source rows arrive; the retry (same run id)
// re-extracts past them, skips the committed load and restores attempt 1's watermark, so the
// next run picks the new rows up: every source row lands exactly once.
TEST_F(ExactlyOnceLoads, RetriedRunRestoresTheWatermarkCommittedWithItsLoad) {
  Pg("DROP TABLE IF EXISTS wm_src, wm_dst; CREATE TABLE wm_src (id bigint, v text);"
     "INSERT INTO wm_src SELECT g, 'x' || g FROM generate_series(1, 5) AS g");
  nlohmann::json doc = {{"id", "wm"}, {"name", "wm"},
                        {"nodes", {Node("src", "extract", "postgres", {{"connection", "pg"}, {"query", "SELECT id, v FROM wm_src"}, {"incremental_column", "id"}}),
                                   Node("dst", "load", "postgres", {{"connection", "pg"}, {"table", "wm_dst"}})}},
                        {"edges", {{{"source", "src"}, {"target", "dst"}}}}};
  auto spec = ParsePipelineJson(doc);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  MemoryState state;
  auto run = [&](const std::string& run_id) {
    RunOptions options;
    options.run_id = run_id;
    options.connections = &connections_;
    options.state = &state;
    return RunPipeline(*spec, BuiltinModules(), options);
  };
  ASSERT_TRUE(run("wm-1").status.ok());
  state.Discard();  // the process died before the state store committed
  Pg("INSERT INTO wm_src SELECT g, 'x' || g FROM generate_series(6, 8) AS g");
  RunResult retried = run("wm-1");
  ASSERT_TRUE(retried.status.ok()) << retried.status.ToString();
  state.Publish();
  EXPECT_EQ(*state.Get("src/watermark"), std::optional<std::string>("5"));
  EXPECT_EQ(PgOne("SELECT count(*) || ' ' || sum(id) FROM wm_dst"), "5 15");
  ASSERT_TRUE(run("wm-2").status.ok());
  state.Publish();
  EXPECT_EQ(PgOne("SELECT count(*) || ' ' || count(DISTINCT id) || ' ' || sum(id) FROM wm_dst"), "8 8 36");
  EXPECT_EQ(*state.Get("src/watermark"), std::optional<std::string>("8"));
}

// load.http: one Idempotency-Key per batch, "<run id>-<node id>-<batch>", identical when the run
// is retried with the same run id, so the receiver can drop the repeats.
TEST_F(ExactlyOnceLoads, HttpLoadSendsStableIdempotencyKeys) {
  ChildProcess server;
  auto line = server.Start({"/usr/bin/python3", SourceDir() + "/scripts/servers/http_test_server.py", "0"});
  ASSERT_TRUE(line.ok()) << line.status().ToString();
  const std::string base = "http://127.0.0.1:" + line->substr(6);
  ConnectionConfig c;
  c.name = "api";
  c.type = "http";
  c.host = base;
  c.options["auth"] = "none";
  connections_.Add(c);
  const std::string csv = WriteCsv(dir_, "http.csv", 1200);
  std::vector<std::vector<std::string>> keys_per_attempt;
  for (const std::string sink : {"ik-a", "ik-b"}) {
    PipelineSpec spec = FanOut(csv, {Node("send", "load", "http", {{"connection", "api"}, {"path", "/sink?key=" + sink}, {"batch_rows", 500}})});
    RunResult r = RunOnce(spec, &connections_, "http-run-7");
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    auto got = Shell("python3 -c \"import urllib.request; print(urllib.request.urlopen('" + base + "/sink?key=" + sink + "').read().decode())\"");
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    std::vector<std::string> keys;
    int64_t rows = 0;
    for (const auto& req : nlohmann::json::parse(*got)) {
      keys.push_back(req.value("idempotency_key", "<missing>"));
      rows += static_cast<int64_t>(nlohmann::json::parse(req["body"].get<std::string>()).size());
    }
    EXPECT_EQ(rows, 1200);
    keys_per_attempt.push_back(keys);
  }
  EXPECT_EQ(keys_per_attempt[0], (std::vector<std::string>{"http-run-7-send-1", "http-run-7-send-2", "http-run-7-send-3"}));
  EXPECT_EQ(keys_per_attempt[1], keys_per_attempt[0]);
}

}  // namespace
}  // namespace logidata::testing

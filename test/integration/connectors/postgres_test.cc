// extract.postgres / load.postgres against a real PostgreSQL 15 started by
// scripts/servers/postgres.sh for this test binary.
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <mutex>
#include <thread>

#include "connectors/connection_tester.h"
#include "connectors/postgres/pg_connection.h"
#include "integration/connectors/connector_test_support.h"

namespace logidata::testing {
namespace {

class PostgresTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = "/tmp/logidata-pgtest-" + std::to_string(getpid());
    port_ = FreePort();
    auto url = Shell(SourceDir() + "/scripts/servers/postgres.sh start " + dir_ + " " + std::to_string(port_));
    ASSERT_TRUE(url.ok()) << url.status().ToString();
    ConnectionConfig c;
    c.name = "pg";
    c.type = "postgres";
    c.host = "127.0.0.1";
    c.port = port_;
    c.database = "logidata";
    c.user = "postgres";
    connections_.Add(c);
  }
  static void TearDownTestSuite() {
    (void)Shell(SourceDir() + "/scripts/servers/postgres.sh stop " + dir_);
    (void)Shell("rm -rf " + dir_);
  }

  static ConnectionConfig Config() { return *connections_.Resolve("pg"); }

  // Runs SQL over a fresh connection; rows as text (NULL for null).
  static std::vector<std::vector<std::string>> Sql(const std::string& sql) {
    auto conn = PgConnection::Connect(Config());
    EXPECT_TRUE(conn.ok()) << conn.status().ToString();
    if (!conn.ok()) return {};
    // Simple protocol: several statements per call are fine.
    std::optional<PgResultPtr> r(PgResultPtr(PQexec((*conn)->get(), sql.c_str())));
    auto st = PQresultStatus(r->get());
    EXPECT_TRUE(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) << sql << ": " << PQresultErrorMessage(r->get());
    std::vector<std::vector<std::string>> rows;
    for (int i = 0; i < PQntuples(r->get()); ++i) {
      std::vector<std::string> row;
      for (int c = 0; c < PQnfields(r->get()); ++c) {
        row.push_back(PQgetisnull(r->get(), i, c) ? "NULL" : PQgetvalue(r->get(), i, c));
      }
      rows.push_back(row);
    }
    return rows;
  }

  static inline std::string dir_;
  static inline int port_ = 0;
  static inline MemoryConnections connections_;
};

TEST_F(PostgresTest, RoundTripsEveryTypeThroughCreatedTable) {
  Sql("DROP TABLE IF EXISTS types_rt");
  auto batch = MakeBatch(
      "b:bool, i:int32, l:int64, f:float64, d:decimal(12,3), s:string, day:date, ts:timestamp, tz:timestamp(UTC)",
      {{"true", "-7", "9000000000", "1.5", "-1234.567", "héllo \"q\" 'x'", "2024-02-29", "2024-05-01 12:30:00.25",
        "2024-05-01 10:00:00"},
       {"NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"},
       {"false", "2147483647", "-1", "-0.25", "0.001", "", "1969-12-31", "1900-01-01 00:00:00", "1970-01-01 00:00:00"}});
  ASSERT_TRUE(RunLoad("load.postgres", {{"connection", "pg"}, {"table", "types_rt"}}, &connections_, {batch}).ok());
  EXPECT_EQ(Sql("SELECT d::text, tz::text FROM types_rt WHERE i = -7"),
            (std::vector<std::vector<std::string>>{{"-1234.567", "2024-05-01 10:00:00+00"}}));
  auto out = RunExtract("extract.postgres", {{"connection", "pg"}, {"table", "types_rt"}}, &connections_);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_FALSE(out->empty());
  EXPECT_EQ((*out)[0]->schema()->ToString(), batch->schema()->ToString());
  EXPECT_EQ(SortedRows(*out), SortedRows({batch}));
}

TEST_F(PostgresTest, LoadModes) {
  struct Case {
    std::string mode;
    std::vector<std::vector<std::string>> expected;
  };
  // Existing rows: (1,a) (2,b). Loaded: (2,B) (3,C) (3,D).
  std::vector<Case> cases = {
      {"append", {{"1", "a"}, {"2", "B"}, {"2", "b"}, {"3", "C"}, {"3", "D"}}},
      {"truncate", {{"2", "B"}, {"3", "C"}, {"3", "D"}}},
      {"upsert", {{"1", "a"}, {"2", "B"}, {"3", "D"}}},
      {"replace", {{"2", "B"}, {"3", "C"}, {"3", "D"}}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.mode);
    Sql("DROP TABLE IF EXISTS modes");
    Sql(c.mode == "upsert" ? "CREATE TABLE modes (id bigint PRIMARY KEY, v text)" : "CREATE TABLE modes (id bigint, v text)");
    Sql("INSERT INTO modes VALUES (1, 'a'), (2, 'b')");
    auto batch = MakeBatch("id:int64, v:string", {{"2", "B"}, {"3", "C"}, {"3", "D"}});
    nlohmann::json cfg = {{"connection", "pg"}, {"table", "modes"}, {"mode", c.mode}};
    if (c.mode == "upsert") cfg["keys"] = {"id"};
    // Aborted first: nothing changes.
    ASSERT_TRUE(RunLoad("load.postgres", cfg, &connections_, {batch}, /*commit=*/false).ok());
    EXPECT_EQ(Sql("SELECT id, v FROM modes ORDER BY id, v COLLATE \"C\""),
              (std::vector<std::vector<std::string>>{{"1", "a"}, {"2", "b"}}));
    Status s = RunLoad("load.postgres", cfg, &connections_, {batch}, true, /*threads=*/2);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(Sql("SELECT id, v FROM modes ORDER BY id, v COLLATE \"C\""), c.expected);
  }
  // No leftover staging tables.
  EXPECT_TRUE(Sql("SELECT relname FROM pg_class WHERE relname LIKE '%logidata_new%'").empty());
}

// schema_drift: evolve. The input's new column is added to the existing table (nullable, earlier
// rows NULL) in every mode; an aborted load adds nothing (the ALTER is in its transaction);
// without evolve the new column is refused by name.
TEST_F(PostgresTest, EvolveAddsNewInputColumnsToTheTarget) {
  auto batch = MakeBatch("id:int64, v:string, coupon:string", {{"2", "B", "X"}, {"3", "C", "NULL"}});
  for (const std::string mode : {"append", "upsert", "truncate", "replace"}) {
    SCOPED_TRACE(mode);
    Sql("DROP TABLE IF EXISTS evolving");
    Sql("CREATE TABLE evolving (id bigint PRIMARY KEY, v text)");
    Sql("INSERT INTO evolving VALUES (1, 'a')");
    nlohmann::json cfg = {{"connection", "pg"}, {"table", "evolving"}, {"mode", mode}};
    if (mode == "upsert") cfg["keys"] = {"id"};
    Status refused = RunLoad("load.postgres", cfg, &connections_, {batch});
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.ToString().find("'coupon'"), std::string::npos) << refused.ToString();
    ASSERT_TRUE(RunLoad("load.postgres", cfg, &connections_, {batch}, /*commit=*/false, 1, /*evolve=*/true).ok());
    EXPECT_EQ(Sql("SELECT count(*) FROM information_schema.columns WHERE table_name = 'evolving'"),
              (std::vector<std::vector<std::string>>{{"2"}}));
    Status s = RunLoad("load.postgres", cfg, &connections_, {batch}, true, 1, /*evolve=*/true);
    ASSERT_TRUE(s.ok()) << s.ToString();
    const bool keeps_old = mode == "append" || mode == "upsert";
    std::vector<std::vector<std::string>> expected;
    if (keeps_old) expected.push_back({"1", "a", "NULL"});
    expected.push_back({"2", "B", "X"});
    expected.push_back({"3", "C", "NULL"});
    EXPECT_EQ(Sql("SELECT id, v, coupon FROM evolving ORDER BY id"), expected);
  }
}

TEST_F(PostgresTest, UpsertCreatesTableWithPrimaryKey) {
  Sql("DROP TABLE IF EXISTS upsert_new");
  nlohmann::json cfg = {{"connection", "pg"}, {"table", "upsert_new"}, {"mode", "upsert"}, {"keys", {"id"}}};
  ASSERT_TRUE(RunLoad("load.postgres", cfg, &connections_, {MakeBatch("id:int64, v:string", {{"1", "x"}})}).ok());
  ASSERT_TRUE(RunLoad("load.postgres", cfg, &connections_, {MakeBatch("id:int64, v:string", {{"1", "y"}, {"2", "z"}})}).ok());
  EXPECT_EQ(Sql("SELECT id, v FROM upsert_new ORDER BY id"), (std::vector<std::vector<std::string>>{{"1", "y"}, {"2", "z"}}));
}

TEST_F(PostgresTest, NamedParametersAreBoundNotSpliced) {
  Sql("DROP TABLE IF EXISTS params; CREATE TABLE params (id int, day date, name text)");
  Sql("INSERT INTO params VALUES (1, '2024-01-01', 'a'), (2, '2024-02-01', 'b'), (3, '2024-03-01', 'c')");
  Sql("DROP TABLE IF EXISTS victims; CREATE TABLE victims (x int)");
  struct Case {
    std::string name;
    ParameterMap params;
    bool ok;
    std::vector<std::vector<std::string>> rows;
  };
  std::vector<Case> cases = {
      {"date", {{"start_date", "2024-01-15"}, {"who", "b"}}, true, {{"2"}}},
      {"injection in value", {{"start_date", "2024-01-01"}, {"who", "b' OR '1'='1"}}, true, {}},
      {"injection with statement", {{"start_date", "2024-01-01"}, {"who", "x'; DROP TABLE victims; --"}}, true, {}},
      {"bad date", {{"start_date", "not a date"}, {"who", "b"}}, false, {}},
      {"missing parameter", {{"start_date", "2024-01-01"}}, false, {}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    nlohmann::json cfg = {{"connection", "pg"},
                          {"query", "SELECT id FROM params WHERE day > :start_date AND name = :who -- :ignored\n"
                                    "AND name <> ':not_a_param' AND id::int > 0"}};
    auto out = RunExtract("extract.postgres", cfg, &connections_, c.params);
    EXPECT_EQ(out.ok(), c.ok) << out.status().ToString();
    if (out.ok()) EXPECT_EQ(Rows(*out), c.rows);
  }
  EXPECT_EQ(Sql("SELECT count(*) FROM victims"), (std::vector<std::vector<std::string>>{{"0"}}));
}

TEST_F(PostgresTest, IdentifiersAreQuoted) {
  Sql("DROP TABLE IF EXISTS victims; CREATE TABLE victims (x int)");
  Sql("DROP TABLE IF EXISTS \"we\"\"ird; name\"");
  // A table name that would be SQL if spliced is just a (strange) name.
  auto batch = MakeBatch("id:int64", {{"1"}});
  ASSERT_TRUE(RunLoad("load.postgres", {{"connection", "pg"}, {"table", "we\"ird; name"}}, &connections_, {batch}).ok());
  EXPECT_EQ(Sql("SELECT id FROM \"we\"\"ird; name\""), (std::vector<std::vector<std::string>>{{"1"}}));
  auto out = RunExtract("extract.postgres", {{"connection", "pg"}, {"table", "victims; DROP TABLE victims"}}, &connections_);
  EXPECT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("does not exist"), std::string::npos) << out.status().ToString();
  auto col = MakeBatch("x\"; DROP TABLE victims; --:int64", {{"1"}});
  EXPECT_FALSE(RunLoad("load.postgres", {{"connection", "pg"}, {"table", "victims"}, {"create_table", false}}, &connections_,
                       {col}).ok());
  EXPECT_EQ(Sql("SELECT count(*) FROM victims"), (std::vector<std::vector<std::string>>{{"0"}}));
}

TEST_F(PostgresTest, IncrementalReadsOnlyNewRows) {
  Sql("DROP TABLE IF EXISTS events; CREATE TABLE events (id int, at timestamptz)");
  Sql("INSERT INTO events VALUES (1, '2024-01-01 00:00:00+00'), (2, '2024-01-02 00:00:00+00')");
  MemoryState state;
  nlohmann::json cfg = {{"connection", "pg"}, {"table", "events"}, {"incremental_column", "at"}};
  auto first = RunExtract("extract.postgres", cfg, &connections_, {}, &state);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(SortedRows(*first).size(), 2u);
  // A failed run would not publish its watermark: reading again still sees both rows.
  state.Discard();
  auto again = RunExtract("extract.postgres", cfg, &connections_, {}, &state);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(SortedRows(*again).size(), 2u);
  state.Publish();
  Sql("INSERT INTO events VALUES (3, '2024-01-03 00:00:00+00'), (0, '2023-12-31 00:00:00+00')");
  auto second = RunExtract("extract.postgres", cfg, &connections_, {}, &state);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(Rows(*second), (std::vector<std::vector<std::string>>{{"3", "2024-01-03 00:00:00"}}));
  state.Publish();
  auto third = RunExtract("extract.postgres", cfg, &connections_, {}, &state);
  ASSERT_TRUE(third.ok());
  EXPECT_TRUE(SortedRows(*third).empty());
}

TEST_F(PostgresTest, StreamsLargeResultInBoundedBatches) {
  Sql("DROP TABLE IF EXISTS big; CREATE TABLE big AS SELECT g AS id, md5(g::text) AS s FROM generate_series(1, 300000) g");
  auto out = RunExtract("extract.postgres", {{"connection", "pg"}, {"table", "big"}, {"fetch_rows", 20000}}, &connections_);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  int64_t rows = 0;
  for (const auto& b : *out) {
    EXPECT_LE(b->num_rows(), 20000);
    rows += b->num_rows();
  }
  EXPECT_EQ(rows, 300000);
  // The cursor path (a parameter) streams too.
  auto cur = RunExtract("extract.postgres",
                        {{"connection", "pg"}, {"query", "SELECT * FROM big WHERE id > :n"}, {"fetch_rows", 20000}},
                        &connections_, {{"n", "100000"}});
  ASSERT_TRUE(cur.ok()) << cur.status().ToString();
  rows = 0;
  for (const auto& b : *cur) rows += b->num_rows();
  EXPECT_EQ(rows, 200000);
}

// Drives a source like the executor: `threads` threads each with their own state call Produce
// until it returns false; the batches come back sorted by sequence.
Result<std::vector<BatchPtr>> ProduceAll(Operator& op, int threads) {
  std::mutex mu;
  std::vector<BatchPtr> batches;
  Status failure;
  struct Collect : Emitter {
    std::mutex* mu;
    std::vector<BatchPtr>* out;
    Status Emit(int, BatchPtr b) override {
      std::lock_guard<std::mutex> lock(*mu);
      out->push_back(std::move(b));
      return Status::OK();
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      auto state = op.MakeThreadState();
      Collect sink;
      sink.mu = &mu;
      sink.out = &batches;
      while (true) {
        Result<bool> more = op.Produce(state.get(), sink);
        if (!more.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          failure = more.status();
          return;
        }
        if (!*more) return;
      }
    });
  }
  for (auto& t : pool) t.join();
  if (!failure.ok()) return failure;
  std::stable_sort(batches.begin(), batches.end(),
                   [](const BatchPtr& a, const BatchPtr& b) { return a->sequence() < b->sequence(); });
  return batches;
}

TEST_F(PostgresTest, ParallelTableScanReadsOneSnapshotInOrder) {
  std::vector<int64_t> expected;
  for (int64_t i = 1; i <= 200000; ++i) {
    if (i % 7 != 0) expected.push_back(i);
  }
  struct Case {
    int connections;
    int threads;
    bool analysed;  // rows per page from statistics, else sampled
  };
  for (const Case& c : std::vector<Case>{{1, 1, false}, {4, 1, false}, {4, 4, false}, {3, 3, true}}) {
    SCOPED_TRACE("connections " + std::to_string(c.connections) + ", threads " + std::to_string(c.threads));
    Sql("DROP TABLE IF EXISTS scan; CREATE TABLE scan AS SELECT g::bigint AS id, md5(g::text) AS s FROM generate_series(1, 200000) g");
    Sql("DELETE FROM scan WHERE id % 7 = 0");  // holes inside the pages
    if (c.analysed) Sql("ANALYZE scan");
    auto op = BindConnector("extract.postgres",
                            {{"connection", "pg"}, {"table", "scan"}, {"fetch_rows", 10000}, {"connections", c.connections}},
                            &connections_);
    ASSERT_TRUE(op.ok()) << op.status().ToString();
    ExecContext ctx;
    ctx.node_id = "n";
    ctx.connections = &connections_;
    ASSERT_TRUE((*op)->Open(ctx).ok());
    // Changes committed after Open are not seen: every connection reads the snapshot taken then.
    Sql("BEGIN; UPDATE scan SET s = 'changed' WHERE id < 1000; DELETE FROM scan WHERE id > 150000;"
        "INSERT INTO scan SELECT g, 'new' FROM generate_series(300001, 310000) g; COMMIT");
    auto batches = ProduceAll(**op, c.threads);
    ASSERT_TRUE(batches.ok()) << batches.status().ToString();
    std::vector<int64_t> ids;
    int64_t changed = 0;
    for (size_t i = 0; i < batches->size(); ++i) {
      const Batch& b = *(*batches)[i];
      // The single stream leaves numbering to the executor; ranges number themselves.
      if (c.connections > 1) EXPECT_EQ(b.sequence(), i);
      EXPECT_LE(b.num_rows(), 10000);
      for (int64_t r = 0; r < b.num_rows(); ++r) {
        ids.push_back(b.column(0)->Get<int64_t>(r));
        changed += b.column(1)->GetValue(r).ToString().size() != 32;
      }
    }
    EXPECT_GT(batches->size(), 10u);
    EXPECT_EQ(ids, expected);
    EXPECT_EQ(changed, 0);
    (*op)->Abort();
  }
  // An empty table still gives one (empty) batch carrying the schema.
  Sql("DROP TABLE IF EXISTS empty_scan; CREATE TABLE empty_scan (id bigint, s text)");
  auto empty = RunExtract("extract.postgres", {{"connection", "pg"}, {"table", "empty_scan"}, {"connections", 4}},
                          &connections_);
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  ASSERT_EQ(empty->size(), 1u);
  EXPECT_EQ((*empty)[0]->num_rows(), 0);
  EXPECT_EQ((*empty)[0]->schema()->ToString(), "id: int64, s: string");
  // Views and queries keep the single stream (no ctid); they read the same rows.
  Sql("DROP VIEW IF EXISTS scan_view; DROP TABLE IF EXISTS scan;"
      "CREATE TABLE scan AS SELECT g::bigint AS id, md5(g::text) AS s FROM generate_series(1, 200000) g;"
      "DELETE FROM scan WHERE id % 7 = 0; CREATE VIEW scan_view AS SELECT * FROM scan");
  auto view = RunExtract("extract.postgres", {{"connection", "pg"}, {"table", "scan_view"}, {"connections", 4}}, &connections_);
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  int64_t rows = 0;
  for (const auto& b : *view) rows += b->num_rows();
  EXPECT_EQ(rows, static_cast<int64_t>(expected.size()));
}

TEST_F(PostgresTest, Faults) {
  MemoryConnections bad;
  ConnectionConfig down = Config();
  down.name = "down";
  down.port = FreePort();
  bad.Add(down);
  Sql("DROP ROLE IF EXISTS pwuser; CREATE ROLE pwuser LOGIN PASSWORD 'right'");
  // Password auth for this user (the test server trusts everyone else).
  ASSERT_TRUE(Shell("sed -i '1i host all pwuser 127.0.0.1/32 scram-sha-256' " + dir_ + "/data/pg_hba.conf").ok());
  Sql("SELECT pg_reload_conf()");
  ConnectionConfig wrong = Config();
  wrong.name = "wrong";
  wrong.user = "pwuser";
  wrong.secret = "wrong";
  bad.Add(wrong);
  ConnectionConfig right = wrong;
  right.name = "right";
  right.secret = "right";
  bad.Add(right);

  struct Case {
    std::string name;
    nlohmann::json config;
    StatusCode code;
    std::string message_part;
  };
  std::vector<Case> cases = {
      {"server down", {{"connection", "down"}, {"query", "SELECT 1"}}, StatusCode::kUnavailable, "cannot connect"},
      {"wrong password", {{"connection", "wrong"}, {"query", "SELECT 1"}}, StatusCode::kUnauthenticated, "password authentication failed"},
      {"query error", {{"connection", "right"}, {"query", "SELEC 1"}}, StatusCode::kInvalidArgument, "syntax error"},
      {"unknown table", {{"connection", "right"}, {"table", "nope"}}, StatusCode::kInvalidArgument, "does not exist"},
      {"unknown connection", {{"connection", "nope"}, {"query", "SELECT 1"}}, StatusCode::kInvalidArgument, "not defined"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto out = RunExtract("extract.postgres", c.config, &bad);
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(out.status().code(), c.code) << out.status().ToString();
    EXPECT_NE(out.status().message().find(c.message_part), std::string::npos) << out.status().ToString();
    EXPECT_EQ(out.status().message().find("right"), std::string::npos) << "secret leaked";
  }
  auto ok = RunExtract("extract.postgres", {{"connection", "right"}, {"query", "SELECT 1 AS one"}}, &bad);
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();
  // The "test connection" verdicts.
  EXPECT_TRUE(TestConnection(right).ok()) << TestConnection(right).ToString();
  EXPECT_EQ(TestConnection(wrong).code(), StatusCode::kUnauthenticated) << TestConnection(wrong).ToString();
  EXPECT_EQ(TestConnection(down).code(), StatusCode::kUnavailable) << TestConnection(down).ToString();
  ConnectionConfig nodb = right;
  nodb.database = "missing_db";
  EXPECT_EQ(TestConnection(nodb).code(), StatusCode::kNotFound) << TestConnection(nodb).ToString();
}

TEST_F(PostgresTest, NetworkCutMidStreamFailsClearly) {
  Sql("DROP TABLE IF EXISTS cut; CREATE TABLE cut AS SELECT g AS id, repeat('x', 200) AS s FROM generate_series(1, 400000) g");
  // One COPY stream, and the parallel page-range scan.
  for (int connections : {1, 4}) {
    SCOPED_TRACE("connections " + std::to_string(connections));
    TcpProxy proxy(port_);
    MemoryConnections via;
    ConnectionConfig c = Config();
    c.port = proxy.port();
    via.Add(c);
    auto op = BindConnector("extract.postgres",
                            {{"connection", "pg"}, {"table", "cut"}, {"fetch_rows", 10000}, {"connections", connections}}, &via);
    ASSERT_TRUE(op.ok()) << op.status().ToString();
    int64_t rows = 0;
    Status failure = ProduceAcrossCut(**op, &via, proxy, &rows);
    EXPECT_LT(rows, 400000);
    EXPECT_EQ(failure.code(), StatusCode::kUnavailable) << failure.ToString();
    EXPECT_NE(failure.message().find("extract.postgres"), std::string::npos) << failure.ToString();
  }
}

TEST_F(PostgresTest, KilledLoadLeavesTargetUnchanged) {
  for (std::string mode : {"append", "truncate", "replace"}) {
    SCOPED_TRACE(mode);
    Sql("DROP TABLE IF EXISTS killed; CREATE TABLE killed (id bigint, v text)");
    Sql("INSERT INTO killed SELECT g, 'old' FROM generate_series(1, 1000) g");
    ASSERT_TRUE(KillLoaderMidStream("load.postgres", {{"connection", "pg"}, {"table", "killed"}, {"mode", mode}},
                                    &connections_, 20));
    // The server notices the dead client and rolls its transaction back (wait for its backend).
    for (int i = 0; i < 100; ++i) {
      if (Sql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'logidata' AND query LIKE 'COPY%'")[0][0] == "0") break;
      usleep(50'000);
    }
    EXPECT_EQ(Sql("SELECT count(*), min(v), max(v) FROM killed"),
              (std::vector<std::vector<std::string>>{{"1000", "old", "old"}}));
    EXPECT_TRUE(Sql("SELECT relname FROM pg_class WHERE relname LIKE 'killed__%'").empty());
  }
}

TEST_F(PostgresTest, BadDataFailsWithPositionAndLeavesTargetUnchanged) {
  Sql("DROP TABLE IF EXISTS small; CREATE TABLE small (id smallint, v text)");
  Sql("INSERT INTO small VALUES (1, 'keep')");
  auto ok_batch = MakeBatch("id:int64, v:string", {{"2", "x"}});
  auto bad_batch = MakeBatch("id:int64, v:string", {{"3", "y"}, {"70000", "z"}});
  Status s = RunLoad("load.postgres", {{"connection", "pg"}, {"table", "small"}}, &connections_, {ok_batch, bad_batch});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kDataError) << s.ToString();
  EXPECT_NE(s.message().find("row 2, column 'id'"), std::string::npos) << s.ToString();
  EXPECT_EQ(Sql("SELECT id, v FROM small"), (std::vector<std::vector<std::string>>{{"1", "keep"}}));
}

}  // namespace
}  // namespace logidata::testing

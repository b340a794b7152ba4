// extract.sqlite / load.sqlite against real SQLite database files.
#include <signal.h>
#include <sys/wait.h>

#include <fstream>

#include "connectors/sqlite/sqlite_database.h"
#include "integration/connectors/connector_test_support.h"
#include "integration/connectors/sqlite_test_query.h"
#include "module/builtin_modules.h"
#include "pipeline/run_pipeline.h"

namespace logidata::testing {
namespace {

class SqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = TempDir("sqlite") + "/db.sqlite";
    ConnectionConfig c;
    c.name = "lite";
    c.type = "sqlite";
    c.database = path_;
    connections_.Add(c);
  }
  std::vector<std::vector<std::string>> Sql(const std::string& sql) { return QueryTestSqlite(connections_, "lite", sql); }
  void Exec(const std::string& sql) {
    auto db = SqliteDatabase::Open(*connections_.Resolve("lite"), true);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec(sql).ok()) << sql;
  }
  std::string path_;
  MemoryConnections connections_;
};

TEST_F(SqliteTest, RoundTripsTypes) {
  auto batch = MakeBatch("b:bool, i:int64, f:float64, d:decimal(10,2), s:string, day:date, ts:timestamp",
                         {{"true", "-5", "2.5", "12.34", "it's", "2024-02-29", "2024-05-01 12:30:00.5"},
                          {"NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"},
                          {"false", "9000000000", "-0.125", "-0.01", "", "1960-01-01", "1970-01-01 00:00:00"}});
  Status loaded = RunLoad("load.sqlite", {{"connection", "lite"}, {"table", "t"}}, &connections_, {batch});
  ASSERT_TRUE(loaded.ok()) << loaded.ToString();
  EXPECT_EQ(Sql("SELECT name FROM sqlite_master WHERE name NOT LIKE '%logidata%'"), (std::vector<std::vector<std::string>>{{"t"}})) << path_;
  auto out = RunExtract("extract.sqlite", {{"connection", "lite"}, {"table", "t"}}, &connections_);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ((*out)[0]->schema()->ToString(), batch->schema()->ToString());
  EXPECT_EQ(SortedRows(*out), SortedRows({batch}));
}

TEST_F(SqliteTest, LoadModesAndAbort) {
  struct Case {
    std::string mode;
    std::vector<std::vector<std::string>> expected;
  };
  std::vector<Case> cases = {
      {"append", {{"1", "a"}, {"2", "B"}, {"2", "b"}, {"3", "C"}}},
      {"truncate", {{"2", "B"}, {"3", "C"}}},
      {"upsert", {{"1", "a"}, {"2", "B"}, {"3", "C"}}},
      {"replace", {{"2", "B"}, {"3", "C"}}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.mode);
    Exec(std::string("DROP TABLE IF EXISTS m; CREATE TABLE m (id INTEGER") + (c.mode == "append" ? "" : " PRIMARY KEY") +
         ", v TEXT, extra TEXT DEFAULT 'x'); INSERT INTO m (id, v) VALUES (1, 'a'), (2, 'b')");
    nlohmann::json cfg = {{"connection", "lite"}, {"table", "m"}, {"mode", c.mode}, {"keys", {"id"}}};
    auto batch = MakeBatch("id:int64, v:string", {{"2", "B"}, {"3", "C"}});
    Status aborted = RunLoad("load.sqlite", cfg, &connections_, {batch}, /*commit=*/false);
    ASSERT_TRUE(aborted.ok()) << aborted.ToString();
    EXPECT_EQ(Sql("SELECT id, v FROM m ORDER BY id, v"), (std::vector<std::vector<std::string>>{{"1", "a"}, {"2", "b"}}));
    Status s = RunLoad("load.sqlite", cfg, &connections_, {batch}, true, 2);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(Sql("SELECT id, v FROM m ORDER BY id, v"), c.expected);
  }
}

// schema_drift: evolve adds the input's new column to the existing table inside the load's
// transaction (an aborted load adds nothing); without evolve the new column is refused by name.
TEST_F(SqliteTest, EvolveAddsNewInputColumnsToTheTarget) {
  auto batch = MakeBatch("id:int64, v:string, coupon:string", {{"2", "B", "X"}, {"3", "C", "NULL"}});
  for (const std::string mode : {"append", "upsert", "truncate"}) {
    SCOPED_TRACE(mode);
    Exec("DROP TABLE IF EXISTS e; CREATE TABLE e (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO e VALUES (1, 'a')");
    nlohmann::json cfg = {{"connection", "lite"}, {"table", "e"}, {"mode", mode}, {"keys", {"id"}}};
    Status refused = RunLoad("load.sqlite", cfg, &connections_, {batch});
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.ToString().find("coupon"), std::string::npos) << refused.ToString();
    ASSERT_TRUE(RunLoad("load.sqlite", cfg, &connections_, {batch}, /*commit=*/false, 1, /*evolve=*/true).ok());
    EXPECT_EQ(Sql("SELECT count(*) FROM pragma_table_info('e')"), (std::vector<std::vector<std::string>>{{"2"}}));
    Status s = RunLoad("load.sqlite", cfg, &connections_, {batch}, true, 1, /*evolve=*/true);
    ASSERT_TRUE(s.ok()) << s.ToString();
    std::vector<std::vector<std::string>> expected;
    if (mode != "truncate") expected.push_back({"1", "a", "NULL"});
    expected.push_back({"2", "B", "X"});
    expected.push_back({"3", "C", "NULL"});
    EXPECT_EQ(Sql("SELECT id, v, coupon FROM e ORDER BY id"), expected);
  }
}

// The whole path: a pipeline document's `schema_drift: evolve` reaches the loader through the
// executor (as in the CLI and the server); without it the same run is refused.
TEST_F(SqliteTest, PipelineWithEvolvePolicyAddsTheNewCsvColumn) {
  Exec("CREATE TABLE orders (id INTEGER PRIMARY KEY, amount REAL); INSERT INTO orders VALUES (1, 9.5)");
  const std::string csv = TempDir("evolve-csv") + "/orders.csv";
  std::ofstream(csv) << "id,amount,coupon\n2,3.25,SPRING\n";
  auto doc = [&](const char* policy) {
    nlohmann::json d = {{"name", "evolve"},
                        {"nodes", {{{"id", "src"}, {"type", "extract"}, {"module", "csv"}, {"config", {{"path", csv}}}},
                                   {{"id", "db"}, {"type", "load"}, {"module", "sqlite"},
                                    {"config", {{"connection", "lite"}, {"table", "orders"}, {"mode", "append"}}}}}},
                        {"edges", {{{"source", "src"}, {"target", "db"}}}}};
    if (policy != nullptr) d["schema_drift"] = policy;
    auto spec = ParsePipelineJson(d);
    EXPECT_TRUE(spec.ok()) << spec.status().ToString();
    return *spec;
  };
  RunOptions options;
  options.connections = &connections_;
  RunResult refused = RunPipeline(doc(nullptr), BuiltinModules(), options);
  ASSERT_FALSE(refused.status.ok());
  EXPECT_NE(refused.status.ToString().find("coupon"), std::string::npos) << refused.status.ToString();
  RunResult evolved = RunPipeline(doc("evolve"), BuiltinModules(), options);
  ASSERT_TRUE(evolved.status.ok()) << evolved.status.ToString();
  EXPECT_EQ(Sql("SELECT id, amount, coupon FROM orders ORDER BY id"),
            (std::vector<std::vector<std::string>>{{"1", "9.5", "NULL"}, {"2", "3.25", "SPRING"}}));
}

TEST_F(SqliteTest, ParametersAndIdentifiersResistInjection) {
  Exec("CREATE TABLE p (id INTEGER, name TEXT); INSERT INTO p VALUES (1, 'a'), (2, 'b'); CREATE TABLE victims (x)");
  struct Case {
    ParameterMap params;
    bool ok;
    std::vector<std::vector<std::string>> rows;
  };
  std::vector<Case> cases = {
      {{{"who", "b"}}, true, {{"2"}}},
      {{{"who", "b' OR '1'='1"}}, true, {}},
      {{{"who", "x'); DROP TABLE victims; --"}}, true, {}},
      {{}, false, {}},
  };
  for (const auto& c : cases) {
    auto out = RunExtract("extract.sqlite", {{"connection", "lite"}, {"query", "SELECT id FROM p WHERE name = :who"}},
                          &connections_, c.params);
    ASSERT_EQ(out.ok(), c.ok) << out.status().ToString();
    if (out.ok()) EXPECT_EQ(Rows(*out), c.rows);
  }
  auto bad = RunExtract("extract.sqlite", {{"connection", "lite"}, {"table", "p; DROP TABLE victims"}}, &connections_);
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("no such table"), std::string::npos) << bad.status().ToString();
  EXPECT_EQ(Sql("SELECT count(*) FROM sqlite_master WHERE name = 'victims'"), (std::vector<std::vector<std::string>>{{"1"}}));
}

TEST_F(SqliteTest, Faults) {
  std::string not_db = TempDir("sqlite") + "/not.db";
  std::ofstream(not_db) << "this is not a database file, just text that is long enough to have a header......";
  MemoryConnections bad;
  ConnectionConfig c;
  c.name = "garbage";
  c.type = "sqlite";
  c.database = not_db;
  bad.Add(c);
  c.name = "missing";
  c.database = "/nonexistent/dir/db.sqlite";
  bad.Add(c);
  auto g = RunExtract("extract.sqlite", {{"connection", "garbage"}, {"query", "SELECT 1"}}, &bad);
  EXPECT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("not a database"), std::string::npos) << g.status().ToString();
  auto m = RunExtract("extract.sqlite", {{"connection", "missing"}, {"query", "SELECT 1"}}, &bad);
  EXPECT_EQ(m.status().code(), StatusCode::kNotFound) << m.status().ToString();
  Exec("CREATE TABLE q (id INTEGER)");
  auto e = RunExtract("extract.sqlite", {{"connection", "lite"}, {"query", "SELEC id FROM q"}}, &connections_);
  EXPECT_NE(e.status().message().find("syntax error"), std::string::npos) << e.status().ToString();
}

TEST_F(SqliteTest, KilledLoadLeavesFileUnchanged) {
  Exec("CREATE TABLE k (id INTEGER, v TEXT); INSERT INTO k VALUES (1, 'old')");
  ASSERT_TRUE(KillLoaderMidStream("load.sqlite", {{"connection", "lite"}, {"table", "k"}, {"mode", "truncate"}},
                                  &connections_, 50));
  EXPECT_EQ(Sql("SELECT id, v FROM k"), (std::vector<std::vector<std::string>>{{"1", "old"}}));
}

}  // namespace
}  // namespace logidata::testing

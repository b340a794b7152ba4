// The load.sql ELT task against real databases (PostgreSQL 15 and MariaDB started by
// scripts/servers/, SQLite files): a pipeline CSV -> load.<db> -> load.sql runs the script after
// the load committed, with :parameters bound (never spliced); a failing load means the script
// never runs; a failing statement fails the run naming the node and the statement number and
// (PostgreSQL, SQLite) rolls the whole script back. Plus the script splitter, table-driven.
// A server that cannot start fails the test (never a silent skip).
#include <fstream>
#include <mutex>

#include "connectors/mysql/mysql_connection.h"
#include "connectors/postgres/pg_connection.h"
#include "connectors/sql_task.h"
#include "integration/connectors/connector_test_support.h"
#include "integration/connectors/pg_test_query.h"
#include "module/builtin_modules.h"
#include "pipeline/run_pipeline.h"

namespace logidata::testing {
namespace {

using Rows = std::vector<std::vector<std::string>>;

class LogCollector final : public RunObserver {
 public:
  void OnLog(LogLevel, const std::string& node_id, const std::string& message) override {
    std::lock_guard<std::mutex> lock(mu_);
    lines_.push_back(node_id + ": " + message);
  }
  std::string All() {
    std::lock_guard<std::mutex> lock(mu_);
    std::string out;
    for (const auto& l : lines_) out += l + "\n";
    return out;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> lines_;
};

nlohmann::json Node(const std::string& id, const std::string& type, const std::string& module, nlohmann::json config) {
  return {{"id", id}, {"type", type}, {"module", module}, {"config", std::move(config)}};
}

// csv -> load.<db> (table `table`) -> load.sql (`script`), the task after the loader.
PipelineSpec EltPipeline(const std::string& csv, const std::string& db, const std::string& connection,
                         const std::string& table, const std::string& script) {
  nlohmann::json doc = {{"id", "elt"}, {"name", "elt"}, {"nodes", nlohmann::json::array()}, {"edges", nlohmann::json::array()}};
  doc["nodes"].push_back(Node("src", "extract", "csv", {{"path", csv}}));
  doc["nodes"].push_back(Node("raw", "load", db, {{"connection", connection}, {"table", table}, {"mode", "replace"}}));
  doc["nodes"].push_back(Node("agg", "load", "sql", {{"connection", connection}, {"sql", script}}));
  doc["edges"].push_back({{"source", "src"}, {"target", "raw"}});
  doc["edges"].push_back({{"source", "raw"}, {"target", "agg"}});
  auto spec = ParsePipelineJson(doc);
  EXPECT_TRUE(spec.ok()) << spec.status().ToString();
  return *spec;
}

class SqlTaskTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dbs_.Start("elttest", &connections_);
    if (::testing::Test::HasFatalFailure()) return;

    dir_ = TempDir("elt-sql-task");
    ConnectionConfig l;
    l.name = "lite";
    l.type = "sqlite";
    l.database = dir_ + "/lite.sqlite";
    connections_.Add(l);
    // region,amount: east 10+20+30, west 5+7, north 100 (a CHECK below rejects amounts >= 100).
    csv_ = dir_ + "/sales.csv";
    std::ofstream(csv_) << "id,region,amount\n1,east,10\n2,east,20\n3,west,5\n4,east,30\n5,west,7\n6,north,100\n";
  }
  static void TearDownTestSuite() {
    dbs_.Stop();
  }

  static RunResult Run(const PipelineSpec& spec, ParameterMap params, LogCollector* log = nullptr) {
    RunOptions options;
    options.run_id = "elt-" + std::to_string(++run_counter_);
    options.threads = 2;
    options.connections = &connections_;
    options.params = std::move(params);
    options.observer = log;
    return RunPipeline(spec, BuiltinModules(), options);
  }

  static Rows Pg(const std::string& sql) { return QueryTestPg(connections_, sql); }
  static std::string PgOne(const std::string& sql) {
    Rows r = Pg(sql);
    return r.empty() || r[0].empty() ? "<none>" : r[0][0];
  }
  static Rows My(const std::string& sql) {
    auto conn = MysqlConnection::Connect(*connections_.Resolve("my"));
    EXPECT_TRUE(conn.ok()) << conn.status().ToString();
    if (!conn.ok()) return {};
    if (mysql_real_query((*conn)->get(), sql.data(), sql.size()) != 0) return {{std::string("<error> ") + mysql_error((*conn)->get())}};
    Rows rows;
    MYSQL_RES* r = mysql_store_result((*conn)->get());
    if (r == nullptr) return rows;
    unsigned n = mysql_num_fields(r);
    while (MYSQL_ROW row = mysql_fetch_row(r)) {
      std::vector<std::string> out;
      for (unsigned c = 0; c < n; ++c) out.push_back(row[c] != nullptr ? row[c] : "NULL");
      rows.push_back(out);
    }
    mysql_free_result(r);
    return rows;
  }
  static std::string Lite(const std::string& sql) {
    auto out = Shell("python3 -c \"import sqlite3; print(sqlite3.connect('" + dir_ + "/lite.sqlite').execute('" + sql +
                     "').fetchall())\"");
    return out.ok() ? *out : out.status().ToString();
  }

  static inline TestDatabases dbs_;
  static inline std::string dir_, csv_;
  static inline int run_counter_ = 0;
  static inline MemoryConnections connections_;
};

const char* kAggregateScript =
    "-- a dbt-like model over the table just loaded\n"
    "DROP TABLE IF EXISTS region_totals;\n"
    "CREATE TABLE region_totals AS\n"
    "  SELECT region, sum(amount) AS total, count(*) AS n FROM sales WHERE amount >= :min_amount GROUP BY region;\n"
    "INSERT INTO region_totals (region, total, n) VALUES ('label; not a split', 0, 0);\n";

TEST_F(SqlTaskTest, PostgresScriptRunsAfterLoadWithBoundParameters) {
  LogCollector log;
  RunResult r = Run(EltPipeline(csv_, "postgres", "pg", "sales", kAggregateScript), {{"min_amount", "7"}}, &log);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(Pg("SELECT region, total::text, n::text FROM region_totals ORDER BY region"),
            (Rows{{"east", "60", "3"}, {"label; not a split", "0", "0"}, {"north", "100", "1"}, {"west", "7", "1"}}));
  std::string lines = log.All();
  EXPECT_NE(lines.find("agg: statement 2/3: CREATE TABLE region_totals AS SELECT region"), std::string::npos) << lines;
  EXPECT_NE(lines.find("— 3 rows affected"), std::string::npos) << lines;
  EXPECT_NE(lines.find("statement 3/3: INSERT INTO region_totals"), std::string::npos) << lines;
  EXPECT_EQ(lines.find("min_amount >= 7"), std::string::npos);  // the value is bound, not in the text

  // A hostile parameter value is a value, not SQL: the statement fails on the type and nothing is dropped.
  RunResult bad = Run(EltPipeline(csv_, "postgres", "pg", "sales", kAggregateScript),
                      {{"min_amount", "0; DROP TABLE sales"}});
  ASSERT_FALSE(bad.status.ok());
  EXPECT_NE(bad.status.message().find("node 'agg'"), std::string::npos) << bad.status.ToString();
  EXPECT_NE(bad.status.message().find("statement 2 (line 3"), std::string::npos) << bad.status.ToString();
  EXPECT_EQ(PgOne("SELECT count(*) FROM sales"), "6");
  // Statement 1 (DROP) ran in the same transaction and was rolled back with the failing one.
  EXPECT_EQ(PgOne("SELECT count(*) FROM region_totals"), "4");
}

TEST_F(SqlTaskTest, FailedLoadMeansTheScriptNeverRuns) {
  Pg("DROP TABLE IF EXISTS capped, marker; CREATE TABLE capped (id bigint, region text, amount bigint CHECK (amount < 100))");
  nlohmann::json doc = {{"id", "elt"}, {"name", "elt"}, {"nodes", nlohmann::json::array()}, {"edges", nlohmann::json::array()}};
  doc["nodes"].push_back(Node("src", "extract", "csv", {{"path", csv_}}));
  doc["nodes"].push_back(Node("raw", "load", "postgres", {{"connection", "pg"}, {"table", "capped"}}));
  doc["nodes"].push_back(Node("agg", "load", "sql", {{"connection", "pg"}, {"sql", "CREATE TABLE marker AS SELECT 1 AS ran"}}));
  doc["edges"] = {{{"source", "src"}, {"target", "raw"}}, {{"source", "raw"}, {"target", "agg"}}};
  auto spec = ParsePipelineJson(doc);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  RunResult r = Run(*spec, {});
  ASSERT_FALSE(r.status.ok());
  EXPECT_EQ(r.failed_node, "raw") << r.status.ToString();
  EXPECT_EQ(PgOne("SELECT to_regclass('marker') IS NULL"), "t");
  EXPECT_EQ(PgOne("SELECT count(*) FROM capped"), "0");
}

TEST_F(SqlTaskTest, FailingStatementNamesNodeAndNumber) {
  const char* script = "CREATE TABLE half_done (x int);\nINSERT INTO half_done VALUES (1);\nSELECT * FROM no_such_table";
  struct Case {
    std::string db, connection;
  };
  for (const Case& c : {Case{"postgres", "pg"}, Case{"sqlite", "lite"}}) {
    SCOPED_TRACE(c.db);
    RunResult r = Run(EltPipeline(csv_, c.db, c.connection, "sales_" + c.db, script), {});
    ASSERT_FALSE(r.status.ok());
    EXPECT_EQ(r.failed_node, "agg");
    EXPECT_NE(r.status.message().find("node 'agg'"), std::string::npos) << r.status.ToString();
    EXPECT_NE(r.status.message().find("statement 3 (line 3: SELECT * FROM no_such_table)"), std::string::npos)
        << r.status.ToString();
    EXPECT_NE(r.status.message().find("no_such_table"), std::string::npos) << r.status.ToString();
  }
  // One transaction: the table created by statement 1 is gone again.
  EXPECT_EQ(PgOne("SELECT to_regclass('half_done') IS NULL"), "t");
  EXPECT_EQ(Lite("SELECT count(*) FROM sqlite_master WHERE name = \\'half_done\\'"), "[(0,)]");
}

TEST_F(SqlTaskTest, MariaDbAndSqliteRunTheSameModel) {
  for (const auto& [db, connection] : std::vector<std::pair<std::string, std::string>>{{"mysql", "my"}, {"sqlite", "lite"}}) {
    SCOPED_TRACE(db);
    LogCollector log;
    RunResult r = Run(EltPipeline(csv_, db, connection, "sales", kAggregateScript), {{"min_amount", "7"}}, &log);
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    EXPECT_NE(log.All().find("statement 2/3: CREATE TABLE region_totals"), std::string::npos) << log.All();
  }
  EXPECT_EQ(My("SELECT region, CAST(total AS CHAR), CAST(n AS CHAR) FROM region_totals ORDER BY region"),
            (Rows{{"east", "60", "3"}, {"label; not a split", "0", "0"}, {"north", "100", "1"}, {"west", "7", "1"}}));
  EXPECT_EQ(Lite("SELECT region, total, n FROM region_totals ORDER BY region"),
            "[('east', 60, 3), ('label; not a split', 0, 0), ('north', 100, 1), ('west', 7, 1)]");
}

TEST_F(SqlTaskTest, MissingParameterIsAValidationErrorAndNothingRuns) {
  Pg("DROP TABLE IF EXISTS never_loaded");
  RunResult r = Run(EltPipeline(csv_, "postgres", "pg", "never_loaded", "SELECT :nope"), {});
  ASSERT_FALSE(r.status.ok());
  EXPECT_NE(r.status.message().find("/sql"), std::string::npos) << r.status.ToString();
  EXPECT_NE(r.status.message().find("statement 1 (line 1)"), std::string::npos) << r.status.ToString();
  EXPECT_EQ(PgOne("SELECT to_regclass('never_loaded') IS NULL"), "t");
}

TEST(SqlScriptSplitter, Cases) {
  struct Case {
    std::string name;
    SqlDialect dialect;
    std::string script;
    std::vector<std::string> statements;  // "line|text", or one "ERROR: message"
  };
  const std::vector<Case> cases = {
      {"plain", SqlDialect::kPostgres, "SELECT 1; SELECT 2", {"1|SELECT 1", "1|SELECT 2"}},
      {"trailing and empty", SqlDialect::kPostgres, ";;\n SELECT 1;\n\n;", {"2|SELECT 1"}},
      {"comments only dropped", SqlDialect::kPostgres, "-- a; b\n/* c; d */\nSELECT 1 -- e;\n", {"3|SELECT 1 -- e;\n"}},
      {"quotes", SqlDialect::kPostgres, "SELECT 'a;b', \"c;d\", 'it''s;'; SELECT 2",
       {"1|SELECT 'a;b', \"c;d\", 'it''s;'", "1|SELECT 2"}},
      {"dollar quoting", SqlDialect::kPostgres, "DO $x$ BEGIN PERFORM 1; END $x$;\nSELECT $1",
       {"1|DO $x$ BEGIN PERFORM 1; END $x$", "2|SELECT $1"}},
      {"mysql backslash and backtick", SqlDialect::kMysql, "SELECT 'a\\';b', `c;d`; SELECT 2",
       {"1|SELECT 'a\\';b', `c;d`", "1|SELECT 2"}},
      {"unterminated quote", SqlDialect::kSqlite, "SELECT 1;\nSELECT 'oops", {"ERROR: unterminated ' quote starting on line 2"}},
      {"unterminated comment", SqlDialect::kSqlite, "SELECT 1 /* oops", {"ERROR: unterminated /* comment starting on line 1"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto split = SplitSqlScript(c.script, c.dialect);
    std::vector<std::string> actual;
    if (!split.ok()) {
      actual.push_back("ERROR: " + split.status().message());
    } else {
      for (const auto& s : *split) actual.push_back(std::to_string(s.line) + "|" + s.text);
    }
    EXPECT_EQ(actual, c.statements);
  }
}

}  // namespace
}  // namespace logidata::testing

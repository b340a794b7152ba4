// Predicate/projection/limit pushdown (src/pipeline/pushdown.h): the translation of filter
// expressions per dialect (table-driven, no server), and pipelines extract -> filter/select/limit
// -> load against real PostgreSQL 15 and MariaDB giving the same rows with and without
// `"pushdown": false` (aggregates also against SQLite), the run log saying "pushed down: <query>", and the bound extractor
// carrying the query `validate --explain` prints. A server that cannot start fails the test.
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "connectors/mysql/mysql_connection.h"
#include "connectors/postgres/pg_connection.h"
#include "integration/connectors/connector_test_support.h"
#include "module/builtin_modules.h"
#include "pipeline/bound_pipeline.h"
#include "pipeline/pushdown.h"
#include "pipeline/run_pipeline.h"

namespace logidata::testing {
namespace {

using Rows = std::vector<std::vector<std::string>>;

TEST(PushdownTranslation, Cases) {
  struct Case {
    std::string expression;
    PushdownDialect dialect;
    std::string sql;  // "" = nothing pushed
    bool complete;
  };
  const auto pg = PushdownDialect::kPostgres, my = PushdownDialect::kMysql, lite = PushdownDialect::kSqlite;
  const std::vector<Case> cases = {
      {"amount >= 10", pg, "\"amount\" >= 10", true},
      {"amount >= 10", my, "`amount` >= 10", true},
      {"10 < amount", lite, "10 < \"amount\"", true},
      {"amount > -2.50", pg, "\"amount\" > -2.50", true},
      {"a = 1 AND (b <> 2 OR c IS NULL)", pg, "(\"a\" = 1 AND (\"b\" <> 2 OR \"c\" IS NULL))", true},
      {"NOT (id = 3) OR amount < 5", my, "((NOT (`id` = 3)) OR `amount` < 5)", true},
      {"region = 'o''brien'", pg, "\"region\" = 'o''brien'", true},
      {"region = 'a\\b'", my, "", false},  // text comparisons are not exact in MySQL collations
      {"region = 'a\\b'", lite, "\"region\" = 'a\\b'", true},
      {"region < 'm'", pg, "", false},  // ordering of text follows the database's collation
      {"id IN (1, 2, 3)", my, "`id` IN (1, 2, 3)", true},
      {"id NOT IN (1, NULL)", pg, "", false},
      {"region IN ('east', 'west')", pg, "\"region\" IN ('east', 'west')", true},
      {"note IS NOT NULL", my, "`note` IS NOT NULL", true},
      {"amount >= 10 AND lower(region) = 'east'", pg, "(\"amount\" >= 10)", false},
      {"lower(region) = 'east' OR amount > 1", pg, "", false},
      {"f > 1.5", pg, "\"f\" > 1.5", true},
      {"a = b", pg, "", false},
      {"\"we\"\"ird\" = 1", pg, "\"we\"\"ird\" = 1", true},
      {"x = :param", pg, "", false},
      {"ts > TIMESTAMP '2024-01-01 00:00:00'", pg, "", false},
      {"(((", pg, "", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.expression);
    bool complete = false;
    auto sql = TranslateFilter(c.expression, c.dialect, &complete);
    EXPECT_EQ(sql.value_or(""), c.sql);
    if (sql) {
      EXPECT_EQ(complete, c.complete);
    }
  }
}

class LogCollector final : public RunObserver {
 public:
  void OnLog(LogLevel, const std::string& node_id, const std::string& message) override {
    std::lock_guard<std::mutex> lock(mu_);
    all_ += node_id + ": " + message + "\n";
  }
  std::string All() {
    std::lock_guard<std::mutex> lock(mu_);
    return all_;
  }

 private:
  std::mutex mu_;
  std::string all_;
};

nlohmann::json Node(const std::string& id, const std::string& type, const std::string& module, nlohmann::json config) {
  return {{"id", id}, {"type", type}, {"module", module}, {"config", std::move(config)}};
}

// extract.<db> (table t) -> steps (transforms, in a chain) -> load.<db> (table `out`).
PipelineSpec Chain(const std::string& db, const std::string& connection, bool pushdown,
                   const std::vector<nlohmann::json>& steps, const std::string& out, const std::string& table = "t") {
  nlohmann::json doc = {{"id", "pd"}, {"name", "pd"}, {"nodes", nlohmann::json::array()}, {"edges", nlohmann::json::array()}};
  doc["nodes"].push_back(Node("src", "extract", db, {{"connection", connection}, {"table", table}, {"pushdown", pushdown}}));
  std::string prev = "src";
  for (size_t i = 0; i < steps.size(); ++i) {
    std::string id = "step" + std::to_string(i + 1);
    nlohmann::json n = steps[i];
    n["id"] = id;
    n["type"] = "transform";
    doc["nodes"].push_back(n);
    doc["edges"].push_back({{"source", prev}, {"target", id}});
    prev = id;
  }
  doc["nodes"].push_back(Node("dst", "load", db, {{"connection", connection}, {"table", out}, {"mode", "replace"}}));
  doc["edges"].push_back({{"source", prev}, {"target", "dst"}});
  auto spec = ParsePipelineJson(doc);
  EXPECT_TRUE(spec.ok()) << spec.status().ToString();
  return *spec;
}

nlohmann::json Filter(const std::string& e) { return {{"module", "filter"}, {"config", {{"expression", e}}}}; }
nlohmann::json Limit(int n, int offset) { return {{"module", "limit"}, {"config", {{"n", n}, {"offset", offset}}}}; }
nlohmann::json Select() {
  return {{"module", "select"}, {"config", {{"columns", {{{"name", "id"}}, {{"name", "amount"}, {"as", "amt"}}}}}}};
}

nlohmann::json Aggregate(std::vector<std::string> group_by, nlohmann::json aggregates) {
  return {{"module", "aggregate"}, {"config", {{"group_by", std::move(group_by)}, {"aggregates", std::move(aggregates)}}}};
}
nlohmann::json Agg(const std::string& function, const std::string& column = "") {
  nlohmann::json a = {{"function", function}};
  if (!column.empty()) a["column"] = column;
  return a;
}

class PushdownTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dbs_.Start("pdtest", &connections_);
    if (::testing::Test::HasFatalFailure()) return;
    const std::string rows =
        "INSERT INTO t VALUES (1,'east',10,'a'),(2,'east',20,NULL),(3,'west',5,'c'),(4,'West',30,'d'),(5,'north',15,'e'),"
        "(6,'east',NULL,'f'),(7,'west',12,'g'),(8,'east ',11,'h')";
    Sql("pg", "DROP TABLE IF EXISTS t; CREATE TABLE t (id int, region text, amount int, note text)");
    Sql("pg", rows);
    Sql("my", "DROP TABLE IF EXISTS t");
    Sql("my", "CREATE TABLE t (id int, region varchar(20), amount int, note varchar(20))");
    Sql("my", rows);
    // m: every type an aggregate pushdown casts (grp 3 has only nulls in the aggregated columns).
    const std::string m_rows =
        "INSERT INTO m VALUES (1,1,10,1.25,'2024-01-05'),(2,1,20,2.50,'2024-03-01'),(3,2,7,NULL,NULL),(4,2,NULL,9.99,'2023-12-31'),"
        "(5,2,5,0.01,'2024-02-29'),(6,3,NULL,NULL,NULL),(7,NULL,3,4.00,'2024-01-01'),(8,NULL,4,5.00,'2024-01-02')";
    Sql("pg", "DROP TABLE IF EXISTS m; CREATE TABLE m (id int, grp int, qty bigint, price numeric(10,2), day date)");
    Sql("pg", m_rows);
    Sql("my", "DROP TABLE IF EXISTS m");
    Sql("my", "CREATE TABLE m (id int, grp int, qty bigint, price decimal(10,2), day date)");
    Sql("my", m_rows);
    lite_ = TempDir("pushdown-lite") + "/lite.sqlite";
    ConnectionConfig lite;
    lite.name = "lite";
    lite.type = "sqlite";
    lite.database = lite_;
    connections_.Add(lite);
    Sql("lite", "CREATE TABLE t (id int, region text, amount int, note text)");
    Sql("lite", rows);
  }
  static void TearDownTestSuite() {
    dbs_.Stop();
  }

  // Runs SQL; rows as text sorted by the first column's text.
  static Rows Sql(const std::string& connection, const std::string& sql) {
    Rows rows;
    if (connection == "pg") {
      auto conn = PgConnection::Connect(*connections_.Resolve("pg"));
      EXPECT_TRUE(conn.ok()) << conn.status().ToString();
      if (!conn.ok()) return {};
      PgResultPtr r(PQexec((*conn)->get(), sql.c_str()));
      auto st = PQresultStatus(r.get());
      EXPECT_TRUE(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) << sql << ": " << PQresultErrorMessage(r.get());
      for (int i = 0; i < PQntuples(r.get()); ++i) {
        std::vector<std::string> row;
        for (int c = 0; c < PQnfields(r.get()); ++c) row.push_back(PQgetisnull(r.get(), i, c) ? "NULL" : PQgetvalue(r.get(), i, c));
        rows.push_back(row);
      }
    } else if (connection == "lite") {
      // One row per line, cells joined by '|' (None for NULL), through Python's sqlite3.
      std::string script = "import sqlite3,sys\nc=sqlite3.connect(sys.argv[1])\nr=c.execute(sys.argv[2]).fetchall()\nc.commit()\n"
                           "for row in r: print('|'.join('NULL' if v is None else str(v) for v in row))\n";
      const std::string script_path = TempDir("pushdown-lite-sql") + "/q.py";
      std::ofstream(script_path) << script;
      std::string quoted = "'";
      for (char ch : sql) quoted += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
      auto out = Shell("python3 " + script_path + " " + lite_ + " " + quoted + "'");
      EXPECT_TRUE(out.ok()) << sql << ": " << out.status().ToString();
      std::filesystem::remove_all(std::filesystem::path(script_path).parent_path());
      if (!out.ok()) return {};
      std::stringstream lines(*out);
      for (std::string line; std::getline(lines, line);) {
        std::vector<std::string> row;
        std::stringstream cells(line);
        for (std::string cell; std::getline(cells, cell, '|');) row.push_back(cell);
        rows.push_back(row);
      }
    } else {
      auto conn = MysqlConnection::Connect(*connections_.Resolve("my"));
      EXPECT_TRUE(conn.ok()) << conn.status().ToString();
      if (!conn.ok()) return {};
      EXPECT_EQ(mysql_real_query((*conn)->get(), sql.data(), sql.size()), 0) << mysql_error((*conn)->get());
      if (MYSQL_RES* r = mysql_store_result((*conn)->get())) {
        unsigned n = mysql_num_fields(r);
        while (MYSQL_ROW row = mysql_fetch_row(r)) {
          std::vector<std::string> out;
          for (unsigned c = 0; c < n; ++c) out.push_back(row[c] != nullptr ? row[c] : "NULL");
          rows.push_back(out);
        }
        mysql_free_result(r);
      }
    }
    std::sort(rows.begin(), rows.end());
    return rows;
  }

  static RunResult Run(const PipelineSpec& spec, LogCollector* log) {
    RunOptions options;
    options.run_id = "pd-" + std::to_string(++runs_);
    options.threads = 2;
    options.connections = &connections_;
    options.observer = log;
    return RunPipeline(spec, BuiltinModules(), options);
  }

  // The extractor's query after binding (what `validate --explain` prints).
  static std::string BoundQuery(const PipelineSpec& spec) {
    BindOptions bind;
    bind.connections = &connections_;
    std::vector<ValidationIssue> issues;
    BoundPipeline bound = BindPipeline(spec, BuiltinModules(), bind, issues);
    EXPECT_TRUE(issues.empty()) << issues[0].ToString();
    return bound.nodes[0].config.value("query", std::string());
  }

  // The output schema of node `node` as bound (names and types), as text.
  static std::string BoundSchema(const PipelineSpec& spec, size_t node) {
    BindOptions bind;
    bind.connections = &connections_;
    std::vector<ValidationIssue> issues;
    BoundPipeline bound = BindPipeline(spec, BuiltinModules(), bind, issues);
    EXPECT_TRUE(issues.empty()) << issues[0].ToString();
    if (bound.nodes[node].op == nullptr) return "";
    return bound.nodes[node].op->output_schemas()[0]->ToString();
  }

  static inline TestDatabases dbs_;
  static inline std::string lite_;
  static inline int runs_ = 0;
  static inline MemoryConnections connections_;
};

TEST_F(PushdownTest, SameRowsWithAndWithoutPushdown) {
  struct Case {
    std::string name;
    std::string connection, db;
    std::vector<nlohmann::json> steps;
    std::string expected_query;  // "" = nothing pushed
  };
  const std::vector<Case> cases = {
      {"pg filter+limit", "pg", "postgres",
       {Filter("amount >= 10 AND region IN ('east', 'west') AND note IS NOT NULL"), Limit(100, 1)},
       "SELECT * FROM (SELECT * FROM \"t\"\n) AS q WHERE (\"amount\" >= 10 AND \"region\" IN ('east', 'west') AND \"note\" IS NOT NULL) LIMIT 101"},
      {"pg partial filter stops the chain", "pg", "postgres", {Filter("amount > 10 AND lower(region) = 'east'"), Limit(100, 0)},
       "SELECT * FROM (SELECT * FROM \"t\"\n) AS q WHERE (\"amount\" > 10)"},
      {"pg filter+select", "pg", "postgres", {Filter("NOT (id = 3) OR amount < 5"), Select()},
       "SELECT \"id\", \"amount\" FROM (SELECT * FROM \"t\"\n) AS q WHERE ((NOT (\"id\" = 3)) OR \"amount\" < 5)"},
      {"pg nothing translatable", "pg", "postgres", {Filter("lower(region) = 'east'")}, ""},
      {"mysql text not pushed", "my", "mysql", {Filter("amount >= 10 AND region IN ('east', 'west') AND note IS NOT NULL"), Limit(100, 1)},
       "SELECT * FROM (SELECT * FROM `t`\n) AS q WHERE (`amount` >= 10 AND `note` IS NOT NULL)"},
      {"mysql select+limit", "my", "mysql", {Select(), Limit(3, 0)}, "SELECT `id`, `amount` FROM (SELECT * FROM `t`\n) AS q"},
      {"mysql limit", "my", "mysql", {Limit(100, 2)}, "SELECT * FROM (SELECT * FROM `t`\n) AS q LIMIT 102"},
  };
  for (size_t k = 0; k < cases.size(); ++k) {
    const Case& c = cases[k];
    SCOPED_TRACE(c.name);
    Rows results[2];
    for (int pushdown = 0; pushdown < 2; ++pushdown) {
      const std::string out = "out_" + std::to_string(k) + "_" + std::to_string(pushdown);
      PipelineSpec spec = Chain(c.db, c.connection, pushdown == 1, c.steps, out);
      LogCollector log;
      RunResult r = Run(spec, &log);
      ASSERT_TRUE(r.status.ok()) << r.status.ToString();
      results[pushdown] = Sql(c.connection, "SELECT * FROM " + out);
      if (pushdown == 1) {
        EXPECT_EQ(BoundQuery(spec), c.expected_query.empty() ? "" : c.expected_query);
        if (!c.expected_query.empty()) {
          EXPECT_NE(log.All().find("src: pushed down: " + c.expected_query), std::string::npos) << log.All();
        } else {
          EXPECT_EQ(log.All().find("pushed down"), std::string::npos) << log.All();
        }
      } else {
        EXPECT_EQ(log.All().find("pushed down"), std::string::npos) << log.All();
        EXPECT_EQ(BoundQuery(spec), "");
      }
    }
    EXPECT_FALSE(results[0].empty());
    EXPECT_EQ(results[0], results[1]);
  }
}

// Aggregates right after the extractor (after filters that translate completely) run inside the
// query as a GROUP BY with casts to the engine's types: the same rows and the same output schema
// as the engine's own aggregate, the aggregate and the filters then pass rows through. What the
// database would not compute exactly (text groups in MySQL, sums of floats, first/last, a filter
// only partly translated) stays in the engine.
TEST_F(PushdownTest, AggregatesRunInTheQueryWithTheEngineTypes) {
  struct Case {
    std::string name;
    std::string connection, db, table;
    std::vector<nlohmann::json> steps;
    std::string expected_query;  // "" = nothing pushed
  };
  const nlohmann::json all_of_amount = {Agg("count"), Agg("count", "amount"), Agg("sum", "amount"), Agg("avg", "amount"),
                                        Agg("min", "amount"), Agg("max", "amount")};
  const nlohmann::json typed = {Agg("sum", "qty"), Agg("avg", "qty"), Agg("sum", "price"), Agg("min", "price"),
                                Agg("max", "day"), Agg("count", "day")};
  const std::vector<Case> cases = {
      {"pg group by text", "pg", "postgres", "t", {Aggregate({"region"}, all_of_amount)},
       "SELECT \"region\", CAST(COUNT(*) AS BIGINT) AS \"count\", CAST(COUNT(\"amount\") AS BIGINT) AS \"count_amount\", "
       "CAST(SUM(\"amount\") AS BIGINT) AS \"sum_amount\", CAST(AVG(\"amount\") AS DOUBLE PRECISION) AS \"avg_amount\", "
       "MIN(\"amount\") AS \"min_amount\", MAX(\"amount\") AS \"max_amount\" FROM (SELECT * FROM \"t\"\n) AS q GROUP BY \"region\""},
      {"pg filter then aggregate", "pg", "postgres", "t", {Filter("amount >= 10"), Aggregate({"region"}, {Agg("sum", "amount")})},
       "SELECT \"region\", CAST(SUM(\"amount\") AS BIGINT) AS \"sum_amount\" FROM (SELECT * FROM \"t\"\n) AS q "
       "WHERE \"amount\" >= 10 GROUP BY \"region\""},
      {"pg global aggregate of nothing", "pg", "postgres", "t", {Filter("amount > 1000"), Aggregate({}, {Agg("count"), Agg("max", "id")})},
       "SELECT CAST(COUNT(*) AS BIGINT) AS \"count\", MAX(\"id\") AS \"max_id\" FROM (SELECT * FROM \"t\"\n) AS q WHERE \"amount\" > 1000"},
      {"pg decimals and dates", "pg", "postgres", "m", {Aggregate({"grp"}, typed)},
       "SELECT \"grp\", CAST(SUM(\"qty\") AS BIGINT) AS \"sum_qty\", CAST(AVG(\"qty\") AS DOUBLE PRECISION) AS \"avg_qty\", "
       "CAST(SUM(\"price\") AS NUMERIC(38,2)) AS \"sum_price\", CAST(MIN(\"price\") AS NUMERIC(10,2)) AS \"min_price\", "
       "MAX(\"day\") AS \"max_day\", CAST(COUNT(\"day\") AS BIGINT) AS \"count_day\" FROM (SELECT * FROM \"m\"\n) AS q GROUP BY \"grp\""},
      {"pg first stays in the engine", "pg", "postgres", "t", {Aggregate({"region"}, {Agg("first", "amount")})}, ""},
      {"pg partial filter stops it", "pg", "postgres", "t", {Filter("amount > 10 AND lower(region) = 'east'"), Aggregate({"region"}, {Agg("count")})},
       "SELECT * FROM (SELECT * FROM \"t\"\n) AS q WHERE (\"amount\" > 10)"},
      {"mysql decimals and dates", "my", "mysql", "m", {Aggregate({"grp"}, typed)},
       "SELECT `grp`, CAST(SUM(`qty`) AS SIGNED) AS `sum_qty`, CAST(AVG(`qty`) AS DOUBLE) AS `avg_qty`, "
       "CAST(SUM(`price`) AS DECIMAL(38,2)) AS `sum_price`, MIN(`price`) AS `min_price`, MAX(`day`) AS `max_day`, "
       "CAST(COUNT(`day`) AS SIGNED) AS `count_day` FROM (SELECT * FROM `m`\n) AS q GROUP BY `grp`"},
      {"mysql filter then global aggregate", "my", "mysql", "t", {Filter("amount >= 10"), Aggregate({}, all_of_amount)},
       "SELECT CAST(COUNT(*) AS SIGNED) AS `count`, CAST(COUNT(`amount`) AS SIGNED) AS `count_amount`, "
       "CAST(SUM(`amount`) AS SIGNED) AS `sum_amount`, CAST(AVG(`amount`) AS DOUBLE) AS `avg_amount`, "
       "MIN(`amount`) AS `min_amount`, MAX(`amount`) AS `max_amount` FROM (SELECT * FROM `t`\n) AS q WHERE `amount` >= 10"},
      {"mysql text groups stay in the engine", "my", "mysql", "t", {Aggregate({"region"}, {Agg("count")})}, ""},
      {"sqlite group by text", "lite", "sqlite", "t", {Filter("id <> 3"), Aggregate({"region"}, all_of_amount)},
       "SELECT \"region\", CAST(COUNT(*) AS INTEGER) AS \"count\", CAST(COUNT(\"amount\") AS INTEGER) AS \"count_amount\", "
       "CAST(SUM(\"amount\") AS INTEGER) AS \"sum_amount\", CAST(AVG(\"amount\") AS REAL) AS \"avg_amount\", "
       "MIN(\"amount\") AS \"min_amount\", MAX(\"amount\") AS \"max_amount\" FROM (SELECT * FROM \"t\"\n) AS q "
       "WHERE \"id\" <> 3 GROUP BY \"region\""},
  };
  for (size_t k = 0; k < cases.size(); ++k) {
    const Case& c = cases[k];
    SCOPED_TRACE(c.name);
    Rows results[2];
    std::string schemas[2];
    for (int pushdown = 0; pushdown < 2; ++pushdown) {
      const std::string out = "agg_" + std::to_string(k) + "_" + std::to_string(pushdown);
      PipelineSpec spec = Chain(c.db, c.connection, pushdown == 1, c.steps, out, c.table);
      LogCollector log;
      RunResult r = Run(spec, &log);
      ASSERT_TRUE(r.status.ok()) << r.status.ToString();
      results[pushdown] = Sql(c.connection, "SELECT * FROM " + out);
      schemas[pushdown] = BoundSchema(spec, c.steps.size());
      if (pushdown == 1) {
        EXPECT_EQ(BoundQuery(spec), c.expected_query);
        if (!c.expected_query.empty()) {
          EXPECT_NE(log.All().find("src: pushed down: " + c.expected_query), std::string::npos) << log.All();
        }
      }
    }
    EXPECT_FALSE(results[0].empty());
    EXPECT_EQ(results[0], results[1]);
    EXPECT_FALSE(schemas[0].empty());
    EXPECT_EQ(schemas[0], schemas[1]);
  }
}

}  // namespace
}  // namespace logidata::testing

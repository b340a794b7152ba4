// extract.mysql / load.mysql against a real MariaDB started by scripts/servers/mariadb.sh.
#include <signal.h>
#include <sys/wait.h>

#include "connectors/connection_tester.h"
#include "connectors/mysql/mysql_connection.h"
#include "integration/connectors/connector_test_support.h"

namespace logidata::testing {
namespace {

class MysqlTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = "/tmp/logidata-mariadbtest-" + std::to_string(getpid());
    port_ = FreePort();
    auto url = Shell(SourceDir() + "/scripts/servers/mariadb.sh start " + dir_ + " " + std::to_string(port_));
    ASSERT_TRUE(url.ok()) << url.status().ToString();
    ConnectionConfig c;
    c.name = "my";
    c.type = "mysql";
    c.host = "127.0.0.1";
    c.port = port_;
    c.database = "logidata";
    c.user = "logidata";
    c.secret = "logidata";
    connections_.Add(c);
  }
  static void TearDownTestSuite() {
    (void)Shell(SourceDir() + "/scripts/servers/mariadb.sh stop " + dir_);
    (void)Shell("rm -rf " + dir_);
  }

  static std::vector<std::vector<std::string>> Sql(const std::string& sql) {
    auto conn = MysqlConnection::Connect(*connections_.Resolve("my"));
    EXPECT_TRUE(conn.ok()) << conn.status().ToString();
    if (!conn.ok()) return {};
    std::vector<std::vector<std::string>> rows;
    if (mysql_real_query((*conn)->get(), sql.data(), sql.size()) != 0) {
      ADD_FAILURE() << sql << ": " << mysql_error((*conn)->get());
      return rows;
    }
    MYSQL_RES* r = mysql_store_result((*conn)->get());
    if (r == nullptr) return rows;
    while (MYSQL_ROW row = mysql_fetch_row(r)) {
      std::vector<std::string> out;
      for (unsigned i = 0; i < mysql_num_fields(r); ++i) out.push_back(row[i] == nullptr ? "NULL" : row[i]);
      rows.push_back(out);
    }
    mysql_free_result(r);
    return rows;
  }

  static inline std::string dir_;
  static inline int port_ = 0;
  static inline MemoryConnections connections_;
};

TEST_F(MysqlTest, RoundTripsTypes) {
  Sql("DROP TABLE IF EXISTS rt");
  auto batch = MakeBatch("b:bool, i:int32, l:int64, f:float64, d:decimal(12,3), s:string, day:date, ts:timestamp",
                         {{"true", "-7", "9000000000", "1.5", "-1234.567", "it's \\ \"q\" é", "2024-02-29", "2024-05-01 12:30:00.25"},
                          {"NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"},
                          {"false", "2147483647", "-1", "-0.25", "0.001", "", "1969-12-31", "1999-01-01 00:00:00"}});
  Status s = RunLoad("load.mysql", {{"connection", "my"}, {"table", "rt"}}, &connections_, {batch});
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto out = RunExtract("extract.mysql", {{"connection", "my"}, {"table", "rt"}}, &connections_);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ((*out)[0]->schema()->ToString(), batch->schema()->ToString());
  EXPECT_EQ(SortedRows(*out), SortedRows({batch}));
}

TEST_F(MysqlTest, LoadModesAndAbort) {
  struct Case {
    std::string mode;
    std::vector<std::vector<std::string>> expected;
  };
  std::vector<Case> cases = {
      {"append", {{"1", "a"}, {"2", "b"}, {"2", "B"}, {"3", "C"}}},
      {"truncate", {{"2", "B"}, {"3", "C"}}},
      {"upsert", {{"1", "a"}, {"2", "B"}, {"3", "C"}}},
      {"replace", {{"2", "B"}, {"3", "C"}}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.mode);
    Sql("DROP TABLE IF EXISTS m");
    Sql(std::string("CREATE TABLE m (id BIGINT") + (c.mode == "append" ? "" : " PRIMARY KEY") + ", v VARCHAR(10)) ENGINE=InnoDB");
    Sql("INSERT INTO m VALUES (1, 'a'), (2, 'b')");
    nlohmann::json cfg = {{"connection", "my"}, {"table", "m"}, {"mode", c.mode}, {"keys", {"id"}}};
    auto batch = MakeBatch("id:int64, v:string", {{"2", "B"}, {"3", "C"}});
    Status aborted = RunLoad("load.mysql", cfg, &connections_, {batch}, /*commit=*/false);
    ASSERT_TRUE(aborted.ok()) << aborted.ToString();
    EXPECT_EQ(Sql("SELECT id, v FROM m ORDER BY id, BINARY v DESC"), (std::vector<std::vector<std::string>>{{"1", "a"}, {"2", "b"}}));
    Status s = RunLoad("load.mysql", cfg, &connections_, {batch}, true, 2);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(Sql("SELECT id, v FROM m ORDER BY id, BINARY v DESC"), c.expected);
  }
  EXPECT_TRUE(Sql("SHOW TABLES LIKE 'm\\_\\_logidata%'").empty());
}

// schema_drift: evolve adds the input's new column to the existing table (before the data
// transaction: MySQL commits DDL implicitly, so the column stays even if the load then fails);
// without evolve the new column is refused.
TEST_F(MysqlTest, EvolveAddsNewInputColumnsToTheTarget) {
  auto batch = MakeBatch("id:int64, v:string, coupon:string", {{"2", "B", "X"}, {"3", "C", "NULL"}});
  for (const std::string mode : {"append", "upsert", "replace"}) {
    SCOPED_TRACE(mode);
    Sql("DROP TABLE IF EXISTS e");
    Sql("CREATE TABLE e (id BIGINT PRIMARY KEY, v VARCHAR(10)) ENGINE=InnoDB");
    Sql("INSERT INTO e VALUES (1, 'a')");
    nlohmann::json cfg = {{"connection", "my"}, {"table", "e"}, {"mode", mode}, {"keys", {"id"}}};
    Status refused = RunLoad("load.mysql", cfg, &connections_, {batch});
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.ToString().find("coupon"), std::string::npos) << refused.ToString();
    Status s = RunLoad("load.mysql", cfg, &connections_, {batch}, true, 1, /*evolve=*/true);
    ASSERT_TRUE(s.ok()) << s.ToString();
    std::vector<std::vector<std::string>> expected;
    if (mode != "replace") expected.push_back({"1", "a", "NULL"});
    expected.push_back({"2", "B", "X"});
    expected.push_back({"3", "C", "NULL"});
    EXPECT_EQ(Sql("SELECT id, v, coupon FROM e ORDER BY id"), expected);
  }
}

TEST_F(MysqlTest, ParametersAndIdentifiersResistInjection) {
  Sql("DROP TABLE IF EXISTS p");
  Sql("CREATE TABLE p (id INT, name VARCHAR(40))");
  Sql("INSERT INTO p VALUES (1, 'a'), (2, 'b')");
  Sql("DROP TABLE IF EXISTS victims");
  Sql("CREATE TABLE victims (x INT)");
  struct Case {
    ParameterMap params;
    bool ok;
    std::vector<std::vector<std::string>> rows;
  };
  std::vector<Case> cases = {
      {{{"who", "b"}}, true, {{"2"}}},
      {{{"who", "b' OR '1'='1"}}, true, {}},
      {{{"who", "x\\'; DROP TABLE victims; -- "}}, true, {}},
      {{}, false, {}},
  };
  for (const auto& c : cases) {
    auto out = RunExtract("extract.mysql",
                          {{"connection", "my"}, {"query", "SELECT id FROM p WHERE name = :who AND name <> ':x' -- :y"}},
                          &connections_, c.params);
    ASSERT_EQ(out.ok(), c.ok) << out.status().ToString();
    if (out.ok()) EXPECT_EQ(Rows(*out), c.rows);
  }
  auto bad = RunExtract("extract.mysql", {{"connection", "my"}, {"table", "p`; DROP TABLE victims; --"}}, &connections_);
  EXPECT_FALSE(bad.ok());
  // Hostile string values are data, not SQL.
  auto evil = MakeBatch("id:int64, name:string", {{"9", "x'); DROP TABLE victims; -- \\"}});
  ASSERT_TRUE(RunLoad("load.mysql", {{"connection", "my"}, {"table", "p"}}, &connections_, {evil}).ok());
  EXPECT_EQ(Sql("SELECT name FROM p WHERE id = 9"), (std::vector<std::vector<std::string>>{{"x'); DROP TABLE victims; -- \\"}}));
  EXPECT_EQ(Sql("SELECT count(*) FROM victims"), (std::vector<std::vector<std::string>>{{"0"}}));
}

TEST_F(MysqlTest, Faults) {
  MemoryConnections bad;
  ConnectionConfig down = *connections_.Resolve("my");
  down.name = "down";
  down.port = FreePort();
  bad.Add(down);
  ConnectionConfig wrong = *connections_.Resolve("my");
  wrong.name = "wrong";
  wrong.secret = "s3cr3t-wrong";
  bad.Add(wrong);
  bad.Add(*connections_.Resolve("my"));
  struct Case {
    std::string name;
    nlohmann::json config;
    StatusCode code;
    std::string part;
  };
  std::vector<Case> cases = {
      {"server down", {{"connection", "down"}, {"query", "SELECT 1"}}, StatusCode::kUnavailable, "cannot connect"},
      {"wrong password", {{"connection", "wrong"}, {"query", "SELECT 1"}}, StatusCode::kUnauthenticated, "Access denied"},
      {"query error", {{"connection", "my"}, {"query", "SELEC 1"}}, StatusCode::kInvalidArgument, "SQL syntax"},
      {"unknown table", {{"connection", "my"}, {"table", "nope"}}, StatusCode::kInvalidArgument, "doesn't exist"},
  };
  EXPECT_TRUE(TestConnection(*connections_.Resolve("my")).ok());
  EXPECT_EQ(TestConnection(wrong).code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(TestConnection(down).code(), StatusCode::kUnavailable);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto out = RunExtract("extract.mysql", c.config, &bad);
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(out.status().code(), c.code) << out.status().ToString();
    EXPECT_NE(out.status().message().find(c.part), std::string::npos) << out.status().ToString();
    EXPECT_EQ(out.status().message().find("s3cr3t"), std::string::npos) << "secret leaked";
  }
}

TEST_F(MysqlTest, NetworkCutMidStreamFailsClearly) {
  Sql("DROP TABLE IF EXISTS cut");
  Sql("CREATE TABLE cut (id INT, s TEXT)");
  Sql("INSERT INTO cut SELECT seq, REPEAT('x', 200) FROM seq_1_to_300000");
  TcpProxy proxy(port_);
  MemoryConnections via;
  ConnectionConfig c = *connections_.Resolve("my");
  c.port = proxy.port();
  via.Add(c);
  auto op = BindConnector("extract.mysql", {{"connection", "my"}, {"table", "cut"}, {"batch_rows", 10000}}, &via);
  ASSERT_TRUE(op.ok()) << op.status().ToString();
  int64_t rows = 0;
  Status failure = ProduceAcrossCut(**op, &via, proxy, &rows);
  EXPECT_LT(rows, 300000);
  EXPECT_EQ(failure.code(), StatusCode::kUnavailable) << failure.ToString();
}

TEST_F(MysqlTest, KilledLoadLeavesTargetUnchanged) {
  for (std::string mode : {"append", "truncate", "replace"}) {
    SCOPED_TRACE(mode);
    Sql("DROP TABLE IF EXISTS killed");
    Sql("CREATE TABLE killed (id BIGINT, v VARCHAR(10)) ENGINE=InnoDB");
    Sql("INSERT INTO killed SELECT seq, 'old' FROM seq_1_to_1000");
    ASSERT_TRUE(KillLoaderMidStream("load.mysql", {{"connection", "my"}, {"table", "killed"}, {"mode", mode}},
                                    &connections_, 10));
    // The server rolls the dead session back once it notices; wait for its transaction to end.
    for (int i = 0; i < 100; ++i) {
      if (Sql("SELECT count(*) FROM information_schema.processlist WHERE user = 'logidata' AND id <> CONNECTION_ID()")[0][0] == "0") break;
      usleep(50'000);
    }
    EXPECT_EQ(Sql("SELECT count(*), min(v), max(v) FROM killed"), (std::vector<std::vector<std::string>>{{"1000", "old", "old"}}));
  }
}

}  // namespace
}  // namespace logidata::testing

// extract.postgres in mode cdc feeding three replicas — load.postgres, load.mysql and
// load.clickhouse, each in mode upsert with op_column — against a real PostgreSQL 15
// (wal_level=logical), MariaDB and ClickHouse 18.16 started by scripts/servers/*.sh for this
// suite. The source table is changed between runs and while a run is in progress (before its
// snapshot and after its changes were read); one run is cancelled and one process is killed with
// SIGKILL before its loads commit; after every successful run each replica equals the source
// (ClickHouse read with FINAL and without its delete tombstones, timestamps to the second, which
// is what its DateTime holds), and after a failed one the slot has not moved, no replica changed,
// and the next run applies the same changes. A server that cannot start fails the suite (never a
// silent skip).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>

#include "connectors/clickhouse/clickhouse_client.h"
#include "connectors/clickhouse/clickhouse_types.h"
#include "connectors/mysql/mysql_connection.h"
#include "connectors/postgres/pg_connection.h"
#include "integration/connectors/connector_test_support.h"
#include "integration/connectors/pg_test_query.h"
#include "integration/connectors/run_log_hook.h"
#include "module/builtin_modules.h"
#include "pipeline/run_pipeline.h"

namespace logidata::testing {
namespace {

class PostgresCdcTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    databases_.Start("pgcdc", &connections_, /*clickhouse=*/true);
    if (::testing::Test::HasFatalFailure()) return;
    ASSERT_EQ(One("SHOW wal_level"), "logical");
  }
  static void TearDownTestSuite() { databases_.Stop(); }

  static PgRowsText Sql(const std::string& sql) { return QueryTestPg(connections_, sql); }
  static std::string One(const std::string& sql) {
    auto rows = Sql(sql);
    return rows.empty() || rows[0].empty() ? "<none>" : rows[0][0];
  }

  // source table -> extract.postgres (cdc) -> load.postgres (upsert by id, deletes by _op).
  static PipelineSpec CdcPipeline(int64_t max_changes = 100'000) {
    nlohmann::json doc = {{"id", "cdc"}, {"name", "cdc"}, {"nodes", nlohmann::json::array()},
                          {"edges", nlohmann::json::array()}};
    doc["nodes"].push_back({{"id", "changes"}, {"type", "extract"}, {"module", "postgres"},
                            {"config", {{"connection", "pg"}, {"table", "src"}, {"mode", "cdc"}, {"slot", "ld_cdc_test"},
                                        {"max_changes", max_changes}, {"fetch_rows", 7}}}});
    doc["nodes"].push_back({{"id", "replica"}, {"type", "load"}, {"module", "postgres"},
                            {"config", {{"connection", "pg"}, {"table", "replica"}, {"mode", "upsert"},
                                        {"keys", {"id"}}, {"op_column", "_op"}}}});
    doc["nodes"].push_back({{"id", "my_replica"}, {"type", "load"}, {"module", "mysql"},
                            {"config", {{"connection", "my"}, {"table", "my_replica"}, {"mode", "upsert"},
                                        {"keys", {"id"}}, {"op_column", "_op"}}}});
    // ClickHouse 18.16's DateTime holds whole seconds.
    doc["nodes"].push_back({{"id", "whole_seconds"}, {"type", "transform"}, {"module", "derive"},
                            {"config", {{"columns", {{{"name", "ts"}, {"expression", "date_trunc('second', ts)"}}}}}}});
    doc["nodes"].push_back({{"id", "ch_replica"}, {"type", "load"}, {"module", "clickhouse"},
                            {"config", {{"connection", "ch"}, {"table", "ch_replica"}, {"mode", "upsert"},
                                        {"keys", {"id"}}, {"op_column", "_op"}}}});
    doc["edges"].push_back({{"source", "changes"}, {"target", "replica"}});
    doc["edges"].push_back({{"source", "changes"}, {"target", "my_replica"}});
    doc["edges"].push_back({{"source", "changes"}, {"target", "whole_seconds"}});
    doc["edges"].push_back({{"source", "whole_seconds"}, {"target", "ch_replica"}});
    auto spec = ParsePipelineJson(doc);
    EXPECT_TRUE(spec.ok()) << spec.status().ToString();
    return *spec;
  }

  // Runs the pipeline like the scheduler: a fresh run id, state published only on success.
  static RunResult Run(const PipelineSpec& spec, RunObserver* observer = nullptr,
                       const std::atomic<bool>* cancel = nullptr, const std::string& run_id = "") {
    RunOptions options;
    options.run_id = run_id.empty() ? "cdc-" + std::to_string(++runs_) : run_id;
    options.threads = 2;
    options.connections = &connections_;
    options.state = &state_;
    options.observer = observer;
    options.cancel = cancel;
    RunResult result = RunPipeline(spec, BuiltinModules(), options);
    if (result.status.ok()) state_.Publish();
    else state_.Discard();
    return result;
  }

  static std::string SlotLsn() {
    return One("SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = 'ld_cdc_test'");
  }
  static PgRowsText Rows(const std::string& table) {
    return Sql("SELECT id, name, amount, note, ts, data, md5(big) FROM " + table + " ORDER BY id");
  }
  // The source as the MySQL and ClickHouse replicas must hold it: timestamps as UTC text, binary as hex.
  static PgRowsText SourceRows(bool whole_seconds) {
    const std::string ts = whole_seconds ? "to_char(date_trunc('second', ts) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')"
                                         : "to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')";
    return Sql("SELECT id, name, amount::text, note, " + ts + ", upper(encode(data, 'hex')), md5(big) FROM src ORDER BY id");
  }
  static PgRowsText MysqlRows() {
    return MysqlSql("SELECT id, name, amount, note, DATE_FORMAT(ts, '%Y-%m-%d %H:%i:%s.%f'), HEX(data), MD5(big) "
                    "FROM my_replica ORDER BY id");
  }
  // The rows of a MariaDB query, nulls as "NULL".
  static PgRowsText MysqlSql(const std::string& sql) {
    auto conn = MysqlConnection::Connect(*connections_.Resolve("my"));
    if (!conn.ok()) return {{"<" + conn.status().ToString() + ">"}};
    if (mysql_real_query((*conn)->get(), sql.data(), sql.size()) != 0) return {{"<" + std::string(mysql_error((*conn)->get())) + ">"}};
    PgRowsText rows;
    MYSQL_RES* r = mysql_store_result((*conn)->get());
    while (MYSQL_ROW row = r != nullptr ? mysql_fetch_row(r) : nullptr) {
      rows.emplace_back();
      for (unsigned i = 0; i < mysql_num_fields(r); ++i) rows.back().push_back(row[i] == nullptr ? "NULL" : row[i]);
    }
    if (r != nullptr) mysql_free_result(r);
    return rows;
  }
  // The rows of a ClickHouse query (FORMAT TSV), nulls as "NULL".
  static PgRowsText ClickhouseSql(const std::string& sql) {
    auto client = ClickhouseClient::Make(*connections_.Resolve("ch"));
    if (!client.ok()) return {{"<" + client.status().ToString() + ">"}};
    auto out = client->Execute(sql + " FORMAT TSV");
    if (!out.ok()) return {{"<" + out.status().ToString() + ">"}};
    PgRowsText rows;
    std::string field;
    for (size_t start = 0; start < out->size();) {
      size_t nl = out->find('\n', start);
      if (nl == std::string::npos) nl = out->size();
      std::string_view line(out->data() + start, nl - start);
      rows.emplace_back();
      for (size_t f = 0;;) {
        const size_t tab = line.find('\t', f);
        const std::string_view raw = line.substr(f, tab == std::string_view::npos ? std::string_view::npos : tab - f);
        UnescapeTsvField(raw, &field);
        rows.back().push_back(raw == "\\N" ? "NULL" : field);
        if (tab == std::string_view::npos) break;
        f = tab + 1;
      }
      start = nl + 1;
    }
    return rows;
  }
  // As a reader of a ClickHouse upsert replica must read it: FINAL, without tombstones.
  static PgRowsText ClickhouseRows() {
    return ClickhouseSql("SELECT id, name, toString(amount), note, toString(ts), hex(data), lower(hex(MD5(big))) "
                         "FROM ch_replica FINAL WHERE _logidata_deleted = 0 ORDER BY id");
  }
  static void ExpectReplicaEqualsSource() {
    const std::string cols = "id, name, amount, note, ts, data, md5(big)";
    EXPECT_EQ(Rows("src"), Rows("replica"));
    EXPECT_EQ(SourceRows(false), MysqlRows());
    EXPECT_EQ(SourceRows(true), ClickhouseRows());
    // The difference both ways, readable when the comparison above fails.
    EXPECT_EQ(Sql("SELECT " + cols + " FROM src EXCEPT SELECT " + cols + " FROM replica"), PgRowsText{});
    EXPECT_EQ(Sql("SELECT " + cols + " FROM replica EXCEPT SELECT " + cols + " FROM src"), PgRowsText{});
  }

  static inline TestDatabases databases_;
  static inline MemoryConnections connections_;
  static inline MemoryState state_;
  static inline int runs_ = 0;
};

TEST_F(PostgresCdcTest, ReplicaFollowsInsertsUpdatesDeletesAcrossRunsFailuresAndKill) {
  Sql("CREATE TABLE src (id integer PRIMARY KEY, name text, amount numeric(10,2), note text, ts timestamptz, "
      "data bytea, big text)");
  // FULL: an update that leaves a TOASTed value alone still carries it (in the old row).
  Sql("ALTER TABLE src REPLICA IDENTITY FULL");
  Sql("INSERT INTO src SELECT g, 'name ' || g, g * 1.25, CASE WHEN g % 3 = 0 THEN NULL ELSE 'n''' || g END, "
      "'2024-01-01 00:00:00+00'::timestamptz + g * interval '1 hour', decode(lpad(to_hex(g), 4, '0'), 'hex'), NULL "
      "FROM generate_series(1, 40) g");

  // Run 1 creates the slot and takes the snapshot. Just before the snapshot, another session
  // changes rows: those changes are in the snapshot and in the stream (the overlap). After the
  // changes were read, more changes: those belong to the next run.
  LogHook during([](const std::string& node, const std::string& message) {
    if (node != "changes") return;
    if (message.rfind("initial snapshot", 0) == 0) {
      Sql("INSERT INTO src VALUES (41, 'during snapshot', 1.00, 'x', now(), '\\x00ff', NULL); "
          "UPDATE src SET name = 'updated before snapshot' WHERE id = 2; DELETE FROM src WHERE id = 3");
    }
    if (message.rfind("read ", 0) == 0) {
      Sql("INSERT INTO src VALUES (42, 'after read', 2.00, NULL, NULL, NULL, NULL); UPDATE src SET amount = 99.99 WHERE id = 4");
    }
  });
  RunResult first = Run(CdcPipeline(), &during);
  ASSERT_TRUE(first.status.ok()) << first.status.ToString() << "\n" << during.Lines();
  EXPECT_NE(during.Lines().find("created logical replication slot ld_cdc_test"), std::string::npos) << during.Lines();
  EXPECT_EQ(One("SELECT count(*) FROM replica WHERE id IN (41, 2) OR id = 3"), "2");
  EXPECT_EQ(One("SELECT count(*) FROM replica WHERE id = 42"), "0");  // changed after the read: next run

  // Between runs: every kind of change, including a key that moves, quotes, nulls, a row
  // inserted and deleted in one transaction, and a TOASTed value kept by a later update.
  Sql("INSERT INTO src VALUES (50, 'it''s \"quoted\" null', -0.01, E'line1\\nline2', '1999-12-31 23:59:59.5+00', "
      "'\\x5c27', (SELECT string_agg(md5(g::text), '') FROM generate_series(1, 400) g))");
  Sql("UPDATE src SET name = NULL, note = 'was null' WHERE id = 6");
  Sql("UPDATE src SET id = 1000 WHERE id = 7");
  Sql("DELETE FROM src WHERE id BETWEEN 10 AND 14");
  Sql("BEGIN; INSERT INTO src (id, name) VALUES (60, 'gone'); DELETE FROM src WHERE id = 60; COMMIT");
  Sql("UPDATE src SET name = 'toast kept' WHERE id = 50");
  RunResult second = Run(CdcPipeline());
  ASSERT_TRUE(second.status.ok()) << second.status.ToString();
  ExpectReplicaEqualsSource();
  EXPECT_EQ(One("SELECT count(*) FROM replica WHERE id = 7"), "0");
  EXPECT_EQ(One("SELECT name FROM replica WHERE id = 50"), "toast kept");
  // The deletes reached MySQL as deletes and ClickHouse as tombstones, which only FINAL + the filter hide.
  EXPECT_EQ(MysqlRows().size(), Rows("src").size());
  EXPECT_EQ(ClickhouseSql("SELECT count() FROM ch_replica FINAL WHERE id IN (7, 10, 11, 12, 13, 14) AND _logidata_deleted = 1"),
            PgRowsText{{"6"}});

  // A run cancelled after its changes were read (the load then fails on its next batch, before
  // anything commits) confirms nothing.
  Sql("UPDATE src SET amount = amount + 1 WHERE id <= 20; DELETE FROM src WHERE id = 21; "
      "INSERT INTO src (id, name) VALUES (70, 'seventy')");
  std::string lsn_before = SlotLsn();
  PgRowsText replica_before = Rows("replica"), mysql_before = MysqlRows(), clickhouse_before = ClickhouseRows();
  std::atomic<bool> cancel{false};
  LogHook cancel_after_read([&](const std::string& node, const std::string& message) {
    if (node == "changes" && message.rfind("read ", 0) == 0) cancel = true;
  });
  RunResult cancelled = Run(CdcPipeline(), &cancel_after_read, &cancel);
  ASSERT_FALSE(cancelled.status.ok()) << cancel_after_read.Lines();
  EXPECT_EQ(SlotLsn(), lsn_before);
  EXPECT_EQ(Rows("replica"), replica_before);
  EXPECT_EQ(MysqlRows(), mysql_before);
  EXPECT_EQ(ClickhouseRows(), clickhouse_before);

  // A process killed with SIGKILL after its load staged the rows, before commit: same.
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    LogHook kill_after_copy([](const std::string& node, const std::string& message) {
      if (node == "replica" && message.rfind("copied ", 0) == 0) raise(SIGKILL);
    });
    (void)Run(CdcPipeline(), &kill_after_copy);
    _exit(0);  // not reached when the kill happened
  }
  int wait_status = 0;
  ASSERT_EQ(waitpid(child, &wait_status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(wait_status) && WTERMSIG(wait_status) == SIGKILL) << "the run was not killed";
  EXPECT_EQ(SlotLsn(), lsn_before);
  EXPECT_EQ(Rows("replica"), replica_before);
  EXPECT_EQ(MysqlRows(), mysql_before);
  EXPECT_EQ(ClickhouseRows(), clickhouse_before);

  // The next run reads the same changes again and catches up.
  RunResult after_failures = Run(CdcPipeline());
  ASSERT_TRUE(after_failures.status.ok()) << after_failures.status.ToString();
  ExpectReplicaEqualsSource();
  EXPECT_NE(SlotLsn(), lsn_before);

  // max_changes cuts a run at a transaction boundary; the rest comes next run. (The slot also
  // holds the previous run's own load transaction, into replica, which the extract skips.)
  for (int i = 0; i < 5; ++i) Sql("INSERT INTO src (id, name) VALUES (" + std::to_string(200 + i) + ", 'batch')");
  RunResult cut = Run(CdcPipeline(1));
  ASSERT_TRUE(cut.status.ok()) << cut.status.ToString();
  EXPECT_LT(std::stoi(One("SELECT count(*) FROM replica WHERE id >= 200")), 5);
  RunResult rest = Run(CdcPipeline());
  ASSERT_TRUE(rest.status.ok()) << rest.status.ToString();
  ExpectReplicaEqualsSource();

  // Killed after its load committed but before the slot was confirmed; more changes arrive; the
  // retry (same run id) skips the committed load through the ledger and must confirm only what
  // that load carried, so the newer changes come with the next run instead of being skipped.
  Sql("UPDATE src SET note = 'committed, not confirmed' WHERE id = 1; INSERT INTO src (id, name) VALUES (300, 'c')");
  pid_t committer = fork();
  ASSERT_GE(committer, 0);
  if (committer == 0) {
    LogHook kill_after_publish([](const std::string& node, const std::string& message) {
      if (node == "replica" && message.rfind("published ", 0) == 0) raise(SIGKILL);
    });
    (void)Run(CdcPipeline(), &kill_after_publish, nullptr, "cdc-retried");
    _exit(0);
  }
  ASSERT_EQ(waitpid(committer, &wait_status, 0), committer);
  ASSERT_TRUE(WIFSIGNALED(wait_status)) << "the run was not killed";
  EXPECT_EQ(One("SELECT note FROM replica WHERE id = 1"), "committed, not confirmed");
  Sql("UPDATE src SET note = 'after the kill' WHERE id = 1; DELETE FROM src WHERE id = 300");
  LogHook retry_log(nullptr);
  RunResult retry = Run(CdcPipeline(), &retry_log, nullptr, "cdc-retried");
  ASSERT_TRUE(retry.status.ok()) << retry.status.ToString();
  EXPECT_NE(retry_log.Lines().find("skipping"), std::string::npos) << retry_log.Lines();
  RunResult after_retry = Run(CdcPipeline());
  ASSERT_TRUE(after_retry.status.ok()) << after_retry.status.ToString();
  ExpectReplicaEqualsSource();
  EXPECT_EQ(One("SELECT note FROM replica WHERE id = 1"), "after the kill");

  // A run with nothing new changes nothing and succeeds.
  RunResult idle = Run(CdcPipeline());
  ASSERT_TRUE(idle.status.ok()) << idle.status.ToString();
  ExpectReplicaEqualsSource();
}

// Within one batch the later change of a key wins in every replica: insert, update, delete and
// re-insert of one key; insert then delete of another; a delete of a key that never existed.
TEST_F(PostgresCdcTest, TheLaterChangeOfAKeyWinsWithinABatchInEveryTarget) {
  auto changes = MakeBatch("id:int32, v:string, _op:string",
                           {{"1", "a", "insert"}, {"1", "b", "update"}, {"2", "x", "insert"}, {"1", "NULL", "delete"},
                            {"3", "NULL", "delete"}, {"1", "c", "insert"}, {"2", "NULL", "delete"}, {"4", "d", "snapshot"}});
  struct Target {
    std::string module, connection;
    std::function<PgRowsText()> read;
  };
  const std::vector<Target> targets = {
      {"postgres", "pg", [] { return Sql("SELECT id::text, v FROM order_replica ORDER BY id"); }},
      {"mysql", "my", [] { return MysqlSql("SELECT id, v FROM order_replica ORDER BY id"); }},
      {"clickhouse", "ch", [] { return ClickhouseSql("SELECT toString(id), v FROM order_replica FINAL WHERE _logidata_deleted = 0 ORDER BY id"); }},
  };
  for (const auto& t : targets) {
    SCOPED_TRACE(t.module);
    const nlohmann::json cfg = {{"connection", t.connection}, {"table", "order_replica"}, {"mode", "upsert"},
                                {"keys", {"id"}}, {"op_column", "_op"}};
    Status s = RunLoad("load." + t.module, cfg, &connections_, {changes});
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(t.read(), (PgRowsText{{"1", "c"}, {"4", "d"}}));
    // Applying the same changes again gives the same table.
    s = RunLoad("load." + t.module, cfg, &connections_, {changes});
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(t.read(), (PgRowsText{{"1", "c"}, {"4", "d"}}));
    // The operation column must hold text.
    auto bad = BindConnector("load." + t.module, {{"connection", t.connection}, {"table", "order_replica"}, {"mode", "upsert"},
                                                  {"keys", {"id"}}, {"op_column", "missing"}},
                             &connections_, {changes->schema()});
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.status().message().find("/op_column"), std::string::npos) << bad.status().ToString();
  }
}

TEST_F(PostgresCdcTest, ConfigErrorsNameTheSetting) {
  Sql("CREATE TABLE IF NOT EXISTS cfg_src (id integer PRIMARY KEY, v text)");
  struct Case {
    nlohmann::json config;
    std::string pointer;
  };
  const std::vector<Case> cases = {
      {{{"connection", "pg"}, {"query", "SELECT 1"}, {"mode", "cdc"}, {"slot", "s"}}, "/table"},
      {{{"connection", "pg"}, {"table", "cfg_src"}, {"mode", "cdc"}}, "/slot"},
      {{{"connection", "pg"}, {"table", "cfg_src"}, {"mode", "cdc"}, {"slot", "Bad-Name"}}, "/slot"},
      {{{"connection", "pg"}, {"table", "cfg_src"}, {"mode", "cdc"}, {"slot", "s"}, {"max_changes", 0}}, "/max_changes"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.config.dump());
    auto op = BindConnector("extract.postgres", c.config, &connections_);
    ASSERT_FALSE(op.ok());
    EXPECT_NE(op.status().message().find(c.pointer), std::string::npos) << op.status().ToString();
  }
  // Without create_slot a missing slot is an error, not a silent empty read.
  auto missing = RunExtract("extract.postgres",
                            {{"connection", "pg"}, {"table", "cfg_src"}, {"mode", "cdc"}, {"slot", "no_such_slot"},
                             {"create_slot", false}},
                            &connections_);
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().IsNotFound()) << missing.status().ToString();
}

}  // namespace
}  // namespace logidata::testing

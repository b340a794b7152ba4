// Cancellation reaches work blocked inside a client library: a PostgreSQL query sleeping on the
// server, a MariaDB query sleeping on the server and an HTTP response that takes 30 s. Each run is
// cancelled 0.5 s in and must return within 2 s (the orchestrator's promise); for PostgreSQL the
// server-side statement must be gone too (PQcancel, not just a closed socket).
#include <chrono>
#include <filesystem>
#include <thread>

#include "connectors/postgres/pg_connection.h"
#include "integration/connectors/connector_test_support.h"
#include "module/builtin_modules.h"
#include "pipeline/run_pipeline.h"

namespace logidata::testing {
namespace {

class CancelTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dbs_.Start("cancel", &connections_);
    if (::testing::Test::HasFatalFailure()) return;
    auto line = http_.Start({"/usr/bin/python3", SourceDir() + "/scripts/servers/http_test_server.py", "0"});
    ASSERT_TRUE(line.ok()) << line.status().ToString();
    ConnectionConfig api;
    api.name = "api";
    api.type = "http";
    api.host = "http://127.0.0.1:" + line->substr(6);
    api.options = {{"auth", "none"}};
    connections_.Add(api);
  }
  static void TearDownTestSuite() {
    http_.Stop();
    dbs_.Stop();
  }

  // Runs `source` → CSV file, cancelling after 0.5 s; returns the seconds from cancel to return.
  static double CancelAfterHalfASecond(const nlohmann::json& source, RunResult* result) {
    const std::string out = (std::filesystem::temp_directory_path() / ("cancel-" + std::to_string(getpid()) + ".csv")).string();
    nlohmann::json doc = {{"name", "cancel"},
                          {"nodes", {source, {{"id", "out"}, {"type", "load"}, {"module", "csv"}, {"config", {{"path", out}}}}}},
                          {"edges", {{{"source", "src"}, {"target", "out"}}}}};
    auto spec = ParsePipelineJson(doc);
    EXPECT_TRUE(spec.ok()) << spec.status().ToString();
    std::atomic<bool> cancel{false};
    std::chrono::steady_clock::time_point cancelled_at;
    std::thread canceller([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      cancelled_at = std::chrono::steady_clock::now();
      cancel = true;
    });
    RunOptions options;
    options.run_id = "cancel-test";
    options.threads = 2;
    options.cancel = &cancel;
    options.connections = &connections_;
    *result = RunPipeline(*spec, BuiltinModules(), options);
    auto returned = std::chrono::steady_clock::now();
    canceller.join();
    return std::chrono::duration<double>(returned - cancelled_at).count();
  }

  static inline TestDatabases dbs_;
  static inline ChildProcess http_;
  static inline MemoryConnections connections_;
};

TEST_F(CancelTest, PostgresQueryIsCancelledOnTheServer) {
  RunResult r;
  double took = CancelAfterHalfASecond({{"id", "src"}, {"type", "extract"}, {"module", "postgres"},
                                        {"config", {{"connection", "pg"}, {"query", "SELECT 1 AS x FROM pg_sleep(30)"}}}},
                                       &r);
  EXPECT_TRUE(r.status.IsCancelled()) << r.status.ToString();
  EXPECT_LT(took, 2.0);
  std::printf("postgres: returned %.3f s after cancel\n", took);
  // The statement is gone from the server, not left sleeping behind a closed socket.
  auto conn = PgConnection::Connect(*connections_.Resolve("pg"));
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  std::string running = "1";
  for (int i = 0; i < 20 && running != "0"; ++i) {
    auto q = (*conn)->Query("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()");
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    running = PQgetvalue(q->get(), 0, 0);
    if (running != "0") std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(running, "0");
}

TEST_F(CancelTest, MariadbQueryReturnsAtOnce) {
  RunResult r;
  double took = CancelAfterHalfASecond({{"id", "src"}, {"type", "extract"}, {"module", "mysql"},
                                        {"config", {{"connection", "my"}, {"query", "SELECT SLEEP(30) AS x"}}}},
                                       &r);
  EXPECT_TRUE(r.status.IsCancelled()) << r.status.ToString();
  EXPECT_LT(took, 2.0);
  std::printf("mariadb: returned %.3f s after cancel\n", took);
}

TEST_F(CancelTest, SlowHttpResponseIsAbandoned) {
  RunResult r;
  double took = CancelAfterHalfASecond({{"id", "src"}, {"type", "extract"}, {"module", "http"},
                                        {"config",
                                         {{"connection", "api"},
                                          {"path", "/slow?delay=30"},
                                          {"record_path", "items"},
                                          {"columns", {{"id", "int64"}}}}}},
                                       &r);
  EXPECT_TRUE(r.status.IsCancelled()) << r.status.ToString();
  EXPECT_LT(took, 2.0);
  std::printf("http: returned %.3f s after cancel\n", took);
}

}  // namespace
}  // namespace logidata::testing

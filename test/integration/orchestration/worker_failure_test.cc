// What happens to a run when the process executing it dies, pauses or restarts, with real
// processes: PostgreSQL, one `logidata server`, two `logidata worker`s on 127.0.0.1, short leases.
//   * kill -9 of a worker in the middle of a 1M-row PostgreSQL load: the other worker retries the
//     run as attempt 2 once the lease expires, and the target ends with every row exactly once;
//   * SIGSTOP a worker past its lease, the run moves on to the other worker, SIGCONT: the stale
//     worker's writes are refused, it stops its run, and the run is reported and notified once;
//   * the server restarted (SIGTERM) with runs in flight in its own slots and on a worker:
//     nothing is lost or run twice.
// A PostgreSQL that cannot start fails these tests when CI is set (never a silent skip).
#include "connectors/load_ledger.h"
#include "integration/orchestration/orchestration_harness.h"
#include "integration/server/webhook_receiver.h"

namespace logidata::testing {
namespace {

using namespace std::chrono_literals;

json CsvToPostgres(const std::string& name, const std::string& csv, const std::string& table) {
  return Chain(name, {Node("src", "extract", "csv", {{"path", csv}}),
                      Node("load", "load", "postgres", {{"connection", "tgt"}, {"table", table}})});
}

// KNOWN BUG (connectors, reported): the loaders create the _logidata_loads ledger with CREATE TABLE
// IF NOT EXISTS inside their data transaction, so the first loads into a fresh database race (two
// at once: "duplicate key ... pg_type_typname_nsp_index", a failed run) and a paused loader's
// uncommitted CREATE blocks every other loader of that database until it ends. The tests below
// that start loads concurrently or pause a loader create the ledger first.
void CreateLedger(const OrchestrationCluster& cl) { PgOne(cl.target_url(), LoadLedger::CreateSql(SqlDialect::kPostgres)); }

// Waits until a COPY into `table` runs on the target database (the load is in the middle).
std::string WaitCopying(const OrchestrationCluster& cl, const std::string& table) {
  return OrchestrationCluster::WaitSql(cl.target_url(),
                                       "SELECT count(*) > 0 FROM pg_stat_activity WHERE datname = current_database() "
                                       "AND query LIKE 'COPY %" + table + "%'",
                                       "t", 90);
}

TEST(WorkerFailure, KilledMidLoadTheOtherWorkerRetriesAndEveryRowLandsOnce) {
  LD_REQUIRE_POSTGRES();
  OrchestrationCluster cl;
  ASSERT_TRUE(cl.Init("kill"));
  ASSERT_TRUE(cl.StartServer(0, 3)) << cl.Logs();
  constexpr int64_t kRows = 1'000'000;
  std::string csv = cl.dir() + "/big.csv";
  WriteIdCsv(csv, kRows);
  PgOne(cl.target_url(), "CREATE TABLE big_load (id bigint, v text)");
  SlowDownLoadsInto(cl.target_url(), "big_load");
  std::string pipeline = cl.CreatePipeline(CsvToPostgres("kill-load", csv, "big_load"));
  cl.StartWorker(3, 1);
  cl.StartWorker(3, 1);
  ASSERT_TRUE(cl.WaitWorkersReady()) << cl.Logs();
  std::string run_id = cl.QueueRun(pipeline);

  ASSERT_EQ(WaitCopying(cl, "big_load"), "t") << cl.Logs();
  std::this_thread::sleep_for(300ms);  // a few COPY batches are in the open transaction
  json running = cl.Run(run_id);
  ASSERT_EQ(running.value("status", ""), "running") << running.dump();
  WorkerProcess* victim = cl.WorkerById(running.value("worker", ""));
  ASSERT_NE(victim, nullptr) << running.dump();
  const std::string victim_id = victim->id();
  auto killed_at = std::chrono::steady_clock::now();
  int status = OrchestrationCluster::StopWorker(*victim, SIGKILL);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the worker had ended before it could be killed";

  json run = cl.WaitFinal(run_id, 120);
  double recovery = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed_at).count();
  ASSERT_EQ(run.value("status", ""), "succeeded") << run.dump(2) << cl.Logs();
  EXPECT_EQ(run["attempt"], 2);
  ASSERT_EQ(run["attempts"].size(), 2u) << run.dump(2);
  EXPECT_EQ(run["attempts"][0]["status"], "lost");
  EXPECT_EQ(run["attempts"][0]["worker"], victim_id);
  EXPECT_EQ(run["attempts"][1]["status"], "succeeded");
  EXPECT_NE(run["attempts"][1]["worker"], victim_id) << "the run must move to the live worker";
  EXPECT_EQ(PgOne(cl.target_url(), ChecksumSql("big_load")), ExpectedChecksum(cl.target_url(), kRows));
  EXPECT_EQ(PgOne(cl.target_url(), "SELECT count(*) || ' ' || sum(rows) FROM _logidata_loads WHERE run_id = " +
                                       SqlQuote(run_id)),
            "1 " + std::to_string(kRows));
  // A single final transition, the retry logged once.
  EXPECT_EQ(PgOne(cl.meta_url(), "SELECT count(*) FROM run_logs WHERE run_id = " + SqlQuote(run_id) +
                                     " AND message = 'run succeeded'"),
            "1");
  std::fprintf(stderr, "[ kill -9 ] re-run finished %.1f s after the kill (lease 3 s)\n", recovery);
}

TEST(WorkerFailure, PausedWorkerPastItsLeaseIsFencedAndTheRunIsReportedOnce) {
  LD_REQUIRE_POSTGRES();
  OrchestrationCluster cl;
  ASSERT_TRUE(cl.Init("stop"));
  ASSERT_TRUE(cl.StartServer(0, 3)) << cl.Logs();
  WebhookReceiver receiver;
  cl.Call("POST", "/api/v1/notifications",
          {{"name", "ends"}, {"channel", "webhook"}, {"url", receiver.Url("/ends")},
           {"events", {"run.succeeded", "run.failed"}}},
          201);
  constexpr int64_t kRows = 400'000;
  std::string csv = cl.dir() + "/paused.csv";
  WriteIdCsv(csv, kRows);
  PgOne(cl.target_url(), "CREATE TABLE paused_load (id bigint, v text)");
  CreateLedger(cl);
  std::string pipeline = cl.CreatePipeline(CsvToPostgres("paused-load", csv, "paused_load"));
  cl.StartWorker(3, 1);
  cl.StartWorker(3, 1);
  ASSERT_TRUE(cl.WaitWorkersReady()) << cl.Logs();
  std::string run_id = cl.QueueRun(pipeline);

  ASSERT_EQ(WaitCopying(cl, "paused_load"), "t") << cl.Logs();
  json running = cl.Run(run_id);
  ASSERT_EQ(running.value("status", ""), "running") << running.dump();
  WorkerProcess* stale = cl.WorkerById(running.value("worker", ""));
  ASSERT_NE(stale, nullptr) << running.dump();
  const std::string stale_id = stale->id();
  ASSERT_EQ(kill(stale->pid, SIGSTOP), 0);

  // Past the lease the other worker takes the run over and finishes it.
  json run = cl.WaitFinal(run_id, 120);
  ASSERT_EQ(run.value("status", ""), "succeeded") << run.dump(2) << cl.Logs();
  ASSERT_EQ(run["attempts"].size(), 2u) << run.dump(2);
  EXPECT_EQ(run["attempts"][0]["worker"], stale_id);
  EXPECT_EQ(run["attempts"][0]["status"], "lost");
  EXPECT_NE(run["attempts"][1]["worker"], stale_id);
  std::string logs_before = PgOne(cl.meta_url(), "SELECT count(*) || ' ' || max(seq) FROM run_logs WHERE run_id = " +
                                                     SqlQuote(run_id));
  std::string row_before = PgOne(cl.meta_url(), "SELECT status || ' ' || attempt || ' ' || finished_at || ' ' || "
                                                "coalesce(worker, '') FROM runs WHERE id = " + SqlQuote(run_id));

  // Wake the stale worker: it must notice that its lease is gone and stop, writing nothing.
  ASSERT_EQ(kill(stale->pid, SIGCONT), 0);
  std::string refused;
  for (int i = 0; i < 200; ++i) {
    std::string m = stale->Metrics();
    if (m.find("pipeline_executions_total{status=\"refused\"} 1") != std::string::npos) {
      refused = m;
      break;
    }
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_FALSE(refused.empty()) << "the stale worker never gave its attempt up\n" << stale->Metrics() << cl.Logs();
  EXPECT_NE(ReadFile(stale->log).find("run " + run_id), std::string::npos) << ReadFile(stale->log);
  // Its COPY is gone (rolled back), not committed next to the new attempt's rows.
  EXPECT_EQ(OrchestrationCluster::WaitSql(cl.target_url(),
                                          "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
                                          "query LIKE 'COPY %paused_load%' AND state <> 'idle'",
                                          "0", 30),
            "0");
  std::this_thread::sleep_for(1500ms);  // time for any late write to land, if it were let through
  EXPECT_EQ(PgOne(cl.meta_url(), "SELECT count(*) || ' ' || max(seq) FROM run_logs WHERE run_id = " + SqlQuote(run_id)),
            logs_before)
      << "the stale worker's log lines reached the run";
  EXPECT_EQ(PgOne(cl.meta_url(), "SELECT status || ' ' || attempt || ' ' || finished_at || ' ' || coalesce(worker, '') "
                                 "FROM runs WHERE id = " + SqlQuote(run_id)),
            row_before)
      << "the stale worker overwrote the run";
  EXPECT_EQ(PgOne(cl.meta_url(), "SELECT count(*) FROM node_metrics WHERE run_id = " + SqlQuote(run_id) +
                                     " AND attempt <> 2"),
            "0");
  EXPECT_EQ(PgOne(cl.target_url(), ChecksumSql("paused_load")), ExpectedChecksum(cl.target_url(), kRows));
  // Reported once: one notification for the run, sent by the worker that finished it.
  auto hooks = receiver.WaitFor("/ends", 2, 3);
  ASSERT_EQ(hooks.size(), 1u);
  EXPECT_EQ(json::parse(hooks[0].body, nullptr, false).value("run_id", ""), run_id);
  // And the stale worker is healthy: it runs the next run.
  std::string next = cl.QueueRun(pipeline);
  EXPECT_EQ(cl.WaitFinal(next, 120).value("status", ""), "succeeded") << cl.Logs();
}

// The server executes runs in its own slots while a worker executes others; the server is
// restarted with SIGTERM in the middle. Every run ends succeeded, loaded exactly once.
TEST(WorkerFailure, ServerRestartWithRunsInFlightLosesNothingAndRunsNothingTwice) {
  LD_REQUIRE_POSTGRES();
  OrchestrationCluster cl;
  ASSERT_TRUE(cl.Init("restart"));
  ASSERT_TRUE(cl.StartServer(2, 3)) << cl.Logs();
  constexpr int64_t kRows = 200'000;
  constexpr int kRuns = 6;
  std::string csv = cl.dir() + "/restart.csv";
  WriteIdCsv(csv, kRows);
  // One table per run, so each run's rows are checked exactly.
  std::vector<std::string> runs, tables;
  std::vector<std::string> pipelines;
  for (int i = 0; i < kRuns; ++i) {
    tables.push_back("restart_" + std::to_string(i));
    PgOne(cl.target_url(), "CREATE TABLE " + tables.back() + " (id bigint, v text)");
    pipelines.push_back(cl.CreatePipeline(CsvToPostgres("restart-" + std::to_string(i), csv, tables.back())));
  }
  CreateLedger(cl);
  cl.StartWorker(3, 1);
  ASSERT_TRUE(cl.WaitWorkersReady()) << cl.Logs();
  for (const auto& p : pipelines) runs.push_back(cl.QueueRun(p));
  // Mid-flight: the server and the worker are both loading.
  ASSERT_EQ(cl.WaitMeta("SELECT count(DISTINCT worker) FROM runs WHERE status = 'running'", "2", 60), "2") << cl.Logs();
  ASSERT_EQ(WaitCopying(cl, "restart_"), "t") << cl.Logs();
  ASSERT_TRUE(cl.RestartServer()) << cl.Logs();
  for (int i = 0; i < kRuns; ++i) {
    SCOPED_TRACE("run " + std::to_string(i));
    json run = cl.WaitFinal(runs[i], 120);
    EXPECT_EQ(run.value("status", ""), "succeeded") << run.dump(2) << cl.Logs();
    // Attempts handed back by the stopping server say so; none is lost or left running.
    for (const auto& a : run["attempts"]) {
      std::string st = a.value("status", "");
      EXPECT_TRUE(st == "succeeded" || st == "handed_back") << run.dump(2);
    }
    EXPECT_EQ(run["attempts"].back().value("status", ""), "succeeded") << run.dump(2);
    EXPECT_EQ(PgOne(cl.target_url(), ChecksumSql(tables[i])), ExpectedChecksum(cl.target_url(), kRows));
    EXPECT_EQ(PgOne(cl.target_url(), "SELECT count(*) FROM _logidata_loads WHERE run_id = " + SqlQuote(runs[i])), "1");
  }
  EXPECT_EQ(PgOne(cl.meta_url(), "SELECT count(*) FROM runs"), std::to_string(kRuns));
  EXPECT_EQ(PgOne(cl.meta_url(), "SELECT count(*) FROM run_attempts WHERE status IN ('running', 'lost')"), "0");
}

}  // namespace
}  // namespace logidata::testing

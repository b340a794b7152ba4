// RunExecutor: a bounded pool that claims runs from the database and executes them with the
// engine, persisting status, node progress, logs and metrics as they happen. The same class runs
// inside `logidata server` and in `logidata worker` processes; several executors may share one
// PostgreSQL queue (woken by LISTEN/NOTIFY, polling as a fallback).
//
// Each claimed attempt holds a lease (run_store.h) that a watch thread renews; every write of the
// attempt is fenced by the lease token, so when a paused or partitioned executor comes back after
// its run was handed on, its writes are refused and it cancels the run locally. The same thread
// enforces the pipeline's timeout_seconds, picks up cancels requested through other processes,
// and (with a shared store) sweeps runs whose executor's lease expired, re-queueing them as new
// attempts. Failures that may pass (Unavailable, timeouts) are retried per the pipeline's retry
// policy with exponential backoff and jitter; data errors are not.
// Start/Stop/Drain from one thread; Wake and CancelLocal from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "auth/secret_box.h"
#include "io/tenant_files.h"
#include "metadata/database.h"
#include "metadata/org_egress_store.h"
#include "metadata/pg_listener.h"
#include "metadata/run_store.h"
#include "scheduler/run_events.h"

namespace logidata {

struct RunExecutorOptions {
  int slots = 2;                 // runs executing at once
  int threads_per_run = 0;       // engine threads per run; 0 = all cores
  // Engine memory budget of each run (--memory of `logidata run`). 0: half of physical memory
  // divided by the slots, so the runs executing at once share what one CLI run would get.
  int64_t memory_per_run = 0;
  std::string worker_id;         // recorded on claimed runs and attempts
  std::string base_dir;          // without `files`: relative paths in pipeline configs resolve against it
  // The server and workers: every run is confined to its organization's files (see TenantFiles).
  std::optional<FilesPolicy> files;
  // The server and workers: where each run's connections may connect (its organization's egress
  // policy). Null = unrestricted.
  const OrgEgressPolicies* egress = nullptr;
  int poll_ms = 1000;            // queue poll when not woken
  // A claimed attempt's lease; renewed every third of it. Another executor re-queues the run
  // once it expires, so this bounds how long a dead executor's run waits.
  int lease_seconds = 30;
  bool single_process = true;    // SQLite: at start every running run is an orphan
  std::string listen_url;        // PostgreSQL URL to LISTEN on for queued runs; empty = poll only
  // Called (on an executor thread) once a run's final status is stored; must return quickly.
  std::function<void(const std::string& org_id, const std::string& run_id)> on_finished;
  // Called once per run whose executor was lost (its lease expired, or the single process
  // restarted), after the sweep re-queued it as a new attempt or failed it. Only the process whose
  // sweep took the run calls it, so the "run.interrupted" notification goes out once.
  std::function<void(const std::string& org_id, const std::string& run_id)> on_lost;
  // Called after on_finished for a run whose measurements were anomalies against its history
  // (scheduler/run_anomaly_check.h), for the "run.anomaly" notification; must return quickly.
  std::function<void(const std::string& org_id, const std::string& run_id)> on_anomaly;
};

// The engine memory budget each run of this executor gets (see memory_per_run).
int64_t MemoryPerRun(const RunExecutorOptions& options);

class RunExecutor {
 public:
  RunExecutor(Database* db, const SecretBox* secrets, RunEvents* events, RunExecutorOptions options);
  ~RunExecutor();

  // Recovers orphaned runs, then starts the slot threads, the watch thread and the listener.
  Status Start();
  // Stops claiming; runs in flight are cancelled and handed back to the queue (a new attempt).
  void Stop();
  // Graceful stop: claims nothing more, lets runs in flight finish for up to `grace`, then Stop().
  void Drain(std::chrono::milliseconds grace);
  // A run was queued: check the queue now.
  void Wake();
  // Cancels a run executing here; false if it is not.
  bool CancelLocal(const std::string& run_id);
  int active_runs();

 private:
  enum class StopReason { kNone, kCancelled, kTimedOut, kFenced, kStopping };
  struct Active {
    std::string org_id;
    RunLease lease;
    std::atomic<bool> cancel{false};
    std::atomic<StopReason> reason{StopReason::kNone};
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
    void Stop(StopReason why) {
      StopReason none = StopReason::kNone;
      reason.compare_exchange_strong(none, why);
      cancel = true;
    }
  };
  void SlotLoop();
  void WatchLoop();
  void Sweep(bool all_running);
  void Execute(const ClaimedRun& run);

  Database* db_;
  const SecretBox* secrets_;
  RunEvents* events_;
  RunExecutorOptions options_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> draining_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  int wakeups_ = 0;
  std::map<std::string, std::shared_ptr<Active>> active_;
  std::vector<std::thread> threads_;
  std::unique_ptr<PgListener> listener_;
};

}  // namespace logidata

// RunExecutor: a bounded pool that takes queued runs from the database and executes them with the
// engine, persisting status, node progress, logs and metrics as they happen. The same class runs
// inside `logidata server` and in `logidata worker` processes; several executors may share one
// PostgreSQL queue. A heartbeat marks its runs alive; runs of executors that died are marked
// interrupted. Start/Stop from one thread; Wake and Cancel from any thread.
#pragma once

#include <atomic>
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
#include "metadata/run_store.h"
#include "scheduler/run_events.h"

namespace logidata {

struct RunExecutorOptions {
  int slots = 2;                 // runs executing at once
  int threads_per_run = 0;       // engine threads per run; 0 = all cores
  std::string worker_id;         // recorded on claimed runs
  std::string base_dir;          // without `files`: relative paths in pipeline configs resolve against it
  // The server and workers: every run is confined to its organization's files (see TenantFiles).
  std::optional<FilesPolicy> files;
  // The server and workers: where each run's connections may connect (its organization's egress
  // policy). Null = unrestricted.
  const OrgEgressPolicies* egress = nullptr;
  int poll_ms = 1000;            // queue poll when not woken
  int heartbeat_seconds = 5;
  int stale_seconds = 60;        // a running run without heartbeat this long is interrupted
  bool single_process = true;    // SQLite: at start every running run is an orphan
  // Called (on the slot thread) once a run's final status is stored; must return quickly.
  std::function<void(const std::string& org_id, const std::string& run_id)> on_finished;
};

class RunExecutor {
 public:
  RunExecutor(Database* db, const SecretBox* secrets, RunEvents* events, RunExecutorOptions options);
  ~RunExecutor();

  // Recovers orphaned runs, then starts the slot threads and the heartbeat.
  Status Start();
  // Stops claiming; runs in flight are cancelled and marked interrupted.
  void Stop();
  // A run was queued: check the queue now.
  void Wake();
  // Cancels a run executing here; false if it is not.
  bool CancelLocal(const std::string& run_id);

 private:
  struct Active {
    std::string org_id;
    std::atomic<bool> cancel{false};
  };
  void SlotLoop();
  void HeartbeatLoop();
  void Execute(const ClaimedRun& run);
  // Runs of dead executors that this one marked interrupted.
  void NotifyInterrupted(const std::vector<std::pair<std::string, std::string>>& runs);

  Database* db_;
  const SecretBox* secrets_;
  RunEvents* events_;
  RunExecutorOptions options_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  int wakeups_ = 0;
  std::map<std::string, std::shared_ptr<Active>> active_;
  std::vector<std::thread> threads_;
};

}  // namespace logidata

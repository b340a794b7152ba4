#include "scheduler/run_executor.h"

#include <chrono>
#include <random>

#include <spdlog/spdlog.h>

#include "common/log_context.h"
#include "metadata/connection_store.h"
#include "metadata/db_state_store.h"
#include "module/builtin_modules.h"
#include "pipeline/run_pipeline.h"
#include "pipeline/run_policy.h"
#include "pipeline/schema_drift.h"
#include "scheduler/run_anomaly_check.h"

namespace logidata {
namespace {

// A Unix-ms time as ISO 8601, or NULL when unset (0).
DbValue IsoOrNull(int64_t millis) { return millis > 0 ? DbValue(IsoFromUnixMillis(millis)) : DbValue(nullptr); }

nlohmann::json IsoJson(int64_t millis) { return millis > 0 ? nlohmann::json(IsoFromUnixMillis(millis)) : nlohmann::json(nullptr); }

nlohmann::json MetricsJson(const NodeMetrics& m) {
  return {{"status", NodeStatusName(m.status)}, {"rows_in", m.rows_in},     {"rows_out", m.rows_out},
          {"bytes_out", m.bytes_out},           {"wall_seconds", m.wall_seconds},
          {"peak_memory_bytes", m.peak_memory_bytes}, {"error", m.error},
          {"started_at", IsoJson(m.started_at_ms)}, {"finished_at", IsoJson(m.finished_at_ms)}};
}

std::string IsoIn(double seconds) {
  int64_t now =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  return IsoFromUnixMillis(now + static_cast<int64_t>(seconds * 1000));
}

// Persists a run's progress and logs as they happen and forwards them as events. Every write is
// fenced by the attempt's lease; the first refused one calls `fenced` (the run moved on).
class PersistingObserver final : public RunObserver {
 public:
  PersistingObserver(Database* db, RunEvents* events, std::string org_id, RunLease lease, int64_t attempt,
                     int64_t first_seq, std::function<void()> fenced)
      : db_(db), events_(events), org_id_(std::move(org_id)), lease_(std::move(lease)), attempt_(attempt),
        seq_(first_seq), fenced_(std::move(fenced)) {}

  void OnLog(LogLevel level, const std::string& node_id, const std::string& message) override {
    int64_t seq = seq_.fetch_add(1) + 1;
    std::string ts = NowIso8601();
    std::string text = message.size() > 8000 ? message.substr(0, 8000) + "…" : message;
    auto r = AppendRunLog(*db_, lease_, seq, ts, std::string(LogLevelName(level)), node_id, text);
    if (!r.ok()) spdlog::warn("run {}: cannot store log line: {}", lease_.run_id, r.status().ToString());
    if (r.ok() && !*r) {
      fenced_();
      return;  // not ours any more: say nothing to the run's watchers either
    }
    if (events_) {
      events_->Log(org_id_, lease_.run_id,
                   {{"seq", seq}, {"ts", ts}, {"level", LogLevelName(level)}, {"node_id", node_id}, {"message", text}});
    }
  }

  void OnProgress(const std::map<std::string, NodeMetrics>& nodes) override {
    auto now = std::chrono::steady_clock::now();
    {
      std::lock_guard lock(mu_);
      // Events at every tick; the database at most once a second.
      bool write = now - last_write_ > std::chrono::seconds(1);
      if (write) last_write_ = now;
      if (write) (void)Persist(nodes);
    }
    if (events_) {
      nlohmann::json map = nlohmann::json::object();
      for (const auto& [id, m] : nodes) map[id] = MetricsJson(m);
      events_->NodeProgress(org_id_, lease_.run_id, map);
    }
  }

  // Compares the sources' schemas with the pipeline's last successful run at bind time.
  void WatchSchemaDrift(std::string pipeline_id, std::string policy) {
    pipeline_id_ = std::move(pipeline_id);
    drift_policy_ = std::move(policy);
  }

  // Checks the run's measurements against its history before the loaders publish.
  void WatchAnomalies(RunAnomalyCheck* check) { anomaly_check_ = check; }

  bool WantsLoaderInput() const override { return anomaly_check_ != nullptr && anomaly_check_->enabled(); }
  void OnLoaderInput(const std::string& node_id, const Batch& batch) override { anomaly_check_->Measure(node_id, batch); }
  Status OnBeforePublish(const std::map<std::string, NodeMetrics>& nodes) override {
    if (anomaly_check_ == nullptr) return Status::OK();
    return anomaly_check_->Check(nodes, [this](const std::string& text) { OnLog(LogLevel::kWarn, "", text); });
  }

  // Records the sources' schemas and their drift with the run, logs the drift, and under the
  // "fail" policy fails the run before any data moves.
  Status OnBound(const BoundPipeline& bound) override {
    if (anomaly_check_ != nullptr) anomaly_check_->OnBound(bound);
    if (pipeline_id_.empty()) return Status::OK();
    const nlohmann::json current = SourceSchemasJson(bound);
    auto previous = PreviousSourceSchemas(*db_, org_id_, pipeline_id_);
    if (!previous.ok()) {
      // Unknown drift is not drift: the run goes on, and records its schemas for the next one.
      spdlog::warn("run {}: cannot read the previous source schemas: {}", lease_.run_id, previous.status().ToString());
    }
    const nlohmann::json drift = previous.ok() ? DiffSourceSchemas(*previous, current) : nlohmann::json::array();
    auto saved = SaveSchemaDrift(*db_, lease_, current, drift);
    if (!saved.ok()) spdlog::warn("run {}: cannot record the source schemas: {}", lease_.run_id, saved.status().ToString());
    if (drift.empty()) return Status::OK();
    const std::string text = "schema drift since the last successful run: " + DescribeSchemaDrift(drift);
    OnLog(LogLevel::kWarn, "", text + (drift_policy_ == "fail"     ? ""
                                       : drift_policy_ == "evolve" ? " (schema_drift: evolve, database targets get the new columns)"
                                                                   : " (schema_drift: ignore, the run goes on)"));
    if (drift_policy_ != "fail") return Status::OK();
    return Status::DataError(text + " (schema_drift: fail). Review the change on the run page; to accept it, run "
                                    "once with schema_drift set to ignore");
  }

  Status Persist(const std::map<std::string, NodeMetrics>& nodes) {
    for (const auto& [id, m] : nodes) {
      // One fenced statement per node: written only while the lease holds.
      auto r = db_->Query(
          "INSERT INTO node_metrics (run_id, node_id, status, rows_in, rows_out, bytes_out, wall_seconds, "
          "peak_memory_bytes, error, attempt, started_at, finished_at) SELECT id, CAST(? AS TEXT), CAST(? AS TEXT), "
          "CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS DOUBLE PRECISION), CAST(? AS BIGINT), "
          "CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS TEXT) FROM runs WHERE id = ? AND "
          "lease_token = ? AND status = 'running' ON CONFLICT (run_id, node_id) DO UPDATE SET status = "
          "excluded.status, rows_in = excluded.rows_in, rows_out = excluded.rows_out, bytes_out = excluded.bytes_out, "
          "wall_seconds = excluded.wall_seconds, peak_memory_bytes = excluded.peak_memory_bytes, error = "
          "excluded.error, attempt = excluded.attempt, started_at = excluded.started_at, finished_at = "
          "excluded.finished_at",
          {id, std::string(NodeStatusName(m.status)), m.rows_in, m.rows_out, m.bytes_out, m.wall_seconds,
           m.peak_memory_bytes, m.error, attempt_, IsoOrNull(m.started_at_ms), IsoOrNull(m.finished_at_ms),
           lease_.run_id, lease_.token});
      if (!r.ok()) return r.status();
      if (r->affected == 0) {
        fenced_();
        return Status::Conflict("run " + lease_.run_id + " was handed on: node metrics refused");
      }
    }
    return Status::OK();
  }

 private:
  Database* db_;
  RunEvents* events_;
  std::string org_id_;
  RunLease lease_;
  int64_t attempt_;
  std::atomic<int64_t> seq_;
  std::function<void()> fenced_;
  std::string pipeline_id_;   // set: compare source schemas at bind time
  std::string drift_policy_;  // ignore | fail
  RunAnomalyCheck* anomaly_check_ = nullptr;  // set: measure and check anomalies
  std::mutex mu_;
  std::chrono::steady_clock::time_point last_write_{};
};

}  // namespace

int64_t MemoryPerRun(const RunExecutorOptions& options) {
  if (options.memory_per_run > 0) return options.memory_per_run;
  return DefaultMemoryBudget() / std::max(1, options.slots);
}

RunExecutor::RunExecutor(Database* db, const SecretBox* secrets, RunEvents* events, RunExecutorOptions options)
    : db_(db), secrets_(secrets), events_(events), options_(std::move(options)) {
  options_.lease_seconds = std::max(1, options_.lease_seconds);
}

RunExecutor::~RunExecutor() { Stop(); }

Status RunExecutor::Start() {
  // A single-process store: whatever says running was left by this process's previous life.
  auto recovered = RecoverOrphanedRuns(*db_, options_.single_process,
                                       options_.single_process ? "the server stopped while the run was in progress"
                                                               : "the executor's lease expired (it stopped answering)");
  if (!recovered.ok()) return recovered.status();
  if (!recovered->empty()) spdlog::warn("recovered {} run(s) left running by a stopped executor", recovered->size());
  for (const RecoveredRun& r : *recovered) {
    if (options_.on_lost) options_.on_lost(r.org_id, r.run_id);
    if (IsFinalRunStatus(r.status) && options_.on_finished) options_.on_finished(r.org_id, r.run_id);
  }
  for (int i = 0; i < std::max(1, options_.slots); ++i) threads_.emplace_back([this] { SlotLoop(); });
  threads_.emplace_back([this] { WatchLoop(); });
  if (!options_.listen_url.empty()) {
    listener_ = std::make_unique<PgListener>(options_.listen_url, kRunQueueChannel, [this] { Wake(); });
    listener_->Start();
  }
  return Status::OK();
}

void RunExecutor::Stop() {
  if (listener_) listener_->Stop();
  if (!stopping_.exchange(true)) {
    std::lock_guard lock(mu_);
    for (auto& [id, a] : active_) a->Stop(StopReason::kStopping);
  }
  cv_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void RunExecutor::Drain(std::chrono::milliseconds grace) {
  draining_ = true;
  cv_.notify_all();
  auto until = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < until && active_runs() > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  Stop();
}

int RunExecutor::active_runs() {
  std::lock_guard lock(mu_);
  return static_cast<int>(active_.size());
}

void RunExecutor::Wake() {
  {
    std::lock_guard lock(mu_);
    ++wakeups_;
  }
  cv_.notify_one();
}

bool RunExecutor::CancelLocal(const std::string& run_id) {
  std::lock_guard lock(mu_);
  auto it = active_.find(run_id);
  if (it == active_.end()) return false;
  it->second->Stop(StopReason::kCancelled);
  return true;
}

void RunExecutor::SlotLoop() {
  while (!stopping_ && !draining_) {
    auto claimed = ClaimNextRun(*db_, options_.worker_id, options_.lease_seconds);
    if (!claimed.ok()) {
      spdlog::warn("cannot claim a queued run: {}", claimed.status().ToString());
    } else if (claimed->has_value()) {
      Execute(**claimed);
      continue;
    }
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(options_.poll_ms),
                 [&] { return stopping_ || draining_ || wakeups_ > 0; });
    if (wakeups_ > 0) --wakeups_;
  }
}

void RunExecutor::Sweep(bool all_running) {
  auto recovered = RecoverOrphanedRuns(*db_, all_running, "the executor's lease expired (it stopped answering)");
  if (!recovered.ok()) {
    spdlog::warn("orphan sweep failed: {}", recovered.status().ToString());
    return;
  }
  for (const RecoveredRun& r : *recovered) {
    spdlog::warn("run {}: its executor's lease expired; now {}", r.run_id, r.status);
    if (r.status == "retrying") Wake();
    if (options_.on_lost) options_.on_lost(r.org_id, r.run_id);
    if (IsFinalRunStatus(r.status) && options_.on_finished) options_.on_finished(r.org_id, r.run_id);
  }
}

void RunExecutor::WatchLoop() {
  using Clock = std::chrono::steady_clock;
  auto renew_every = std::chrono::milliseconds(options_.lease_seconds * 1000 / 3);
  auto next_renew = Clock::now() + renew_every;
  auto next_cancel_poll = Clock::now();
  while (!stopping_) {
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(100), [&] { return stopping_.load(); });
    }
    if (stopping_) break;
    auto now = Clock::now();
    std::vector<std::pair<std::string, std::shared_ptr<Active>>> active;
    {
      std::lock_guard lock(mu_);
      active.assign(active_.begin(), active_.end());
    }
    for (auto& [id, a] : active) {
      if (now >= a->deadline) a->Stop(StopReason::kTimedOut);
    }
    // Cancels requested through another process (the API server, a cancel_older policy): one
    // query for all of this executor's runs, twice a second, so a cancel lands well within 2 s.
    if (now >= next_cancel_poll && !active.empty()) {
      next_cancel_poll = now + std::chrono::milliseconds(500);
      auto r = db_->Query("SELECT id FROM runs WHERE worker = ? AND status = 'running' AND cancel_requested <> 0",
                          {options_.worker_id});
      if (r.ok()) {
        for (const DbRow& row : r->rows) {
          for (auto& [id, a] : active) {
            if (id == row.Str("id")) a->Stop(StopReason::kCancelled);
          }
        }
      }
    }
    if (now < next_renew) continue;
    next_renew = now + renew_every;
    for (auto& [id, a] : active) {
      auto renewed = RenewRunLease(*db_, a->lease, options_.lease_seconds);
      if (!renewed.ok()) {
        // The database is away: keep running; the lease is renewed at the next tick if it returns.
        spdlog::warn("run {}: cannot renew its lease: {}", id, renewed.status().ToString());
      } else if (!renewed->has_value()) {
        spdlog::warn("run {}: lease lost (another executor took the run over); stopping it here", id);
        a->Stop(StopReason::kFenced);
      } else if (**renewed) {
        a->Stop(StopReason::kCancelled);
      }
    }
    if (!options_.single_process) Sweep(false);
  }
}

void RunExecutor::Execute(const ClaimedRun& run) {
  ScopedLogContext log_context({.run_id = run.id, .org_id = run.org_id});  // on every line logged meanwhile
  auto active = std::make_shared<Active>();
  active->org_id = run.org_id;
  active->lease = {run.id, run.lease_token};
  Result<RunPolicy> policy = run.document.is_null() ? Result<RunPolicy>(RunPolicy{}) : ParseRunPolicy(run.document);
  RunPolicy effective = policy.ok() ? *policy : RunPolicy{};
  if (effective.timeout_seconds > 0) {
    active->deadline = std::chrono::steady_clock::now() +
                       std::chrono::milliseconds(static_cast<int64_t>(effective.timeout_seconds * 1000));
  }
  {
    std::lock_guard lock(mu_);
    active_[run.id] = active;
    if (stopping_) active->Stop(StopReason::kStopping);  // claimed while Stop() was cancelling the others
  }
  auto start = std::chrono::steady_clock::now();
  auto publish = [&] {
    if (!events_) return;
    auto json = LoadRunJson(*db_, run.org_id, run.id);
    if (json.ok()) events_->RunChanged(run.org_id, *json);
  };
  publish();

  PersistingObserver observer(db_, events_, run.org_id, active->lease, run.attempt, run.last_log_seq,
                              [active, id = run.id] {
                                // Say why the attempt ends here: the lease renewal says it when it
                                // notices first, but a refused write can come before it.
                                if (active->reason.load() == StopReason::kNone) {
                                  spdlog::warn("run {}: a write was refused (another executor took the run over); "
                                               "stopping it here", id);
                                }
                                active->Stop(StopReason::kFenced);
                              });
  observer.WatchSchemaDrift(run.pipeline_id, effective.schema_drift);
  const int64_t started_at_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  RunAnomalyCheck anomaly_check(db_, run.org_id, run.pipeline_id, active->lease, effective, started_at_ms);
  observer.WatchAnomalies(&anomaly_check);
  RunResult result;
  Result<PipelineSpec> spec = run.document.is_null() ? Result<PipelineSpec>(Status::NotFound("the pipeline was deleted"))
                                                     : ParsePipelineJson(run.document);
  DbStateStore state(db_, run.pipeline_id);
  std::unique_ptr<TenantFiles> files;
  if (spec.ok() && options_.files) {
    auto opened = TenantFiles::Open(*options_.files, run.org_id);
    if (opened.ok()) files = std::move(*opened);
    else spec = opened.status();
  }
  if (!spec.ok()) {
    result.status = spec.status();
  } else {
    DbConnectionResolver connections(db_, secrets_, run.org_id, options_.egress);
    RunOptions options;
    options.run_id = run.id;
    for (const auto& [k, v] : run.parameters.items()) options.params[k] = v.is_string() ? v.get<std::string>() : v.dump();
    options.threads = options_.threads_per_run;
    options.memory_budget_bytes = MemoryPerRun(options_);
    options.base_dir = files ? files->home() : options_.base_dir;
    if (files) {
      options.fs = files->fs();
      options.sandbox = &files->sandbox();
    }
    options.cancel = &active->cancel;
    options.connections = &connections;
    options.state = &state;
    options.observer = &observer;
    observer.OnLog(LogLevel::kInfo, "",
                   "run started (pipeline version " + std::to_string(run.pipeline_version) + ", attempt " +
                       std::to_string(run.attempt) + " of " + std::to_string(effective.retry.max_attempts) + " on " +
                       options_.worker_id + ")");
    result = RunPipeline(*spec, BuiltinModules(), options);
  }
  StopReason why = active->reason.load();
  if (result.status.ok() && why == StopReason::kNone) {
    Status committed = state.Commit();
    if (!committed.ok()) result.status = committed.WithContext("saving pipeline state");
  } else if (result.status.ok() && why != StopReason::kNone) {
    // It finished while being stopped: the stop decides (a fenced run's result is not ours to keep).
    result.status = Status::Cancelled("stopped");
  }

  // How this attempt ended, and what the run does next.
  AttemptOutcome out;
  bool retryable = false;
  if (result.status.ok()) {
    out.attempt_status = "succeeded";
  } else if (result.status.IsCancelled() && why == StopReason::kTimedOut) {
    out.attempt_status = "timed_out";
    result.status = Status::Cancelled("timed out after " + nlohmann::json(effective.timeout_seconds).dump() +
                                      " s (timeout_seconds)");
    retryable = true;
  } else if (result.timed_out && why == StopReason::kNone) {
    out.attempt_status = "timed_out";  // a node's own timeout_seconds
    retryable = true;
  } else if (result.status.IsCancelled() && why == StopReason::kStopping) {
    out.attempt_status = "handed_back";
  } else if (result.status.IsCancelled() || why == StopReason::kCancelled) {
    out.attempt_status = "cancelled";
  } else {
    out.attempt_status = "failed";
    retryable = result.status.IsUnavailable();
  }
  out.run_status = out.attempt_status;
  if (out.attempt_status == "handed_back") {
    out.run_status = "queued";
  } else if (retryable && run.attempt < effective.retry.max_attempts) {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    double wait = RetryBackoffSeconds(effective.retry, run.attempt, std::uniform_real_distribution<double>(0, 1)(rng));
    out.run_status = "retrying";
    out.not_before = IsoIn(wait);
  }
  int64_t rows = 0;
  if (spec.ok()) {
    for (const NodeSpec& n : spec->nodes) {
      auto it = result.nodes.find(n.id);
      if (n.type == "extract" && it != result.nodes.end()) rows += it->second.rows_out;
    }
  }
  out.rows_processed = rows;
  if (!result.status.ok()) {
    out.error = result.status.message();
    out.failed_node = result.failed_node;
  }
  if (why != StopReason::kFenced) {
    (void)observer.Persist(result.nodes);
    std::string line = out.run_status == "retrying"
                           ? "attempt " + std::to_string(run.attempt) + " " + out.attempt_status + " (" + out.error +
                                 "); retrying at " + out.not_before
                       : out.run_status == "queued" ? "the executor is stopping: run handed back to the queue"
                       : result.status.ok()         ? "run succeeded"
                                                    : "run " + out.run_status + ": " + out.error;
    observer.OnLog(out.run_status == "failed"      ? LogLevel::kError
                   : out.run_status == "succeeded" ? LogLevel::kInfo
                                                   : LogLevel::kWarn,
                   result.status.ok() ? "" : result.failed_node, line);
  }
  // The final write is retried until it lands or is refused. Giving up after twice the lease is
  // safe: by then the lease has expired and a sweep re-queues or fails the run.
  bool landed = false;
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(2 * options_.lease_seconds);
  for (int backoff_ms = 100;; backoff_ms = std::min(backoff_ms * 2, 2000)) {
    if (active->reason.load() == StopReason::kFenced) break;
    auto done = FinishRunAttempt(*db_, active->lease, run.attempt, out);
    if (done.ok()) {
      landed = *done;
      if (!landed) spdlog::warn("run {}: final status refused: the run was handed on or changed meanwhile", run.id);
      break;
    }
    spdlog::error("run {}: cannot store final status ({}), retrying", run.id, done.status().ToString());
    if (std::chrono::steady_clock::now() > give_up) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms));
  }
  {
    std::lock_guard lock(mu_);
    active_.erase(run.id);
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (events_) events_->Finished(landed ? out.attempt_status : "refused", seconds, landed ? rows : 0);
  if (!landed) return;
  publish();
  if (out.run_status != "queued") Wake();  // the pipeline's next run may wait for this slot
  if (IsFinalRunStatus(out.run_status) && options_.on_finished) options_.on_finished(run.org_id, run.id);
  if (anomaly_check.found_anomalies() && options_.on_anomaly) options_.on_anomaly(run.org_id, run.id);
}

}  // namespace logidata

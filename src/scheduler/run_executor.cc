#include "scheduler/run_executor.h"

#include <chrono>

#include <spdlog/spdlog.h>

#include "metadata/connection_store.h"
#include "metadata/db_state_store.h"
#include "module/builtin_modules.h"
#include "pipeline/run_pipeline.h"

namespace logidata {
namespace {

std::string_view RunStatusOf(const Status& st, bool stopping) {
  if (st.ok()) return "succeeded";
  if (st.IsCancelled()) return stopping ? "interrupted" : "cancelled";
  return "failed";
}

nlohmann::json MetricsJson(const NodeMetrics& m) {
  return {{"status", NodeStatusName(m.status)}, {"rows_in", m.rows_in},     {"rows_out", m.rows_out},
          {"bytes_out", m.bytes_out},           {"wall_seconds", m.wall_seconds},
          {"peak_memory_bytes", m.peak_memory_bytes}, {"error", m.error}};
}

// Persists a run's progress and logs as they happen and forwards them as events.
class PersistingObserver final : public RunObserver {
 public:
  PersistingObserver(Database* db, RunEvents* events, std::string org_id, std::string run_id)
      : db_(db), events_(events), org_id_(std::move(org_id)), run_id_(std::move(run_id)) {}

  void OnLog(LogLevel level, const std::string& node_id, const std::string& message) override {
    int64_t seq = seq_.fetch_add(1) + 1;
    std::string ts = NowIso8601();
    std::string text = message.size() > 8000 ? message.substr(0, 8000) + "…" : message;
    auto r = db_->Query("INSERT INTO run_logs (run_id, seq, ts, level, node_id, message) VALUES (?, ?, ?, ?, ?, ?)",
                        {run_id_, seq, ts, std::string(LogLevelName(level)), node_id, text});
    if (!r.ok()) spdlog::warn("run {}: cannot store log line: {}", run_id_, r.status().ToString());
    if (events_) {
      events_->Log(org_id_, run_id_,
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
      events_->NodeProgress(org_id_, run_id_, map);
    }
  }

  Status Persist(const std::map<std::string, NodeMetrics>& nodes) {
    return db_->Transact([&](DbConnection& c) -> Status {
      for (const auto& [id, m] : nodes) {
        auto r = c.Query(
            "INSERT INTO node_metrics (run_id, node_id, status, rows_in, rows_out, bytes_out, wall_seconds, "
            "peak_memory_bytes, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, node_id) DO UPDATE SET "
            "status = excluded.status, rows_in = excluded.rows_in, rows_out = excluded.rows_out, bytes_out = "
            "excluded.bytes_out, wall_seconds = excluded.wall_seconds, peak_memory_bytes = excluded.peak_memory_bytes, "
            "error = excluded.error",
            {run_id_, id, std::string(NodeStatusName(m.status)), m.rows_in, m.rows_out, m.bytes_out, m.wall_seconds,
             m.peak_memory_bytes, m.error});
        if (!r.ok()) return r.status();
      }
      return Status::OK();
    });
  }

 private:
  Database* db_;
  RunEvents* events_;
  std::string org_id_, run_id_;
  std::atomic<int64_t> seq_{0};
  std::mutex mu_;
  std::chrono::steady_clock::time_point last_write_{};
};

}  // namespace

RunExecutor::RunExecutor(Database* db, const SecretBox* secrets, RunEvents* events, RunExecutorOptions options)
    : db_(db), secrets_(secrets), events_(events), options_(std::move(options)) {}

RunExecutor::~RunExecutor() { Stop(); }

Status RunExecutor::Start() {
  std::string stale;
  if (!options_.single_process) {
    stale = IsoFromUnixMillis(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count() -
        int64_t{options_.stale_seconds} * 1000);
  }
  std::vector<std::pair<std::string, std::string>> orphans;
  LD_ASSIGN_OR_RETURN(int64_t interrupted, InterruptOrphanedRuns(*db_, stale, &orphans));
  if (interrupted > 0) spdlog::warn("marked {} run(s) left running by a stopped server as interrupted", interrupted);
  NotifyInterrupted(orphans);
  for (int i = 0; i < std::max(1, options_.slots); ++i) threads_.emplace_back([this] { SlotLoop(); });
  threads_.emplace_back([this] { HeartbeatLoop(); });
  return Status::OK();
}

void RunExecutor::Stop() {
  if (stopping_.exchange(true)) {
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
    return;
  }
  {
    std::lock_guard lock(mu_);
    for (auto& [id, a] : active_) a->cancel = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void RunExecutor::NotifyInterrupted(const std::vector<std::pair<std::string, std::string>>& runs) {
  if (!options_.on_finished) return;
  for (const auto& run : runs) options_.on_finished(run.first, run.second);
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
  it->second->cancel = true;
  return true;
}

void RunExecutor::SlotLoop() {
  while (!stopping_) {
    auto claimed = ClaimNextRun(*db_, options_.worker_id);
    if (!claimed.ok()) {
      spdlog::warn("cannot claim a queued run: {}", claimed.status().ToString());
    } else if (claimed->has_value()) {
      Execute(**claimed);
      continue;
    }
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(options_.poll_ms), [&] { return stopping_ || wakeups_ > 0; });
    if (wakeups_ > 0) --wakeups_;
  }
}

void RunExecutor::HeartbeatLoop() {
  auto next = std::chrono::steady_clock::now();
  while (!stopping_) {
    {
      std::unique_lock lock(mu_);
      cv_.wait_until(lock, next, [&] { return stopping_.load(); });
    }
    if (stopping_) break;
    next = std::chrono::steady_clock::now() + std::chrono::seconds(options_.heartbeat_seconds);
    std::vector<std::pair<std::string, std::shared_ptr<Active>>> active;
    {
      std::lock_guard lock(mu_);
      active.assign(active_.begin(), active_.end());
    }
    for (auto& [id, a] : active) {
      (void)db_->Query("UPDATE runs SET heartbeat_at = ? WHERE id = ?", {NowIso8601(), id});
      // A cancel may have been requested through another server process.
      auto r = db_->Query("SELECT cancel_requested FROM runs WHERE id = ?", {id});
      if (r.ok() && !r->rows.empty() && r->rows[0].Int("cancel_requested") != 0) a->cancel = true;
    }
    if (!options_.single_process) {
      std::string stale = IsoFromUnixMillis(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                std::chrono::system_clock::now().time_since_epoch())
                                                .count() -
                                            int64_t{options_.stale_seconds} * 1000);
      std::vector<std::pair<std::string, std::string>> orphans;
      (void)InterruptOrphanedRuns(*db_, stale, &orphans);
      NotifyInterrupted(orphans);
    }
  }
}

void RunExecutor::Execute(const ClaimedRun& run) {
  auto active = std::make_shared<Active>();
  active->org_id = run.org_id;
  {
    std::lock_guard lock(mu_);
    active_[run.id] = active;
    if (stopping_) active->cancel = true;  // claimed while Stop() was cancelling the others
  }
  auto start = std::chrono::steady_clock::now();
  auto publish = [&] {
    if (!events_) return;
    auto json = LoadRunJson(*db_, run.org_id, run.id);
    if (json.ok()) events_->RunChanged(run.org_id, *json);
  };
  publish();

  PersistingObserver observer(db_, events_, run.org_id, run.id);
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
    options.base_dir = files ? files->home() : options_.base_dir;
    if (files) {
      options.fs = files->fs();
      options.sandbox = &files->sandbox();
    }
    options.cancel = &active->cancel;
    options.connections = &connections;
    options.state = &state;
    options.observer = &observer;
    observer.OnLog(LogLevel::kInfo, "", "run started (pipeline version " + std::to_string(run.pipeline_version) + ")");
    result = RunPipeline(*spec, BuiltinModules(), options);
  }
  if (result.status.ok()) {
    Status committed = state.Commit();
    if (!committed.ok()) result.status = committed.WithContext("saving pipeline state");
  }
  std::string status(RunStatusOf(result.status, stopping_));
  int64_t rows = 0;
  if (spec.ok()) {
    for (const NodeSpec& n : spec->nodes) {
      auto it = result.nodes.find(n.id);
      if (n.type == "extract" && it != result.nodes.end()) rows += it->second.rows_out;
    }
  }
  (void)observer.Persist(result.nodes);
  if (!result.status.ok()) {
    observer.OnLog(status == "failed" ? LogLevel::kError : LogLevel::kWarn, result.failed_node,
                   "run " + status + ": " + result.status.message());
  } else {
    observer.OnLog(LogLevel::kInfo, "", "run succeeded");
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto done = db_->Query(
      "UPDATE runs SET status = ?, finished_at = ?, error = ?, failed_node = ?, rows_processed = ? WHERE id = ?",
      {status, NowIso8601(), result.status.ok() ? DbValue(nullptr) : DbValue(result.status.message()),
       result.failed_node.empty() ? DbValue(nullptr) : DbValue(result.failed_node), rows, run.id});
  if (!done.ok()) spdlog::error("run {}: cannot store final status: {}", run.id, done.status().ToString());
  {
    std::lock_guard lock(mu_);
    active_.erase(run.id);
  }
  if (events_) events_->Finished(status, seconds, rows);
  publish();
  if (done.ok() && options_.on_finished) options_.on_finished(run.org_id, run.id);
}

}  // namespace logidata

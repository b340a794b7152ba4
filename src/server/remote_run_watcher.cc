#include "server/remote_run_watcher.h"

#include <set>

#include <spdlog/spdlog.h>

#include "metadata/run_store.h"

namespace logidata {

void RemoteRunWatcher::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void RemoteRunWatcher::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RemoteRunWatcher::Loop() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      if (cv_.wait_for(lock, interval_, [&] { return stopping_; })) return;
    }
    if (!hub_->HasSubscribers()) {
      seen_.clear();  // nobody listens: start afresh when somebody does
      published_.clear();
      continue;
    }
    Poll();
  }
}

void RemoteRunWatcher::Poll() {
  auto now = std::chrono::steady_clock::now();
  int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  // Runs in flight elsewhere, plus runs that ended lately: a run may start and end between polls.
  auto r = db_->Query(
      "SELECT id, org_id, status FROM runs WHERE (status = 'running' OR (finished_at IS NOT NULL AND finished_at >= ?)) "
      "AND (worker IS NULL OR worker <> ?)",
      {IsoFromUnixMillis(now_ms - 10000), local_worker_});
  if (!r.ok()) {
    spdlog::warn("cannot poll runs executed elsewhere: {}", r.status().ToString());
    return;
  }
  std::set<std::string> running;
  std::map<std::string, std::string> ended;  // id → org id
  for (const DbRow& row : r->rows) {
    const std::string& id = row.Str("id");
    if (row.Str("status") != "running") {
      ended[id] = row.Str("org_id");
      continue;
    }
    running.insert(id);
    auto [it, fresh] = seen_.try_emplace(id);
    if (fresh) it->second.org_id = row.Str("org_id");
    Forward(id, it->second, false);
  }
  // Runs that left the running state since the last poll: publish their final state once.
  for (auto it = seen_.begin(); it != seen_.end();) {
    if (running.count(it->first)) {
      ++it;
      continue;
    }
    Forward(it->first, it->second, true);
    published_[it->first] = now;
    it = seen_.erase(it);
  }
  // Runs that ended without ever being seen running.
  for (const auto& [id, org_id] : ended) {
    if (published_.count(id)) continue;
    Seen once;
    once.org_id = org_id;
    Forward(id, once, true);
    published_[id] = now;
  }
  for (auto it = published_.begin(); it != published_.end();) {
    it = now - it->second > std::chrono::seconds(30) ? published_.erase(it) : std::next(it);
  }
}

void RemoteRunWatcher::Forward(const std::string& run_id, Seen& seen, bool final) {
  // Subscribers see a run in the order it happened: "running" before its first progress and
  // logs, the final status after the last ones, even when one poll finds all of them.
  if (!final) ForwardStatus(run_id, seen, false);
  ForwardProgressAndLogs(run_id, seen);
  if (final) ForwardStatus(run_id, seen, true);
}

void RemoteRunWatcher::ForwardProgressAndLogs(const std::string& run_id, Seen& seen) {
  // Progress and logs only for runs somebody watches; status changes also feed the run lists.
  if (hub_->HasSubscribers("run:" + run_id)) {
    auto nodes = LoadNodeMetricsJson(*db_, run_id);
    if (nodes.ok() && !nodes->empty()) {
      const nlohmann::json& map = *nodes;
      std::string text = map.dump();
      if (text != seen.nodes) {
        seen.nodes = std::move(text);
        events_->NodeProgress(seen.org_id, run_id, map);
      }
    }
    auto logs = db_->Query("SELECT seq, ts, level, node_id, message FROM run_logs WHERE run_id = ? AND seq > ? ORDER BY "
                           "seq LIMIT 500",
                           {run_id, seen.log_seq});
    if (logs.ok()) {
      for (const DbRow& l : logs->rows) {
        seen.log_seq = l.Int("seq");
        events_->Log(seen.org_id, run_id,
                     {{"seq", l.Int("seq")},
                      {"ts", l.Str("ts")},
                      {"level", l.Str("level")},
                      {"node_id", l.Str("node_id")},
                      {"message", l.Str("message")}});
      }
    }
  }
}

void RemoteRunWatcher::ForwardStatus(const std::string& run_id, Seen& seen, bool final) {
  // While it runs, the status column alone says whether anything changed: load the run only then.
  if (!final && seen.status == "running") return;
  auto run = LoadRunJson(*db_, seen.org_id, run_id);
  if (!run.ok()) return;
  std::string status = run->value("status", "");
  if (status != seen.status || final) {
    seen.status = status;
    events_->RunChanged(seen.org_id, *run);
  }
}

}  // namespace logidata

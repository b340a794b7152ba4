// ScheduleTrigger: the scheduler thread. Each pass, if this process is the schedule leader
// (SchedulerLeader), it
//  - queues the runs of every cron schedule that came due, per the schedule's catch-up policy,
//    each run carrying the schedule's default parameters plus interval_start / interval_end;
//  - queues the followers of pipelines whose runs succeeded (on_success triggers, same
//    organization only);
//  - every kRetentionPassSeconds, purges run data older than each organization's retention
//    (metadata/retention_store.h).
// Moving next_fire_at (a compare-and-set) and inserting the fire's runs happen in ONE
// transaction, so a crash between them cannot lose a fire and two servers cannot both fire it.
// Start/Stop from one thread; FireDue may be called directly (tests).
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "metadata/database.h"
#include "metadata/retention_store.h"
#include "scheduler/scheduler_leader.h"

namespace logidata {

class ScheduleTrigger {
 public:
  // `on_queued(org_id, run_json)` is called after each queued run (wakes executors, notifies).
  // `database_url`: the PostgreSQL URL the leader lock is taken on ("" = in-process leader).
  ScheduleTrigger(Database* db, std::function<void(const std::string&, const nlohmann::json&)> on_queued,
                  int interval_ms = 1000, std::string database_url = "");
  ~ScheduleTrigger();
  void Start();
  void Stop();
  // One pass over due schedules and on-success triggers at `now`; returns how many runs were
  // queued (0 when another process leads).
  Result<int> FireDue(int64_t now_unix_seconds);
  // The retention purge at `now`, if this process leads (zero counts otherwise).
  Result<PurgeCounts> PurgeRetention(int64_t now_unix_seconds);

  static constexpr int64_t kRetentionPassSeconds = 600;

 private:
  Result<int> FireSchedules(int64_t now);
  Result<int> FireFollowers(int64_t now);
  void Queued(const std::string& org_id, const std::string& run_id);

  Database* db_;
  std::function<void(const std::string&, const nlohmann::json&)> on_queued_;
  int interval_ms_;
  int64_t last_retention_pass_ = 0;  // scheduler thread only
  SchedulerLeader leader_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread thread_;
};

}  // namespace logidata

// ScheduleTrigger: a thread that queues a run for every pipeline whose cron schedule came due.
// Each firing moves the pipeline's next_fire_at with a compare-and-set, so with several servers on
// one database a schedule still fires once. Start/Stop from one thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "metadata/database.h"

namespace logidata {

class ScheduleTrigger {
 public:
  // `on_queued(org_id, run_json)` is called after each queued run (wakes executors, notifies).
  ScheduleTrigger(Database* db, std::function<void(const std::string&, const nlohmann::json&)> on_queued,
                  int interval_ms = 1000);
  ~ScheduleTrigger();
  void Start();
  void Stop();
  // One pass over due schedules at `now_unix_seconds`; returns how many runs were queued.
  Result<int> FireDue(int64_t now_unix_seconds);

 private:
  Database* db_;
  std::function<void(const std::string&, const nlohmann::json&)> on_queued_;
  int interval_ms_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread thread_;
};

}  // namespace logidata

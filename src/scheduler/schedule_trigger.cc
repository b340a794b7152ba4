#include "scheduler/schedule_trigger.h"

#include <spdlog/spdlog.h>

#include "auth/jwt.h"
#include "metadata/run_store.h"
#include "scheduler/pipeline_schedule.h"

namespace logidata {

ScheduleTrigger::ScheduleTrigger(Database* db, std::function<void(const std::string&, const nlohmann::json&)> on_queued,
                                 int interval_ms)
    : db_(db), on_queued_(std::move(on_queued)), interval_ms_(interval_ms) {}

ScheduleTrigger::~ScheduleTrigger() { Stop(); }

void ScheduleTrigger::Start() {
  thread_ = std::thread([this] {
    while (!stopping_) {
      auto fired = FireDue(UnixNowSeconds());
      if (!fired.ok()) spdlog::warn("schedule check failed: {}", fired.status().ToString());
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(interval_ms_), [&] { return stopping_.load(); });
    }
  });
}

void ScheduleTrigger::Stop() {
  stopping_ = true;
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Result<int> ScheduleTrigger::FireDue(int64_t now) {
  std::string now_iso = IsoFromUnixMillis(now * 1000);
  auto due = db_->Query(
      "SELECT id, org_id, version, schedule_cron, schedule_tz, next_fire_at FROM pipelines WHERE schedule_enabled = 1 "
      "AND next_fire_at IS NOT NULL AND next_fire_at <= ? ORDER BY next_fire_at LIMIT 100",
      {now_iso});
  if (!due.ok()) return due.status();
  int queued = 0;
  for (const DbRow& p : due->rows) {
    auto next = NextFireTime(p.Str("schedule_cron"), p.Str("schedule_tz"), now);
    DbValue next_value = nullptr;
    if (next.ok() && next->has_value()) next_value = IsoFromUnixMillis(**next * 1000);
    auto moved = db_->Query("UPDATE pipelines SET next_fire_at = ? WHERE id = ? AND next_fire_at = ?",
                            {next_value, p.Str("id"), p.Str("next_fire_at")});
    if (!moved.ok()) return moved.status();
    if (moved->affected != 1) continue;  // another server fired it
    NewRun run;
    run.org_id = p.Str("org_id");
    run.pipeline_id = p.Str("id");
    run.pipeline_version = p.Int("version");
    run.trigger = "schedule";
    auto created = CreateRun(*db_, run, "system");
    if (!created.ok()) return created.status();
    ++queued;
    if (on_queued_) on_queued_(run.org_id, *created);
  }
  return queued;
}

}  // namespace logidata

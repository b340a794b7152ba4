#include "scheduler/schedule_trigger.h"

#include <spdlog/spdlog.h>

#include "auth/jwt.h"
#include "common/json_text.h"
#include "metadata/run_store.h"
#include "scheduler/pipeline_schedule.h"

namespace logidata {

ScheduleTrigger::ScheduleTrigger(Database* db, std::function<void(const std::string&, const nlohmann::json&)> on_queued,
                                 int interval_ms, std::string database_url)
    : db_(db), on_queued_(std::move(on_queued)), interval_ms_(interval_ms), leader_(std::move(database_url)) {}

ScheduleTrigger::~ScheduleTrigger() { Stop(); }

void ScheduleTrigger::Start() {
  thread_ = std::thread([this] {
    while (!stopping_) {
      const int64_t now = UnixNowSeconds();
      auto fired = FireDue(now);
      if (!fired.ok()) spdlog::warn("schedule check failed: {}", fired.status().ToString());
      if (now - last_retention_pass_ >= kRetentionPassSeconds) {
        last_retention_pass_ = now;
        auto purged = PurgeRetention(now);
        if (!purged.ok()) {
          spdlog::warn("retention purge failed: {}", purged.status().ToString());
        } else if (purged->runs > 0 || purged->previews > 0) {
          spdlog::info("retention: purged the logs and metrics of {} runs and {} previews", purged->runs,
                       purged->previews);
        }
      }
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

void ScheduleTrigger::Queued(const std::string& org_id, const std::string& run_id) {
  if (!on_queued_) return;
  auto run = LoadRunJson(*db_, org_id, run_id);
  if (run.ok()) on_queued_(org_id, *run);
}

Result<int> ScheduleTrigger::FireDue(int64_t now) {
  if (!leader_.Check()) return 0;
  LD_ASSIGN_OR_RETURN(int scheduled, FireSchedules(now));
  LD_ASSIGN_OR_RETURN(int followers, FireFollowers(now));
  return scheduled + followers;
}

Result<PurgeCounts> ScheduleTrigger::PurgeRetention(int64_t now) {
  if (!leader_.Check()) return PurgeCounts{};
  return PurgeExpiredRunData(*db_, now);
}

Result<int> ScheduleTrigger::FireSchedules(int64_t now) {
  std::string now_iso = IsoFromUnixMillis(now * 1000);
  auto due = db_->Query(
      "SELECT id, org_id, version, document, schedule_cron, schedule_tz, next_fire_at FROM pipelines WHERE "
      "schedule_enabled = 1 AND next_fire_at IS NOT NULL AND next_fire_at <= ? ORDER BY next_fire_at LIMIT 100",
      {now_iso});
  if (!due.ok()) return due.status();
  int queued = 0;
  for (const DbRow& p : due->rows) {
    // The document carries the policy and default parameters; the columns are what was indexed.
    PipelineSchedule schedule;
    nlohmann::json doc = ParseJsonOrDiscarded(p.Str("document"));
    auto parsed = ScheduleOfDocument(doc.is_discarded() ? nlohmann::json() : doc, now);
    if (parsed.ok() && parsed->has_value()) schedule = **parsed;
    schedule.cron = p.Str("schedule_cron");
    schedule.timezone = p.Str("schedule_tz").empty() ? "UTC" : p.Str("schedule_tz");
    auto due_ms = UnixMillisFromIso(p.Str("next_fire_at"));
    if (!due_ms.ok()) return due_ms.status();
    std::optional<int64_t> next;
    auto fires = FiresToQueue(schedule, *due_ms / 1000, now, &next);
    DbValue next_value = nullptr;
    std::vector<FireInterval> intervals;
    if (fires.ok()) {
      intervals = std::move(fires).value();
      if (next) next_value = IsoFromUnixMillis(*next * 1000);
    } else {
      // A schedule that no longer parses stops firing instead of failing every pass.
      spdlog::warn("pipeline {}: schedule disabled: {}", p.Str("id"), fires.status().ToString());
    }
    std::vector<std::string> run_ids;
    bool moved = false;
    Status st = db_->Transact([&](DbConnection& c) -> Status {
      run_ids.clear();
      auto upd = c.Query("UPDATE pipelines SET next_fire_at = ? WHERE id = ? AND next_fire_at = ?",
                         {next_value, p.Str("id"), p.Str("next_fire_at")});
      if (!upd.ok()) return upd.status();
      moved = upd->affected == 1;
      if (!moved) return Status::OK();  // another server fired it
      for (const FireInterval& interval : intervals) {
        NewRun run;
        run.org_id = p.Str("org_id");
        run.pipeline_id = p.Str("id");
        run.pipeline_version = p.Int("version");
        run.trigger = "schedule";
        run.parameters = FireParameters(schedule.parameters, interval);
        LD_ASSIGN_OR_RETURN(std::string id, CreateRunIn(c, run, "system"));
        run_ids.push_back(id);
      }
      return Status::OK();
    });
    LD_RETURN_IF_ERROR(st);
    if (moved && intervals.empty() && fires.ok()) {
      spdlog::info("pipeline {}: missed fires skipped (catchup: {})", p.Str("id"), CatchupName(schedule.catchup));
    }
    for (const std::string& id : run_ids) {
      ++queued;
      Queued(p.Str("org_id"), id);
    }
  }
  return queued;
}

Result<int> ScheduleTrigger::FireFollowers(int64_t now) {
  // Successes of the last day whose followers have not fired; the trigger_fires key makes each
  // (trigger, source run) fire once, whoever inserts it first.
  std::string since = IsoFromUnixMillis((now - 86400) * 1000);
  auto pending = db_->Query(
      "SELECT r.id AS source_run_id, t.id AS trigger_id, t.org_id, t.pipeline_id, t.parameters, p.version FROM runs r "
      "JOIN pipeline_triggers t ON t.kind = 'on_success' AND t.upstream_pipeline_id = r.pipeline_id AND t.org_id = "
      "r.org_id JOIN pipelines p ON p.id = t.pipeline_id AND p.org_id = t.org_id WHERE r.status = 'succeeded' AND "
      "r.finished_at >= t.created_at AND r.finished_at >= ? AND NOT EXISTS (SELECT 1 FROM trigger_fires f WHERE "
      "f.trigger_id = t.id AND f.source_run_id = r.id) ORDER BY r.finished_at LIMIT 100",
      {since});
  if (!pending.ok()) return pending.status();
  int queued = 0;
  for (const DbRow& row : pending->rows) {
    std::string run_id;
    bool fired = false;
    Status st = db_->Transact([&](DbConnection& c) -> Status {
      NewRun run;
      run.org_id = row.Str("org_id");
      run.pipeline_id = row.Str("pipeline_id");
      run.pipeline_version = row.Int("version");
      run.trigger = "pipeline";
      nlohmann::json params = ParseJsonOrDiscarded(row.Str("parameters"));
      run.parameters = params.is_object() ? params : nlohmann::json::object();
      run.parameters["upstream_run_id"] = row.Str("source_run_id");
      LD_ASSIGN_OR_RETURN(run_id, CreateRunIn(c, run, "system"));
      auto mark = c.Query(
          "INSERT INTO trigger_fires (trigger_id, source_run_id, run_id, created_at) VALUES (?, ?, ?, ?)",
          {row.Str("trigger_id"), row.Str("source_run_id"), run_id, NowIso8601()});
      if (!mark.ok()) return mark.status();
      fired = true;
      return Status::OK();
    });
    if (st.code() == StatusCode::kAlreadyExists) continue;  // fired by another server meanwhile
    LD_RETURN_IF_ERROR(st);
    if (fired) {
      ++queued;
      Queued(row.Str("org_id"), run_id);
    }
  }
  return queued;
}

}  // namespace logidata

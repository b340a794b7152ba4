#include "scheduler/pipeline_schedule.h"

#include "scheduler/cron_expression.h"
#include "scheduler/time_zone.h"

namespace logidata {

Result<std::optional<int64_t>> NextFireTime(const std::string& cron, const std::string& timezone, int64_t after) {
  auto expr = CronExpression::Parse(cron);
  if (!expr.ok()) return Status::InvalidArgument("/schedule/cron: " + expr.status().message());
  auto zone = TimeZone::Load(timezone);
  if (!zone.ok()) return Status::InvalidArgument("/schedule/timezone: " + zone.status().message());
  return expr->Next(after, **zone);
}

Result<std::optional<PipelineSchedule>> ScheduleOfDocument(const nlohmann::json& doc, int64_t now) {
  if (!doc.is_object()) return std::optional<PipelineSchedule>();
  auto it = doc.find("schedule");
  if (it == doc.end() || it->is_null()) return std::optional<PipelineSchedule>();
  const nlohmann::json& s = *it;
  if (!s.is_object()) return Status::InvalidArgument("/schedule: must be an object or null");
  PipelineSchedule out;
  if (!s.contains("cron") || !s["cron"].is_string()) return Status::InvalidArgument("/schedule/cron: is required");
  out.cron = s["cron"].get<std::string>();
  if (s.contains("timezone") && !s["timezone"].is_null()) {
    if (!s["timezone"].is_string()) return Status::InvalidArgument("/schedule/timezone: must be a string");
    out.timezone = s["timezone"].get<std::string>();
    if (out.timezone.empty()) out.timezone = "UTC";
  }
  if (s.contains("enabled")) {
    if (!s["enabled"].is_boolean()) return Status::InvalidArgument("/schedule/enabled: must be true or false");
    out.enabled = s["enabled"].get<bool>();
  }
  LD_ASSIGN_OR_RETURN(std::optional<int64_t> next, NextFireTime(out.cron, out.timezone, now));
  if (out.enabled) out.next_fire = next;
  return std::optional<PipelineSchedule>(out);
}

}  // namespace logidata

#include "scheduler/pipeline_schedule.h"

#include <algorithm>
#include <ctime>

#include "scheduler/cron_expression.h"
#include "scheduler/time_zone.h"

namespace logidata {
namespace {

struct Compiled {
  CronExpression expr;
  std::shared_ptr<const TimeZone> zone;
};

Result<Compiled> Compile(const std::string& cron, const std::string& timezone) {
  auto expr = CronExpression::Parse(cron);
  if (!expr.ok()) return Status::InvalidArgument("/schedule/cron: " + expr.status().message());
  auto zone = TimeZone::Load(timezone);
  if (!zone.ok()) return Status::InvalidArgument("/schedule/timezone: " + zone.status().message());
  return Compiled{*expr, *zone};
}

// The latest tick strictly before `before`. The search window grows by 4x from one hour, so a
// minutely cron costs ~60 steps and a yearly one a handful of windows.
std::optional<int64_t> Previous(const Compiled& c, int64_t before) {
  constexpr int64_t kLimit = int64_t{6} * 366 * 86400;
  for (int64_t window = 3600; window <= kLimit * 4; window *= 4) {
    std::optional<int64_t> t = c.expr.Next(before - window - 1, *c.zone);
    if (!t || *t >= before) continue;
    int64_t last = *t;
    while (true) {
      std::optional<int64_t> n = c.expr.Next(last, *c.zone);
      if (!n || *n >= before) break;
      last = *n;
    }
    return last;
  }
  return std::nullopt;
}

std::string IsoSeconds(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

const char* CatchupName(CatchupPolicy policy) {
  switch (policy) {
    case CatchupPolicy::kNone: return "none";
    case CatchupPolicy::kLatest: return "latest";
    case CatchupPolicy::kAll: return "all";
  }
  return "latest";
}

Result<std::optional<int64_t>> NextFireTime(const std::string& cron, const std::string& timezone, int64_t after) {
  LD_ASSIGN_OR_RETURN(Compiled c, Compile(cron, timezone));
  return c.expr.Next(after, *c.zone);
}

Result<std::optional<int64_t>> PreviousFireTime(const std::string& cron, const std::string& timezone, int64_t before) {
  LD_ASSIGN_OR_RETURN(Compiled c, Compile(cron, timezone));
  return Previous(c, before);
}

Result<std::vector<FireInterval>> FiresToQueue(const PipelineSchedule& schedule, int64_t due, int64_t now,
                                               std::optional<int64_t>* next) {
  LD_ASSIGN_OR_RETURN(Compiled c, Compile(schedule.cron, schedule.timezone));
  *next = c.expr.Next(now, *c.zone);
  std::vector<int64_t> ticks;  // newest first
  std::optional<int64_t> t = Previous(c, now + 1);
  while (t && *t >= due && static_cast<int>(ticks.size()) < kMaxCatchupFires) {
    ticks.push_back(*t);
    if (schedule.catchup != CatchupPolicy::kAll) break;
    t = Previous(c, *t);
  }
  if (schedule.catchup == CatchupPolicy::kNone && !ticks.empty() && now - ticks[0] > kCatchupGraceSeconds) {
    ticks.clear();  // missed during downtime: skipped by policy
  }
  std::reverse(ticks.begin(), ticks.end());
  std::vector<FireInterval> out;
  for (size_t i = 0; i < ticks.size(); ++i) {
    int64_t start;
    if (i > 0) {
      start = ticks[i - 1];
    } else {
      std::optional<int64_t> prev = Previous(c, ticks[0]);
      start = prev ? *prev : ticks[0];
    }
    out.push_back({start, ticks[i]});
  }
  return out;
}

Result<std::vector<FireInterval>> BackfillIntervals(const std::string& cron, const std::string& timezone, int64_t from,
                                                    int64_t to, int max_runs) {
  if (from >= to) return Status::InvalidArgument("/end: must be after /start");
  LD_ASSIGN_OR_RETURN(Compiled c, Compile(cron, timezone));
  std::vector<FireInterval> out;
  std::optional<int64_t> t = c.expr.Next(from - 1, *c.zone);
  while (t) {
    std::optional<int64_t> n = c.expr.Next(*t, *c.zone);
    if (!n || *n > to) break;
    if (static_cast<int>(out.size()) >= max_runs) {
      return Status::InvalidArgument("/end: the range holds more than " + std::to_string(max_runs) +
                                     " schedule intervals; split the backfill");
    }
    out.push_back({*t, *n});
    t = n;
  }
  return out;
}

nlohmann::json FireParameters(const nlohmann::json& defaults, const FireInterval& interval) {
  nlohmann::json p = defaults.is_object() ? defaults : nlohmann::json::object();
  p["interval_start"] = IsoSeconds(interval.start);
  p["interval_end"] = IsoSeconds(interval.end);
  return p;
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
  if (s.contains("catchup") && !s["catchup"].is_null()) {
    std::string v = s["catchup"].is_string() ? s["catchup"].get<std::string>() : "";
    if (v == "none") out.catchup = CatchupPolicy::kNone;
    else if (v == "latest") out.catchup = CatchupPolicy::kLatest;
    else if (v == "all") out.catchup = CatchupPolicy::kAll;
    else return Status::InvalidArgument("/schedule/catchup: must be \"none\", \"latest\" or \"all\"");
  }
  if (s.contains("parameters") && !s["parameters"].is_null()) {
    const nlohmann::json& p = s["parameters"];
    if (!p.is_object()) return Status::InvalidArgument("/schedule/parameters: must be an object");
    for (const auto& [name, value] : p.items()) {
      if (value.is_object() || value.is_array()) {
        return Status::InvalidArgument("/schedule/parameters/" + name + ": must be a string, number or boolean");
      }
    }
    out.parameters = p;
  }
  LD_ASSIGN_OR_RETURN(std::optional<int64_t> next, NextFireTime(out.cron, out.timezone, now));
  if (out.enabled) out.next_fire = next;
  return std::optional<PipelineSchedule>(out);
}

}  // namespace logidata

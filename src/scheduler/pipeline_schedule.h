// The schedule block of a pipeline document ({"cron", "timezone", "enabled"}) checked and turned
// into the next firing time. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace logidata {

struct PipelineSchedule {
  std::string cron;
  std::string timezone = "UTC";
  bool enabled = true;
  std::optional<int64_t> next_fire;  // unix seconds; nullopt when disabled or never
};

// nullopt when the document has no schedule. InvalidArgument names "/schedule/cron" or
// "/schedule/timezone".
Result<std::optional<PipelineSchedule>> ScheduleOfDocument(const nlohmann::json& doc, int64_t now_unix_seconds);

// Next firing strictly after `after` (unix seconds); nullopt if the expression never fires.
Result<std::optional<int64_t>> NextFireTime(const std::string& cron, const std::string& timezone, int64_t after);

}  // namespace logidata

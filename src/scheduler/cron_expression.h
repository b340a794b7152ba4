// CronExpression: a classic 5-field cron schedule ("minute hour day-of-month month day-of-week")
// with lists, ranges, steps, month and weekday names, 7 = Sunday, and the @hourly/@daily/@weekly/
// @monthly/@yearly (@annually) macros, evaluated in a time zone. When both day fields are
// restricted a day matches if either does (Vixie cron). Local times skipped by a daylight-saving
// jump never fire; repeated local times fire once (the first). Immutable; thread-safe.
#pragma once

#include <bitset>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/result.h"
#include "scheduler/time_zone.h"

namespace logidata {

class CronExpression {
 public:
  // InvalidArgument names the field: "field 2 (hour): 24 is out of range 0-23".
  static Result<CronExpression> Parse(std::string_view text);

  // The first firing instant strictly after `after_unix_seconds`, in UTC seconds, or nullopt if
  // none within ~5 years (e.g. "0 0 30 2 *").
  std::optional<int64_t> Next(int64_t after_unix_seconds, const TimeZone& zone) const;

  bool Matches(int minute, int hour, int day, int month, int weekday) const;

 private:
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;     // 1..31
  std::bitset<13> months_;   // 1..12
  std::bitset<7> weekdays_;  // 0 = Sunday
  bool day_restricted_ = false;
  bool weekday_restricted_ = false;
};

}  // namespace logidata

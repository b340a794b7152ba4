// TimeZone: UTC offsets of an IANA zone ("Europe/Paris") read from the system's TZif files
// (/usr/share/zoneinfo), so schedules follow daylight-saving changes. Past the file's last
// transition the zone's POSIX rule (TZif footer, e.g. "CET-1CEST,M3.5.0,M10.5.0/3") is applied.
// Immutable after loading; thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"

namespace logidata {

class TimeZone {
 public:
  // "UTC" (and "" and "Etc/UTC") need no file. NotFound / InvalidArgument name the zone.
  static Result<std::shared_ptr<const TimeZone>> Load(const std::string& name);

  // Seconds east of UTC at the instant `unix_seconds`.
  int32_t OffsetAt(int64_t unix_seconds) const;
  const std::string& name() const { return name_; }

 private:
  struct Rule;  // POSIX TZ rule
  int32_t RuleOffset(int64_t unix_seconds) const;

  std::string name_;
  std::vector<int64_t> transitions_;   // unix seconds, ascending
  std::vector<int32_t> offsets_after_; // offset in force from transitions_[i]
  int32_t initial_offset_ = 0;
  std::shared_ptr<Rule> rule_;
};

}  // namespace logidata

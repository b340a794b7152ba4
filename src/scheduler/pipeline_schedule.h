// The schedule block of a pipeline document ({"cron", "timezone", "enabled", "catchup",
// "parameters"}) checked and turned into firing times, the data interval of each fire, the fires
// a pass must queue after downtime (catch-up policy) and the intervals of a backfill.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace logidata {

// What a scheduler that was down does with the fires it missed.
enum class CatchupPolicy {
  kNone,    // skip them; only fires due within the grace period run
  kLatest,  // one run, for the most recent missed fire (the default)
  kAll,     // one run per missed fire, the most recent kMaxCatchupFires at most
};

inline constexpr int kMaxCatchupFires = 100;
// A fire at most this late counts as on time (a busy scheduler pass), not as missed.
inline constexpr int64_t kCatchupGraceSeconds = 60;
// The most runs one backfill request may queue.
inline constexpr int kMaxBackfillRuns = 1000;

struct PipelineSchedule {
  std::string cron;
  std::string timezone = "UTC";
  bool enabled = true;
  CatchupPolicy catchup = CatchupPolicy::kLatest;
  nlohmann::json parameters = nlohmann::json::object();  // defaults of scheduled runs
  std::optional<int64_t> next_fire;  // unix seconds; nullopt when disabled or never
};

// A fire's data interval [start, end): a fire at T covers the period since the previous tick.
struct FireInterval {
  int64_t start = 0;  // unix seconds
  int64_t end = 0;
};

// nullopt when the document has no schedule. InvalidArgument names "/schedule/cron",
// "/schedule/timezone", "/schedule/catchup" or "/schedule/parameters/<name>".
Result<std::optional<PipelineSchedule>> ScheduleOfDocument(const nlohmann::json& doc, int64_t now_unix_seconds);

// Next firing strictly after `after` (unix seconds); nullopt if the expression never fires.
Result<std::optional<int64_t>> NextFireTime(const std::string& cron, const std::string& timezone, int64_t after);
// The latest firing strictly before `before`; nullopt if none in the ~5 years before.
Result<std::optional<int64_t>> PreviousFireTime(const std::string& cron, const std::string& timezone, int64_t before);

// The fires a pass at `now` queues for a schedule whose stored next fire is `due` (<= now), oldest
// first, each with its interval, per `catchup`; and in *next the first tick after now.
Result<std::vector<FireInterval>> FiresToQueue(const PipelineSchedule& schedule, int64_t due, int64_t now,
                                               std::optional<int64_t>* next);

// One interval per schedule tick pair inside [from, to): ticks t0 < t1 < … with from <= t0 and
// t_n <= to give [t0, t1), [t1, t2), … InvalidArgument if from >= to or more than `max_runs`.
Result<std::vector<FireInterval>> BackfillIntervals(const std::string& cron, const std::string& timezone, int64_t from,
                                                    int64_t to, int max_runs = kMaxBackfillRuns);

// The run parameters of a fire: the schedule's defaults, then interval_start / interval_end as
// ISO-8601 UTC ("2026-03-29T01:00:00Z").
nlohmann::json FireParameters(const nlohmann::json& defaults, const FireInterval& interval);

const char* CatchupName(CatchupPolicy policy);

}  // namespace logidata

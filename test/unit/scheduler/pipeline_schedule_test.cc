// Schedule planning: previous ticks, the fires a pass queues after downtime per catch-up policy,
// backfill intervals and the parameters of a fire — across time zones and daylight-saving changes.
#include <gtest/gtest.h>

#include "metadata/database.h"
#include "scheduler/pipeline_schedule.h"

namespace logidata {
namespace {

int64_t At(const std::string& iso) { return *UnixMillisFromIso(iso) / 1000; }
std::string Iso(int64_t secs) { return IsoFromUnixMillis(secs * 1000); }

struct PrevCase {
  const char* cron;
  const char* zone;
  const char* before;
  const char* expected;  // UTC
};

TEST(PipelineScheduleTest, PreviousFireTimes) {
  const PrevCase cases[] = {
      {"0 2 * * *", "UTC", "2024-01-02T02:00:00.000Z", "2024-01-01T02:00:00.000Z"},
      {"*/15 * * * *", "UTC", "2024-01-01T00:00:00.000Z", "2023-12-31T23:45:00.000Z"},
      {"0 0 29 2 *", "UTC", "2028-02-29T00:00:00.000Z", "2024-02-29T00:00:00.000Z"},  // four years back
      // Spring forward: 2024-03-31 02:30 does not exist in Paris, the tick before 04-01 is 03-30.
      {"30 2 * * *", "Europe/Paris", "2024-04-01T00:30:00.000Z", "2024-03-30T01:30:00.000Z"},
      // Fall back: 2024-10-27 02:30 happens twice; only the first (CEST, 00:30Z) is a tick.
      {"30 2 * * *", "Europe/Paris", "2024-10-28T01:30:00.000Z", "2024-10-27T00:30:00.000Z"},
      {"0 9 * * MON", "America/New_York", "2024-03-11T13:00:00.000Z", "2024-03-04T14:00:00.000Z"},  // EST → EDT
  };
  for (const PrevCase& c : cases) {
    SCOPED_TRACE(std::string(c.cron) + " " + c.zone + " before " + c.before);
    auto prev = PreviousFireTime(c.cron, c.zone, At(c.before));
    ASSERT_TRUE(prev.ok()) << prev.status().ToString();
    ASSERT_TRUE(prev->has_value());
    EXPECT_EQ(Iso(**prev), c.expected);
  }
}

struct CatchupCase {
  const char* name;
  const char* cron;
  const char* zone;
  CatchupPolicy policy;
  const char* due;  // the stored next_fire_at
  const char* now;
  std::vector<std::pair<const char*, const char*>> expected;  // [start, end) in UTC
  const char* next;
};

TEST(PipelineScheduleTest, CatchupAfterDowntime) {
  const CatchupCase cases[] = {
      {"none skips missed fires", "0 * * * *", "UTC", CatchupPolicy::kNone, "2024-01-01T01:00:00.000Z",
       "2024-01-01T05:30:00.000Z", {}, "2024-01-01T06:00:00.000Z"},
      {"none still fires on time", "0 * * * *", "UTC", CatchupPolicy::kNone, "2024-01-01T05:00:00.000Z",
       "2024-01-01T05:00:20.000Z", {{"2024-01-01T04:00:00.000Z", "2024-01-01T05:00:00.000Z"}},
       "2024-01-01T06:00:00.000Z"},
      {"latest runs the most recent", "0 * * * *", "UTC", CatchupPolicy::kLatest, "2024-01-01T01:00:00.000Z",
       "2024-01-01T05:30:00.000Z", {{"2024-01-01T04:00:00.000Z", "2024-01-01T05:00:00.000Z"}},
       "2024-01-01T06:00:00.000Z"},
      {"all runs each missed interval", "0 * * * *", "UTC", CatchupPolicy::kAll, "2024-01-01T01:00:00.000Z",
       "2024-01-01T05:30:00.000Z",
       {{"2024-01-01T00:00:00.000Z", "2024-01-01T01:00:00.000Z"},
        {"2024-01-01T01:00:00.000Z", "2024-01-01T02:00:00.000Z"},
        {"2024-01-01T02:00:00.000Z", "2024-01-01T03:00:00.000Z"},
        {"2024-01-01T03:00:00.000Z", "2024-01-01T04:00:00.000Z"},
        {"2024-01-01T04:00:00.000Z", "2024-01-01T05:00:00.000Z"}},
       "2024-01-01T06:00:00.000Z"},
      {"not due yet queues nothing", "0 * * * *", "UTC", CatchupPolicy::kAll, "2024-01-01T06:00:00.000Z",
       "2024-01-01T05:30:00.000Z", {}, "2024-01-01T06:00:00.000Z"},
      // Fall back in Paris: local 02:00 happens twice (00:00Z and 01:00Z); the repeat is no tick,
      // so the interval ending at 03:00 CET is two hours long.
      {"all across fall-back", "0 * * * *", "Europe/Paris", CatchupPolicy::kAll, "2024-10-26T23:00:00.000Z",
       "2024-10-27T02:10:00.000Z",
       {{"2024-10-26T22:00:00.000Z", "2024-10-26T23:00:00.000Z"},
        {"2024-10-26T23:00:00.000Z", "2024-10-27T00:00:00.000Z"},
        {"2024-10-27T00:00:00.000Z", "2024-10-27T02:00:00.000Z"}},
       "2024-10-27T03:00:00.000Z"},
      // Spring forward in Paris: 2024-03-31 02:30 does not exist; two fires, not three.
      {"all across spring-forward", "30 2 * * *", "Europe/Paris", CatchupPolicy::kAll, "2024-03-30T01:30:00.000Z",
       "2024-04-01T01:00:00.000Z",
       {{"2024-03-29T01:30:00.000Z", "2024-03-30T01:30:00.000Z"},
        {"2024-03-30T01:30:00.000Z", "2024-04-01T00:30:00.000Z"}},
       "2024-04-02T00:30:00.000Z"},
  };
  for (const CatchupCase& c : cases) {
    SCOPED_TRACE(c.name);
    PipelineSchedule s;
    s.cron = c.cron;
    s.timezone = c.zone;
    s.catchup = c.policy;
    std::optional<int64_t> next;
    auto fires = FiresToQueue(s, At(c.due), At(c.now), &next);
    ASSERT_TRUE(fires.ok()) << fires.status().ToString();
    ASSERT_EQ(fires->size(), c.expected.size());
    for (size_t i = 0; i < c.expected.size(); ++i) {
      EXPECT_EQ(Iso((*fires)[i].start), c.expected[i].first) << i;
      EXPECT_EQ(Iso((*fires)[i].end), c.expected[i].second) << i;
    }
    ASSERT_TRUE(next.has_value());
    EXPECT_EQ(Iso(*next), c.next);
  }
}

TEST(PipelineScheduleTest, CatchupAllIsBounded) {
  PipelineSchedule s;
  s.cron = "0 * * * *";
  s.catchup = CatchupPolicy::kAll;
  std::optional<int64_t> next;
  // Nine days down with an hourly schedule: 217 missed fires, the most recent 100 run.
  auto fires = FiresToQueue(s, At("2024-01-01T00:00:00.000Z"), At("2024-01-10T00:00:00.000Z"), &next);
  ASSERT_TRUE(fires.ok());
  ASSERT_EQ(fires->size(), static_cast<size_t>(kMaxCatchupFires));
  EXPECT_EQ(Iso(fires->back().end), "2024-01-10T00:00:00.000Z");
  EXPECT_EQ(Iso(fires->front().end), "2024-01-05T21:00:00.000Z");  // 99 hours earlier
}

struct BackfillCase {
  const char* name;
  const char* cron;
  const char* zone;
  const char* from;
  const char* to;
  std::vector<int64_t> lengths;  // seconds of each interval, in order
  const char* first_start;
};

TEST(PipelineScheduleTest, BackfillIntervals) {
  const BackfillCase cases[] = {
      {"three UTC days", "0 0 * * *", "UTC", "2024-01-01T00:00:00.000Z", "2024-01-04T00:00:00.000Z",
       {86400, 86400, 86400}, "2024-01-01T00:00:00.000Z"},
      {"unaligned start drops the partial day", "0 0 * * *", "UTC", "2024-01-01T12:00:00.000Z",
       "2024-01-04T00:00:00.000Z", {86400, 86400}, "2024-01-02T00:00:00.000Z"},
      {"range shorter than one interval", "0 0 * * *", "UTC", "2024-01-01T01:00:00.000Z", "2024-01-01T23:00:00.000Z",
       {}, nullptr},
      // Paris midnights around the spring-forward day: a 23-hour day.
      {"spring-forward day is 23 h", "0 0 * * *", "Europe/Paris", "2024-03-29T23:00:00.000Z",
       "2024-03-31T22:00:00.000Z", {86400, 82800}, "2024-03-29T23:00:00.000Z"},
      // And the fall-back day: 25 hours.
      {"fall-back day is 25 h", "0 0 * * *", "Europe/Paris", "2024-10-26T22:00:00.000Z", "2024-10-28T23:00:00.000Z",
       {90000, 86400}, "2024-10-26T22:00:00.000Z"},
      {"hourly in New York", "0 * * * *", "America/New_York", "2024-05-01T00:00:00.000Z", "2024-05-01T03:00:00.000Z",
       {3600, 3600, 3600}, "2024-05-01T00:00:00.000Z"},
  };
  for (const BackfillCase& c : cases) {
    SCOPED_TRACE(c.name);
    auto got = BackfillIntervals(c.cron, c.zone, At(c.from), At(c.to));
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    ASSERT_EQ(got->size(), c.lengths.size());
    for (size_t i = 0; i < got->size(); ++i) {
      EXPECT_EQ((*got)[i].end - (*got)[i].start, c.lengths[i]) << i;
      if (i > 0) EXPECT_EQ((*got)[i].start, (*got)[i - 1].end) << "intervals are contiguous";
    }
    if (c.first_start) EXPECT_EQ(Iso(got->front().start), c.first_start);
  }
}

TEST(PipelineScheduleTest, BackfillRefusesBadRanges) {
  auto reversed = BackfillIntervals("0 0 * * *", "UTC", At("2024-01-02T00:00:00.000Z"), At("2024-01-01T00:00:00.000Z"));
  ASSERT_FALSE(reversed.ok());
  EXPECT_NE(reversed.status().message().find("/end"), std::string::npos);
  auto huge = BackfillIntervals("* * * * *", "UTC", At("2024-01-01T00:00:00.000Z"), At("2024-01-02T00:00:00.000Z"));
  ASSERT_FALSE(huge.ok());  // 1,440 minutes > 1,000 runs
  EXPECT_NE(huge.status().message().find("more than 1000"), std::string::npos);
  auto bad_cron = BackfillIntervals("61 * * * *", "UTC", 0, 86400);
  ASSERT_FALSE(bad_cron.ok());
  EXPECT_NE(bad_cron.status().message().find("/schedule/cron"), std::string::npos);
}

TEST(PipelineScheduleTest, FireParametersAddTheInterval) {
  nlohmann::json p = FireParameters({{"region", "eu"}, {"limit", 10}},
                                    {At("2024-03-30T23:00:00.000Z"), At("2024-03-31T22:00:00.000Z")});
  EXPECT_EQ(p["region"], "eu");
  EXPECT_EQ(p["limit"], 10);
  EXPECT_EQ(p["interval_start"], "2024-03-30T23:00:00Z");
  EXPECT_EQ(p["interval_end"], "2024-03-31T22:00:00Z");
}

TEST(PipelineScheduleTest, DocumentFields) {
  struct Case {
    nlohmann::json schedule;
    const char* error;  // nullptr: valid
  };
  const Case cases[] = {
      {{{"cron", "0 * * * *"}, {"catchup", "all"}, {"parameters", {{"region", "eu"}}}}, nullptr},
      {{{"cron", "0 * * * *"}, {"catchup", "sometimes"}}, "/schedule/catchup"},
      {{{"cron", "0 * * * *"}, {"catchup", 3}}, "/schedule/catchup"},
      {{{"cron", "0 * * * *"}, {"parameters", {{"nested", {{"a", 1}}}}}}, "/schedule/parameters/nested"},
      {{{"cron", "0 * * * *"}, {"parameters", "x=1"}}, "/schedule/parameters"},
      {{{"cron", "0 * * * *"}, {"timezone", "Mars/Olympus"}}, "/schedule/timezone"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.schedule.dump());
    auto s = ScheduleOfDocument({{"schedule", c.schedule}}, At("2024-01-01T00:00:00.000Z"));
    if (!c.error) {
      ASSERT_TRUE(s.ok()) << s.status().ToString();
      EXPECT_EQ((*s)->catchup, CatchupPolicy::kAll);
      EXPECT_EQ((*s)->parameters["region"], "eu");
      continue;
    }
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.status().message().find(c.error), std::string::npos) << s.status().message();
  }
}

}  // namespace
}  // namespace logidata

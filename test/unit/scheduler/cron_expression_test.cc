// Cron parsing and next-fire computation, including time zones and daylight-saving changes.
#include <gtest/gtest.h>

#include "metadata/database.h"
#include "scheduler/cron_expression.h"
#include "scheduler/time_zone.h"

namespace logidata {
namespace {

int64_t At(const std::string& iso) { return *UnixMillisFromIso(iso) / 1000; }
std::string Iso(int64_t secs) { return IsoFromUnixMillis(secs * 1000); }

struct NextCase {
  const char* cron;
  const char* zone;
  const char* after;
  const char* expected;  // UTC
};

TEST(CronExpressionTest, NextFireTimes) {
  const NextCase cases[] = {
      {"* * * * *", "UTC", "2024-01-01T00:00:00.000Z", "2024-01-01T00:01:00.000Z"},
      {"0 2 * * *", "UTC", "2024-01-01T02:00:00.000Z", "2024-01-02T02:00:00.000Z"},
      {"*/15 9-17 * * MON-FRI", "UTC", "2024-01-05T17:50:00.000Z", "2024-01-08T09:00:00.000Z"},  // Fri → Mon
      {"0 0 1 JAN *", "UTC", "2024-06-01T00:00:00.000Z", "2025-01-01T00:00:00.000Z"},
      {"@hourly", "UTC", "2024-01-01T10:30:00.000Z", "2024-01-01T11:00:00.000Z"},
      {"@weekly", "UTC", "2024-01-01T00:00:00.000Z", "2024-01-07T00:00:00.000Z"},  // Sunday
      {"0 0 29 2 *", "UTC", "2024-03-01T00:00:00.000Z", "2028-02-29T00:00:00.000Z"},
      {"0 12 13 * 5", "UTC", "2024-01-01T00:00:00.000Z", "2024-01-05T12:00:00.000Z"},  // dom OR dow
      {"0 0 * * 7", "UTC", "2024-01-01T00:00:00.000Z", "2024-01-07T00:00:00.000Z"},  // 7 = Sunday
      {"5,10 1 * * *", "UTC", "2024-01-01T01:05:00.000Z", "2024-01-01T01:10:00.000Z"},
      // Europe/Paris: winter UTC+1, summer UTC+2.
      {"0 2 * * *", "Europe/Paris", "2024-01-15T00:00:00.000Z", "2024-01-15T01:00:00.000Z"},
      {"0 2 * * *", "Europe/Paris", "2024-07-14T23:00:00.000Z", "2024-07-15T00:00:00.000Z"},
      // 2024-03-31 02:30 does not exist in Paris: skipped to the next day.
      {"30 2 * * *", "Europe/Paris", "2024-03-30T12:00:00.000Z", "2024-04-01T00:30:00.000Z"},
      // 2024-10-27 02:30 happens twice in Paris: fires at the first (00:30Z) only.
      {"30 2 * * *", "Europe/Paris", "2024-10-26T12:00:00.000Z", "2024-10-27T00:30:00.000Z"},
      {"30 2 * * *", "Europe/Paris", "2024-10-27T00:30:00.000Z", "2024-10-28T01:30:00.000Z"},
      // Past the TZif transitions table: the POSIX rule applies (2050 summer time).
      {"0 12 1 7 *", "Europe/Paris", "2050-01-01T00:00:00.000Z", "2050-07-01T10:00:00.000Z"},
      {"0 9 * * *", "America/New_York", "2024-03-10T00:00:00.000Z", "2024-03-10T13:00:00.000Z"},
      {"0 9 * * *", "Asia/Kolkata", "2024-03-10T00:00:00.000Z", "2024-03-10T03:30:00.000Z"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.cron) + " in " + c.zone + " after " + c.after);
    auto expr = CronExpression::Parse(c.cron);
    ASSERT_TRUE(expr.ok()) << expr.status().ToString();
    auto zone = TimeZone::Load(c.zone);
    ASSERT_TRUE(zone.ok()) << zone.status().ToString();
    auto next = expr->Next(At(c.after), **zone);
    ASSERT_TRUE(next.has_value());
    EXPECT_EQ(Iso(*next), c.expected);
  }
}

TEST(CronExpressionTest, NeverFiring) {
  auto expr = CronExpression::Parse("0 0 30 2 *");
  ASSERT_TRUE(expr.ok());
  auto utc = TimeZone::Load("UTC");
  EXPECT_FALSE(expr->Next(At("2024-01-01T00:00:00.000Z"), **utc).has_value());
}

TEST(CronExpressionTest, ErrorsNameTheField) {
  const std::pair<const char*, const char*> cases[] = {
      {"61 * * * *", "field 1 (minute)"},   {"* 24 * * *", "field 2 (hour)"},
      {"* * 0 * *", "field 3 (day of month)"}, {"* * * 13 *", "field 4 (month)"},
      {"* * * * 8", "field 5 (day of week)"},  {"* * * FOO *", "unknown name"},
      {"*/0 * * * *", "bad step"},           {"* * *", "5 fields"},
      {"5-1 * * * *", "backwards"},          {"@often", "unknown cron macro"},
      {"", "5 fields"},
  };
  for (const auto& [text, message] : cases) {
    auto expr = CronExpression::Parse(text);
    ASSERT_FALSE(expr.ok()) << text;
    EXPECT_NE(expr.status().message().find(message), std::string::npos) << text << ": " << expr.status().message();
  }
}

TEST(TimeZoneTest, RejectsUnknownAndUnsafeNames) {
  for (const char* name : {"Mars/Olympus", "../../etc/passwd", "/etc/localtime", "Europe/Paris\n"}) {
    EXPECT_FALSE(TimeZone::Load(name).ok()) << name;
  }
  auto paris = TimeZone::Load("Europe/Paris");
  ASSERT_TRUE(paris.ok());
  EXPECT_EQ((*paris)->OffsetAt(At("2024-01-01T00:00:00.000Z")), 3600);
  EXPECT_EQ((*paris)->OffsetAt(At("2024-07-01T00:00:00.000Z")), 7200);
}

}  // namespace
}  // namespace logidata

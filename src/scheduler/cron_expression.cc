#include "scheduler/cron_expression.h"

#include <array>
#include <vector>

namespace logidata {
namespace {

struct FieldSpec {
  const char* name;
  int min, max;
  const char* const* names;  // 3-letter names starting at `min`, or null
};

const char* const kMonthNames[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC", nullptr};
const char* const kDayNames[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", nullptr};

std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t end = s.find(sep, start);
    out.emplace_back(s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

Result<int> ParseValue(const std::string& token, const FieldSpec& f, const std::string& where) {
  if (token.empty()) return Status::InvalidArgument(where + ": empty value");
  if (f.names && std::isalpha(static_cast<unsigned char>(token[0]))) {
    std::string upper;
    for (char c : token) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (int i = 0; f.names[i]; ++i) {
      if (upper == f.names[i]) return f.min + i;
    }
    return Status::InvalidArgument(where + ": unknown name '" + token + "'");
  }
  int v = 0;
  for (char c : token) {
    if (!std::isdigit(static_cast<unsigned char>(c)) || v > 1000) {
      return Status::InvalidArgument(where + ": '" + token + "' is not a number");
    }
    v = v * 10 + (c - '0');
  }
  int max = f.max;
  if (f.names == kDayNames) max = 7;  // 7 is Sunday too
  if (v < f.min || v > max) {
    return Status::InvalidArgument(where + ": " + token + " is out of range " + std::to_string(f.min) + "-" +
                                   std::to_string(max));
  }
  return v;
}

// Sets bits for one field; returns whether the field was restricted (not '*').
template <size_t N>
Result<bool> ParseField(const std::string& text, const FieldSpec& f, int index, std::bitset<N>& bits) {
  std::string where = "field " + std::to_string(index) + " (" + f.name + ")";
  bool restricted = text != "*" && text != "?";
  for (const std::string& item : Split(text, ',')) {
    std::string range = item;
    int step = 1;
    size_t slash = item.find('/');
    if (slash != std::string::npos) {
      range = item.substr(0, slash);
      std::string step_text = item.substr(slash + 1);
      if (step_text.empty() || step_text.size() > 3 ||
          step_text.find_first_not_of("0123456789") != std::string::npos || std::stoi(step_text) == 0) {
        return Status::InvalidArgument(where + ": bad step '" + step_text + "'");
      }
      step = std::stoi(step_text);
    }
    int lo, hi;
    if (range == "*" || range == "?") {
      lo = f.min;
      hi = f.max;
    } else {
      size_t dash = range.find('-');
      LD_ASSIGN_OR_RETURN(lo, ParseValue(range.substr(0, dash), f, where));
      if (dash != std::string::npos) {
        LD_ASSIGN_OR_RETURN(hi, ParseValue(range.substr(dash + 1), f, where));
      } else {
        hi = slash != std::string::npos ? f.max : lo;  // "5/15" means 5-max/15
      }
      if (hi < lo) return Status::InvalidArgument(where + ": range " + range + " runs backwards");
    }
    for (int v = lo; v <= hi; v += step) {
      int bit = (f.names == kDayNames && v == 7) ? 0 : v;
      bits.set(static_cast<size_t>(bit));
    }
  }
  return restricted;
}

void CivilFromDays(int64_t z, int& y, int& m, int& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(yoe + era * 400 + (m <= 2));
}

}  // namespace

Result<CronExpression> CronExpression::Parse(std::string_view raw) {
  std::string text(raw);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.erase(0, 1);
  static const std::array<std::pair<const char*, const char*>, 6> kMacros = {{{"@yearly", "0 0 1 1 *"},
                                                                             {"@annually", "0 0 1 1 *"},
                                                                             {"@monthly", "0 0 1 * *"},
                                                                             {"@weekly", "0 0 * * 0"},
                                                                             {"@daily", "0 0 * * *"},
                                                                             {"@hourly", "0 * * * *"}}};
  if (!text.empty() && text[0] == '@') {
    bool found = false;
    for (const auto& [macro, expansion] : kMacros) {
      if (text == macro) {
        text = expansion;
        found = true;
      }
    }
    if (!found) return Status::InvalidArgument("unknown cron macro '" + text + "'");
  }
  std::vector<std::string> fields;
  std::string cur;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!cur.empty()) fields.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) fields.push_back(cur);
  if (fields.size() != 5) {
    return Status::InvalidArgument("a cron expression has 5 fields (minute hour day-of-month month day-of-week), got " +
                                   std::to_string(fields.size()));
  }
  static const FieldSpec kFields[] = {{"minute", 0, 59, nullptr},
                                      {"hour", 0, 23, nullptr},
                                      {"day of month", 1, 31, nullptr},
                                      {"month", 1, 12, kMonthNames},
                                      {"day of week", 0, 6, kDayNames}};
  CronExpression e;
  LD_ASSIGN_OR_RETURN(bool r0, ParseField(fields[0], kFields[0], 1, e.minutes_));
  LD_ASSIGN_OR_RETURN(bool r1, ParseField(fields[1], kFields[1], 2, e.hours_));
  LD_ASSIGN_OR_RETURN(e.day_restricted_, ParseField(fields[2], kFields[2], 3, e.days_));
  LD_ASSIGN_OR_RETURN(bool r3, ParseField(fields[3], kFields[3], 4, e.months_));
  LD_ASSIGN_OR_RETURN(e.weekday_restricted_, ParseField(fields[4], kFields[4], 5, e.weekdays_));
  (void)r0;
  (void)r1;
  (void)r3;
  return e;
}

bool CronExpression::Matches(int minute, int hour, int day, int month, int weekday) const {
  if (!minutes_[minute] || !hours_[hour] || !months_[month]) return false;
  bool dom = days_[day], dow = weekdays_[weekday];
  if (day_restricted_ && weekday_restricted_) return dom || dow;
  return dom && dow;
}

std::optional<int64_t> CronExpression::Next(int64_t after, const TimeZone& zone) const {
  // Walk local calendar days, then hours and minutes within a matching day; convert each local
  // candidate back to UTC and keep it only if it really exists (DST gaps) and is after `after`.
  int64_t local_after = after + zone.OffsetAt(after);
  int64_t day = (local_after >= 0 ? local_after : local_after - 86399) / 86400;
  for (int64_t i = 0; i < 366 * 5; ++i, ++day) {
    int y, m, d;
    CivilFromDays(day, y, m, d);
    int weekday = static_cast<int>(((day % 7) + 11) % 7);
    if (!months_[m]) continue;
    bool dom = days_[d], dow = weekdays_[weekday];
    bool day_ok = (day_restricted_ && weekday_restricted_) ? (dom || dow) : (dom && dow);
    if (!day_ok) continue;
    for (int h = 0; h < 24; ++h) {
      if (!hours_[h]) continue;
      for (int mi = 0; mi < 60; ++mi) {
        if (!minutes_[mi]) continue;
        int64_t local = day * 86400 + h * 3600 + mi * 60;
        if (local + 86400 < local_after) continue;
        // Candidate UTC instants: local minus the offset in force before or after a change.
        // A repeated local time (DST end) fires only at its first occurrence.
        std::optional<int64_t> first;
        for (int64_t guess : {local - zone.OffsetAt(local - 14 * 3600), local - zone.OffsetAt(local + 14 * 3600)}) {
          if (guess + zone.OffsetAt(guess) != local) continue;
          if (!first || guess < *first) first = guess;
        }
        std::optional<int64_t> best;
        if (first && *first > after) best = first;
        if (best) return best;
      }
    }
  }
  return std::nullopt;
}

}  // namespace logidata

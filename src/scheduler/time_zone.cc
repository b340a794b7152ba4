#include "scheduler/time_zone.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace logidata {

// A POSIX TZ rule: std offset, optional dst offset and the Mm.w.d/time start and end dates.
struct TimeZone::Rule {
  int32_t std_offset = 0;  // seconds east of UTC
  bool has_dst = false;
  int32_t dst_offset = 0;
  struct Date {
    int month = 0, week = 0, weekday = 0;  // Mm.w.d
    int32_t time = 7200;                   // seconds after local midnight
  } start, end;
};

namespace {

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

int YearOf(int64_t unix_seconds) {
  int64_t z = (unix_seconds >= 0 ? unix_seconds : unix_seconds - 86399) / 86400 + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return static_cast<int>(yoe + era * 400 + (m <= 2));
}

// Parses "[+-]hh[:mm[:ss]]" at `p`; POSIX offsets are west-positive.
bool ParseHms(const std::string& s, size_t& p, int32_t& seconds) {
  int sign = 1;
  if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
    if (s[p] == '-') sign = -1;
    ++p;
  }
  int parts[3] = {0, 0, 0};
  for (int i = 0; i < 3; ++i) {
    if (p >= s.size() || !std::isdigit(static_cast<unsigned char>(s[p]))) {
      if (i == 0) return false;
      break;
    }
    int v = 0;
    while (p < s.size() && std::isdigit(static_cast<unsigned char>(s[p]))) v = v * 10 + (s[p++] - '0');
    parts[i] = v;
    if (p < s.size() && s[p] == ':' && i < 2) ++p;
    else break;
  }
  seconds = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
  return true;
}

bool SkipName(const std::string& s, size_t& p) {
  if (p < s.size() && s[p] == '<') {
    size_t close = s.find('>', p);
    if (close == std::string::npos) return false;
    p = close + 1;
    return true;
  }
  size_t start = p;
  while (p < s.size() && std::isalpha(static_cast<unsigned char>(s[p]))) ++p;
  return p - start >= 3;
}

bool ParseDate(const std::string& s, size_t& p, int& month, int& week, int& weekday, int32_t& time) {
  if (p >= s.size() || s[p] != 'M') return false;  // Jn and n forms are not used by zoneinfo
  ++p;
  if (std::sscanf(s.c_str() + p, "%d.%d.%d", &month, &week, &weekday) != 3) return false;
  while (p < s.size() && s[p] != '/' && s[p] != ',') ++p;
  time = 7200;
  if (p < s.size() && s[p] == '/') {
    ++p;
    if (!ParseHms(s, p, time)) return false;
  }
  return true;
}

}  // namespace

int32_t TimeZone::RuleOffset(int64_t t) const {
  const Rule& r = *rule_;
  if (!r.has_dst) return r.std_offset;
  // The UTC instant at which a Mm.w.d/time date happens in year y, given the offset before it.
  auto when = [](int y, const Rule::Date& d, int32_t offset_before) {
    int64_t first = DaysFromCivil(y, d.month, 1);
    int wd_first = static_cast<int>(((first % 7) + 11) % 7);  // 1970-01-01 was a Thursday (4)
    int day = 1 + ((d.weekday - wd_first) + 7) % 7 + (d.week - 1) * 7;
    int days_in_month = static_cast<int>(DaysFromCivil(y + (d.month == 12), d.month == 12 ? 1 : d.month + 1, 1) - first);
    while (day > days_in_month) day -= 7;
    return (first + day - 1) * 86400 + d.time - offset_before;
  };
  int y = YearOf(t + r.std_offset);
  int64_t start = when(y, r.start, r.std_offset);
  int64_t end = when(y, r.end, r.dst_offset);
  bool dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
  return dst ? r.dst_offset : r.std_offset;
}

int32_t TimeZone::OffsetAt(int64_t t) const {
  if (transitions_.empty() || t >= transitions_.back()) {
    if (rule_) return RuleOffset(t);
    return transitions_.empty() ? initial_offset_ : offsets_after_.back();
  }
  if (t < transitions_.front()) return initial_offset_;
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), t);
  return offsets_after_[static_cast<size_t>(it - transitions_.begin()) - 1];
}

Result<std::shared_ptr<const TimeZone>> TimeZone::Load(const std::string& name) {
  auto zone = std::make_shared<TimeZone>();
  zone->name_ = name.empty() ? "UTC" : name;
  if (name.empty() || name == "UTC" || name == "Etc/UTC" || name == "Z") return std::shared_ptr<const TimeZone>(zone);
  // Names are "Area/City" style: no "..", no leading '/', only safe characters.
  if (name.size() > 64 || name.find("..") != std::string::npos || name[0] == '/') {
    return Status::InvalidArgument("unknown time zone '" + name.substr(0, 64) + "'");
  }
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '/' && c != '_' && c != '-' && c != '+') {
      return Status::InvalidArgument("unknown time zone '" + name + "'");
    }
  }
  std::ifstream in("/usr/share/zoneinfo/" + name, std::ios::binary);
  if (!in) return Status::InvalidArgument("unknown time zone '" + name + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string d = ss.str();
  auto be32 = [&](size_t pos) -> int64_t {
    return static_cast<int32_t>((uint8_t(d[pos]) << 24) | (uint8_t(d[pos + 1]) << 16) | (uint8_t(d[pos + 2]) << 8) |
                                uint8_t(d[pos + 3]));
  };
  auto be64 = [&](size_t pos) -> int64_t {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | uint8_t(d[pos + i]);
    return static_cast<int64_t>(v);
  };
  auto bad = Status::DataError("time zone file for '" + name + "' is not a valid TZif file");
  if (d.size() < 44 || d.compare(0, 4, "TZif") != 0) return bad;
  // Skip the v1 (32-bit) block to the v2 header, whose data uses 64-bit times.
  auto counts = [&](size_t h, int64_t c[6]) {
    for (int i = 0; i < 6; ++i) c[i] = be32(h + 20 + 4 * i);  // isutcnt isstdcnt leapcnt timecnt typecnt charcnt
  };
  int64_t c[6];
  counts(0, c);
  size_t v1_len = c[3] * 5 + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
  size_t h2 = 44 + v1_len;
  if (d[4] < '2' || h2 + 44 > d.size() || d.compare(h2, 4, "TZif") != 0) return bad;
  counts(h2, c);
  int64_t isut = c[0], isstd = c[1], leap = c[2], timecnt = c[3], typecnt = c[4], charcnt = c[5];
  size_t p = h2 + 44;
  size_t need = timecnt * 9 + typecnt * 6 + charcnt + leap * 12 + isstd + isut;
  if (p + need > d.size() || typecnt < 1) return bad;
  std::vector<int32_t> type_offsets(typecnt);
  size_t types_at = p + timecnt * 9;
  for (int64_t i = 0; i < typecnt; ++i) type_offsets[i] = static_cast<int32_t>(be32(types_at + i * 6));
  for (int64_t i = 0; i < timecnt; ++i) {
    zone->transitions_.push_back(be64(p + i * 8));
    uint8_t idx = uint8_t(d[p + timecnt * 8 + i]);
    if (idx >= typecnt) return bad;
    zone->offsets_after_.push_back(type_offsets[idx]);
  }
  zone->initial_offset_ = type_offsets[0];
  // Footer: "\n<POSIX TZ>\n".
  size_t footer = p + need;
  if (footer < d.size() && d[footer] == '\n') {
    size_t end = d.find('\n', footer + 1);
    std::string tz = d.substr(footer + 1, end == std::string::npos ? std::string::npos : end - footer - 1);
    auto rule = std::make_shared<Rule>();
    size_t q = 0;
    int32_t west = 0;
    if (!tz.empty() && SkipName(tz, q) && ParseHms(tz, q, west)) {
      rule->std_offset = -west;
      if (q < tz.size() && SkipName(tz, q)) {
        rule->has_dst = true;
        rule->dst_offset = rule->std_offset + 3600;
        if (q < tz.size() && tz[q] != ',') {
          int32_t dst_west;
          if (ParseHms(tz, q, dst_west)) rule->dst_offset = -dst_west;
        }
        if (q < tz.size() && tz[q] == ',') {
          ++q;
          bool ok = ParseDate(tz, q, rule->start.month, rule->start.week, rule->start.weekday, rule->start.time);
          if (ok && q < tz.size() && tz[q] == ',') {
            ++q;
            ok = ParseDate(tz, q, rule->end.month, rule->end.week, rule->end.weekday, rule->end.time);
          } else {
            ok = false;
          }
          if (!ok) rule->has_dst = false;
        } else {
          rule->has_dst = false;
        }
      }
      zone->rule_ = rule;
    }
  }
  return std::shared_ptr<const TimeZone>(zone);
}

}  // namespace logidata

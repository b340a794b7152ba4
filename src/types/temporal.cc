#include "types/temporal.h"

#include <cstdio>

namespace logidata {

// Howard Hinnant's days_from_civil algorithm (public domain description).
int32_t DaysFromCivil(int32_t y, uint32_t m, uint32_t d) {
  y -= m <= 2;
  const int32_t era = (y >= 0 ? y : y - 399) / 400;
  const uint32_t yoe = static_cast<uint32_t>(y - era * 400);
  const uint32_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const uint32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int32_t>(doe) - 719468;
}

CivilDate CivilFromDays(int32_t z) {
  z += 719468;
  const int32_t era = (z >= 0 ? z : z - 146096) / 146097;
  const uint32_t doe = static_cast<uint32_t>(z - era * 146097);
  const uint32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int32_t y = static_cast<int32_t>(yoe) + era * 400;
  const uint32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const uint32_t mp = (5 * doy + 2) / 153;
  const uint32_t d = doy - (153 * mp + 2) / 5 + 1;
  const uint32_t m = mp < 10 ? mp + 3 : mp - 9;
  return CivilDate{y + (m <= 2), m, d};
}

bool IsValidCivil(int32_t year, uint32_t month, uint32_t day) {
  if (month < 1 || month > 12 || day < 1) return false;
  static constexpr uint8_t kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  uint32_t max = kDays[month - 1];
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && leap) max = 29;
  return day <= max;
}

namespace {

inline bool Digits(std::string_view s, size_t pos, size_t n, uint32_t* out) {
  if (pos + n > s.size()) return false;
  uint32_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    unsigned c = static_cast<unsigned char>(s[pos + i]) - '0';
    if (c > 9) return false;
    v = v * 10 + c;
  }
  *out = v;
  return true;
}

// Parses YYYY-MM-DD at the start; returns chars consumed or 0.
size_t ParseDatePart(std::string_view s, int32_t* days) {
  uint32_t y, m, d;
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return 0;
  if (!Digits(s, 0, 4, &y) || !Digits(s, 5, 2, &m) || !Digits(s, 8, 2, &d)) return 0;
  if (!IsValidCivil(static_cast<int32_t>(y), m, d)) return 0;
  *days = DaysFromCivil(static_cast<int32_t>(y), m, d);
  return 10;
}

}  // namespace

std::optional<int32_t> ParseDate(std::string_view text) {
  int32_t days;
  if (ParseDatePart(text, &days) != 10 || text.size() != 10) return std::nullopt;
  return days;
}

std::optional<int64_t> ParseTimestamp(std::string_view s, bool* had_offset) {
  if (had_offset) *had_offset = false;
  int32_t days;
  if (ParseDatePart(s, &days) == 0) return std::nullopt;
  int64_t micros = static_cast<int64_t>(days) * kMicrosPerDay;
  size_t pos = 10;
  if (pos == s.size()) return micros;
  if (s[pos] != ' ' && s[pos] != 'T') return std::nullopt;
  ++pos;
  uint32_t hh, mm, ss = 0;
  if (!Digits(s, pos, 2, &hh) || pos + 2 >= s.size() || s[pos + 2] != ':' || !Digits(s, pos + 3, 2, &mm)) {
    return std::nullopt;
  }
  pos += 5;
  if (pos < s.size() && s[pos] == ':') {
    if (!Digits(s, pos + 1, 2, &ss)) return std::nullopt;
    pos += 3;
  }
  if (hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  int64_t frac = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 6) { frac = frac * 10 + (s[pos] - '0'); ++digits; }
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (; digits < 6; ++digits) frac *= 10;
  }
  micros += (static_cast<int64_t>(hh) * 3600 + mm * 60 + ss) * kMicrosPerSecond + frac;
  if (pos == s.size()) return micros;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    if (had_offset) *had_offset = true;
    return pos + 1 == s.size() ? std::optional<int64_t>(micros) : std::nullopt;
  }
  if (s[pos] == '+' || s[pos] == '-') {
    int sign = s[pos] == '-' ? -1 : 1;
    uint32_t oh, om = 0;
    if (!Digits(s, pos + 1, 2, &oh)) return std::nullopt;
    size_t p = pos + 3;
    if (p < s.size() && s[p] == ':') ++p;
    if (p < s.size()) {
      if (!Digits(s, p, 2, &om)) return std::nullopt;
      p += 2;
    }
    if (p != s.size() || oh > 23 || om > 59) return std::nullopt;
    if (had_offset) *had_offset = true;
    return micros - sign * (static_cast<int64_t>(oh) * 3600 + om * 60) * kMicrosPerSecond;
  }
  return std::nullopt;
}

void AppendDate(int32_t days, std::string& out) {
  CivilDate c = CivilFromDays(days);
  char buf[32];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", c.year, c.month, c.day);
  out.append(buf, static_cast<size_t>(n));
}

void AppendTimestamp(int64_t micros, std::string& out) {
  int64_t days = FloorDiv(micros, kMicrosPerDay);
  int64_t rem = micros - days * kMicrosPerDay;
  AppendDate(static_cast<int32_t>(days), out);
  int64_t secs = rem / kMicrosPerSecond;
  int64_t frac = rem % kMicrosPerSecond;
  char buf[32];
  int n = std::snprintf(buf, sizeof buf, " %02d:%02d:%02d", static_cast<int>(secs / 3600),
                        static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60));
  out.append(buf, static_cast<size_t>(n));
  if (frac != 0) {
    n = std::snprintf(buf, sizeof buf, ".%06d", static_cast<int>(frac));
    out.append(buf, static_cast<size_t>(n));
  }
}

std::string FormatDate(int32_t days) {
  std::string out;
  AppendDate(days, out);
  return out;
}

std::string FormatTimestamp(int64_t micros) {
  std::string out;
  AppendTimestamp(micros, out);
  return out;
}

}  // namespace logidata

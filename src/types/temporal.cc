#include "types/temporal.h"

#include <cstdio>
#include <cstring>

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

constexpr uint8_t kDaysInMonth[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};  // February's 29th checked apart

// x / 100 and x / 400 as a multiply and a shift, exact for the years here (checked below). With
// -mtune=znver3 GCC emits div for constant divisors, and those divs were most of the time of
// reading a timestamp.
constexpr uint32_t DivideBy100(uint32_t x) { return (x * 5243u) >> 19; }
constexpr uint32_t DivideBy400(uint32_t x) { return (x * 5243u) >> 21; }
constexpr bool SmallDivisionsAreExact() {
  for (uint32_t x = 0; x <= 10400; ++x) {
    if (DivideBy100(x) != x / 100 || DivideBy400(x) != x / 400) return false;
  }
  return true;
}
static_assert(SmallDivisionsAreExact());

constexpr bool IsLeapYear(uint32_t year) {
  return ((year & 3) == 0 && year != DivideBy100(year) * 100) || year == DivideBy400(year) * 400;
}

// DaysFromCivil for years 0-9999 without a division: the year is moved up one 400-year cycle
// (146097 days) so that it stays positive, and the days before each month come from a table.
constexpr int32_t DaysFromCivilYear0To9999(uint32_t year, uint32_t month, uint32_t day) {
  constexpr uint16_t kDaysBeforeMonthFromMarch[] = {0, 31, 61, 92, 122, 153, 184, 214, 245, 275, 306, 337};
  const uint32_t y = year + 400 - (month <= 2);
  const uint32_t era = DivideBy400(y);
  const uint32_t yoe = y - era * 400;
  const uint32_t doy = kDaysBeforeMonthFromMarch[month > 2 ? month - 3 : month + 9] + day - 1;
  const uint32_t doe = yoe * 365 + yoe / 4 - DivideBy100(yoe) + doy;
  return static_cast<int32_t>(era * 146097 + doe) - 719468 - 146097;
}
static_assert(DaysFromCivilYear0To9999(1970, 1, 1) == 0);
static_assert(DaysFromCivilYear0To9999(2000, 3, 1) == 11017);
static_assert(DaysFromCivilYear0To9999(0, 1, 1) == -719528);
static_assert(DaysFromCivilYear0To9999(9999, 12, 31) == 2932896);
static_assert(IsLeapYear(2000) && IsLeapYear(2024) && !IsLeapYear(1900) && !IsLeapYear(2023));

// True when each byte of `x` selected by `lanes` (0xff per byte) is an ASCII digit.
inline bool DigitLanes(uint64_t x, uint64_t lanes) {
  const uint64_t high_not_3 = ((x & 0xf0f0f0f0f0f0f0f0ULL) ^ 0x3030303030303030ULL) & lanes;
  const uint64_t low_over_9 = ((x & 0x0f0f0f0f0f0f0f0fULL) + 0x0606060606060606ULL) & 0xf0f0f0f0f0f0f0f0ULL & lanes;
  return (high_not_3 | low_over_9) == 0;
}

inline uint32_t DigitAt(std::string_view s, size_t i) { return static_cast<uint32_t>(s[i] - '0'); }

// Exactly "YYYY-MM-DD HH:MM:SS" (or with 'T'), the layout of most files: its digits are checked
// two words at a time instead of a branch per character. False means "not this layout", and the
// general parser decides.
bool ParseCommonTimestamp(std::string_view s, int64_t* micros) {
  if (s.size() != 19 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' ||
      s[16] != ':') {
    return false;
  }
  uint64_t date_word, time_word;  // "YYYY-MM-" and "HH:MM:SS"
  std::memcpy(&date_word, s.data(), 8);
  std::memcpy(&time_word, s.data() + 11, 8);
  const uint64_t day_word = static_cast<uint64_t>(static_cast<uint8_t>(s[8])) |
                            static_cast<uint64_t>(static_cast<uint8_t>(s[9])) << 8;
  if (!DigitLanes(date_word, 0x00ffff00ffffffffULL) ||
      !DigitLanes(time_word, 0xffff00ffff00ffffULL) || !DigitLanes(day_word, 0xffffULL)) {
    return false;
  }
  const uint32_t year = DigitAt(s, 0) * 1000 + DigitAt(s, 1) * 100 + DigitAt(s, 2) * 10 + DigitAt(s, 3);
  const uint32_t month = DigitAt(s, 5) * 10 + DigitAt(s, 6);
  const uint32_t day = DigitAt(s, 8) * 10 + DigitAt(s, 9);
  const uint32_t hh = DigitAt(s, 11) * 10 + DigitAt(s, 12);
  const uint32_t mm = DigitAt(s, 14) * 10 + DigitAt(s, 15);
  const uint32_t ss = DigitAt(s, 17) * 10 + DigitAt(s, 18);
  if (hh > 23 || mm > 59 || ss > 60 || month - 1 > 11 || day == 0 || day > kDaysInMonth[month - 1]) return false;
  if (month == 2 && day == 29 && !IsLeapYear(year)) return false;
  *micros = static_cast<int64_t>(DaysFromCivilYear0To9999(year, month, day)) * kMicrosPerDay +
            (static_cast<int64_t>(hh) * 3600 + mm * 60 + ss) * kMicrosPerSecond;
  return true;
}

}  // namespace

bool ParseDateInto(std::string_view text, int32_t* days) {
  return ParseDatePart(text, days) == 10 && text.size() == 10;
}

std::optional<int32_t> ParseDate(std::string_view text) {
  int32_t days;
  if (!ParseDateInto(text, &days)) return std::nullopt;
  return days;
}

bool ParseTimestampInto(std::string_view s, int64_t* out, bool* had_offset) {
  if (had_offset) *had_offset = false;
  if (ParseCommonTimestamp(s, out)) return true;
  int32_t days;
  if (ParseDatePart(s, &days) == 0) return false;
  int64_t micros = static_cast<int64_t>(days) * kMicrosPerDay;
  size_t pos = 10;
  if (pos == s.size()) {
    *out = micros;
    return true;
  }
  if (s[pos] != ' ' && s[pos] != 'T') return false;
  ++pos;
  uint32_t hh, mm, ss = 0;
  if (!Digits(s, pos, 2, &hh) || pos + 2 >= s.size() || s[pos + 2] != ':' || !Digits(s, pos + 3, 2, &mm)) {
    return false;
  }
  pos += 5;
  if (pos < s.size() && s[pos] == ':') {
    if (!Digits(s, pos + 1, 2, &ss)) return false;
    pos += 3;
  }
  if (hh > 23 || mm > 59 || ss > 60) return false;
  int64_t frac = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 6) { frac = frac * 10 + (s[pos] - '0'); ++digits; }
      ++pos;
    }
    if (digits == 0) return false;
    for (; digits < 6; ++digits) frac *= 10;
  }
  micros += (static_cast<int64_t>(hh) * 3600 + mm * 60 + ss) * kMicrosPerSecond + frac;
  if (pos == s.size()) {
    *out = micros;
    return true;
  }
  if (s[pos] == 'Z' || s[pos] == 'z') {
    if (had_offset) *had_offset = true;
    if (pos + 1 != s.size()) return false;
    *out = micros;
    return true;
  }
  if (s[pos] == '+' || s[pos] == '-') {
    int sign = s[pos] == '-' ? -1 : 1;
    uint32_t oh, om = 0;
    if (!Digits(s, pos + 1, 2, &oh)) return false;
    size_t p = pos + 3;
    if (p < s.size() && s[p] == ':') ++p;
    if (p < s.size()) {
      if (!Digits(s, p, 2, &om)) return false;
      p += 2;
    }
    if (p != s.size() || oh > 23 || om > 59) return false;
    if (had_offset) *had_offset = true;
    *out = micros - sign * (static_cast<int64_t>(oh) * 3600 + om * 60) * kMicrosPerSecond;
    return true;
  }
  return false;
}

std::optional<int64_t> ParseTimestamp(std::string_view text, bool* had_offset) {
  int64_t micros;
  if (!ParseTimestampInto(text, &micros, had_offset)) return std::nullopt;
  return micros;
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

// Calendar arithmetic and fast parsing/formatting of dates and timestamps (proleptic Gregorian,
// UTC). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace logidata {

inline constexpr int64_t kMicrosPerSecond = 1'000'000;
inline constexpr int64_t kMicrosPerDay = 86'400LL * kMicrosPerSecond;

struct CivilDate {
  int32_t year;
  uint32_t month;  // 1..12
  uint32_t day;    // 1..31
};

// Days since 1970-01-01 for a civil date (any valid y/m/d).
int32_t DaysFromCivil(int32_t year, uint32_t month, uint32_t day);
CivilDate CivilFromDays(int32_t days);
bool IsValidCivil(int32_t year, uint32_t month, uint32_t day);

// Parses "YYYY-MM-DD". Returns days since epoch, or nullopt when not a valid date.
std::optional<int32_t> ParseDate(std::string_view text);
// Parses "YYYY-MM-DD[( |T)HH:MM[:SS[.ffffff]]][Z|(+|-)HH[:MM]]" into microseconds since epoch.
// An offset, when present, is applied so the result is UTC; `had_offset` reports it.
std::optional<int64_t> ParseTimestamp(std::string_view text, bool* had_offset = nullptr);
// The same parsers for per-value loops: a returned std::optional went through the stack as a
// flag byte and a value, and reading it back stalled (most of ParseTimestamp's time in a CSV read).
bool ParseDateInto(std::string_view text, int32_t* days);
bool ParseTimestampInto(std::string_view text, int64_t* micros, bool* had_offset = nullptr);

// "YYYY-MM-DD"
std::string FormatDate(int32_t days);
// "YYYY-MM-DD HH:MM:SS[.ffffff]" (fraction only when non-zero, trailing zeros kept to 6 digits).
std::string FormatTimestamp(int64_t micros);
// Appends the formatted value to `out` without allocating a temporary string.
void AppendDate(int32_t days, std::string& out);
void AppendTimestamp(int64_t micros, std::string& out);

// Floor division helpers for negative times.
inline int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace logidata

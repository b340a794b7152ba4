// parse_date(text, format), parse_timestamp(text, format) and format_date(date|timestamp, format)
// with strftime-style formats. The format must be a constant; it is compiled once when the
// expression binds, so an unknown directive is a bind error naming the function and argument.
// Directives: %Y %y %m %d %e %j %H %I %M %S %f %p %b %B %a %A %z %F %T %%. Names are English,
// independent of the process locale (libc strptime/strftime are not, and are not thread-safe
// with setlocale). Text that does not match is a row error. Thread-safe: compiled formats are
// immutable and shared by kernels.
#include <array>
#include <cctype>
#include <cstring>

#include "expression/function_registry.h"
#include "types/temporal.h"

namespace logidata::expr {

namespace {

constexpr std::array<const char*, 12> kMonths = {"January", "February", "March",     "April",   "May",      "June",
                                                 "July",    "August",   "September", "October", "November", "December"};
constexpr std::array<const char*, 7> kWeekdays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                  "Thursday", "Friday", "Saturday"};

struct FormatToken {
  char directive = 0;   // 0: literal text
  std::string literal;  // for literals
};
using CompiledFormat = std::vector<FormatToken>;

constexpr std::string_view kDirectives = "YymdejHIMSfpbBaAzFT";

// Splits a format into literals and directives; %F and %T expand to their parts.
Result<CompiledFormat> CompileFormat(const std::string& format, bool* has_time) {
  CompiledFormat out;
  *has_time = false;
  auto literal = [&](char c) {
    if (out.empty() || out.back().directive != 0) out.push_back({});
    out.back().literal.push_back(c);
  };
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') {
      literal(format[i]);
      continue;
    }
    if (i + 1 >= format.size()) return Status::InvalidArgument("the format ends with a lone '%'");
    char d = format[++i];
    if (d == '%') {
      literal('%');
    } else if (d == 'F') {
      for (const char* part : {"Y", "-", "m", "-", "d"}) {
        if (*part == '-') literal('-');
        else out.push_back({*part, ""});
      }
    } else if (d == 'T') {
      *has_time = true;
      for (const char* part : {"H", ":", "M", ":", "S"}) {
        if (*part == ':') literal(':');
        else out.push_back({*part, ""});
      }
    } else if (kDirectives.find(d) != std::string_view::npos) {
      if (std::strchr("HIMSfpz", d) != nullptr) *has_time = true;
      out.push_back({d, ""});
    } else {
      return Status::InvalidArgument(std::string("unknown directive '%") + d + "' (supported: %Y %y %m %d %e %j %H %I %M %S %f %p %b %B %a %A %z %F %T %%)");
    }
  }
  return out;
}

// Fields gathered while parsing; unset ones take their defaults (1970-01-01 00:00:00).
struct ParsedTime {
  int64_t year = 1970;
  int64_t month = 1, day = 1, day_of_year = 0;
  int64_t hour = 0, minute = 0, second = 0, micros = 0;
  int pm = -1;  // -1 no %p, 0 AM, 1 PM
  int64_t offset_seconds = 0;
};

bool ReadNumber(std::string_view text, size_t* pos, int max_digits, int64_t* out) {
  size_t p = *pos;
  int64_t v = 0;
  int digits = 0;
  while (p < text.size() && digits < max_digits && std::isdigit(static_cast<unsigned char>(text[p]))) {
    v = v * 10 + (text[p] - '0');
    ++p;
    ++digits;
  }
  if (digits == 0) return false;
  *pos = p;
  *out = v;
  return true;
}

// Matches an English name (full or its first three letters), case-insensitively.
template <size_t N>
bool ReadName(std::string_view text, size_t* pos, const std::array<const char*, N>& names, int64_t* index) {
  auto matches = [&](const char* name, size_t len) {
    if (*pos + len > text.size()) return false;
    for (size_t k = 0; k < len; ++k) {
      if (std::tolower(static_cast<unsigned char>(text[*pos + k])) != std::tolower(static_cast<unsigned char>(name[k]))) return false;
    }
    return true;
  };
  for (size_t i = 0; i < N; ++i) {
    size_t full = std::strlen(names[i]);
    for (size_t len : {full, size_t{3}}) {
      if (matches(names[i], len)) {
        *pos += len;
        *index = static_cast<int64_t>(i);
        return true;
      }
    }
  }
  return false;
}

// Parses `text` against `format`; false with `why` set when it does not match.
bool ParseWithFormat(std::string_view text, const CompiledFormat& format, ParsedTime* t, std::string* why) {
  size_t pos = 0;
  for (const auto& tok : format) {
    if (tok.directive == 0) {
      if (text.substr(pos, tok.literal.size()) != tok.literal) {
        *why = "expected '" + tok.literal + "' at position " + std::to_string(pos + 1);
        return false;
      }
      pos += tok.literal.size();
      continue;
    }
    bool ok = true;
    int64_t v = 0;
    switch (tok.directive) {
      case 'Y': ok = ReadNumber(text, &pos, 4, &t->year); break;
      case 'y':
        ok = ReadNumber(text, &pos, 2, &v);
        t->year = v < 69 ? 2000 + v : 1900 + v;  // POSIX pivot
        break;
      case 'm': ok = ReadNumber(text, &pos, 2, &t->month); break;
      case 'e':
        if (pos < text.size() && text[pos] == ' ') ++pos;
        [[fallthrough]];
      case 'd': ok = ReadNumber(text, &pos, 2, &t->day); break;
      case 'j': ok = ReadNumber(text, &pos, 3, &t->day_of_year); break;
      case 'H': case 'I': ok = ReadNumber(text, &pos, 2, &t->hour); break;
      case 'M': ok = ReadNumber(text, &pos, 2, &t->minute); break;
      case 'S': ok = ReadNumber(text, &pos, 2, &t->second); break;
      case 'f': {
        size_t start = pos;
        ok = ReadNumber(text, &pos, 6, &v);
        for (size_t k = pos - start; ok && k < 6; ++k) v *= 10;
        t->micros = v;
        break;
      }
      case 'p': {
        std::string_view two = text.substr(pos, 2);
        if (two.size() == 2 && (two[1] == 'M' || two[1] == 'm') && std::strchr("AaPp", two[0]) != nullptr) {
          t->pm = (two[0] == 'P' || two[0] == 'p') ? 1 : 0;
          pos += 2;
        } else {
          ok = false;
        }
        break;
      }
      case 'b': case 'B':
        ok = ReadName(text, &pos, kMonths, &v);
        t->month = v + 1;
        break;
      case 'a': case 'A': ok = ReadName(text, &pos, kWeekdays, &v); break;  // checked by nothing: informative only
      case 'z': {
        if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
          ++pos;
          t->offset_seconds = 0;
          break;
        }
        if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) {
          ok = false;
          break;
        }
        int sign = text[pos] == '-' ? -1 : 1;
        ++pos;
        int64_t hh = 0, mm = 0;
        ok = ReadNumber(text, &pos, 2, &hh);
        if (ok && pos < text.size() && text[pos] == ':') ++pos;
        if (ok && pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ok = ReadNumber(text, &pos, 2, &mm);
        t->offset_seconds = sign * (hh * 3600 + mm * 60);
        break;
      }
    }
    if (!ok) {
      *why = std::string("%") + tok.directive + " does not match at position " + std::to_string(pos + 1);
      return false;
    }
  }
  if (pos != text.size()) {
    *why = "unexpected text '" + std::string(text.substr(pos)) + "' after the format";
    return false;
  }
  return true;
}

// Day number and micros of day from parsed fields, validating ranges.
bool ToDaysAndMicros(ParsedTime t, int32_t* days, int64_t* micros_of_day, std::string* why) {
  if (t.pm >= 0) {
    if (t.hour < 1 || t.hour > 12) {
      *why = "hour " + std::to_string(t.hour) + " is not 1-12 with %p";
      return false;
    }
    t.hour = t.hour % 12 + (t.pm == 1 ? 12 : 0);
  }
  if (t.hour > 23 || t.minute > 59 || t.second > 59) {
    *why = "time of day out of range";
    return false;
  }
  if (t.day_of_year > 0) {
    bool leap = IsValidCivil(static_cast<int32_t>(t.year), 2, 29);
    if (t.day_of_year > (leap ? 366 : 365)) {
      *why = "day of year " + std::to_string(t.day_of_year) + " out of range";
      return false;
    }
    *days = DaysFromCivil(static_cast<int32_t>(t.year), 1, 1) + static_cast<int32_t>(t.day_of_year - 1);
  } else {
    if (!IsValidCivil(static_cast<int32_t>(t.year), static_cast<uint32_t>(t.month), static_cast<uint32_t>(t.day))) {
      *why = "no such date " + std::to_string(t.year) + "-" + std::to_string(t.month) + "-" + std::to_string(t.day);
      return false;
    }
    *days = DaysFromCivil(static_cast<int32_t>(t.year), static_cast<uint32_t>(t.month), static_cast<uint32_t>(t.day));
  }
  *micros_of_day = ((t.hour * 60 + t.minute) * 60 + t.second - t.offset_seconds) * kMicrosPerSecond + t.micros;
  return true;
}

void AppendPadded(std::string& out, int64_t v, int width, char pad = '0') {
  std::string digits = std::to_string(v < 0 ? -v : v);
  if (v < 0) out.push_back('-');
  for (int k = static_cast<int>(digits.size()); k < width; ++k) out.push_back(pad);
  out.append(digits);
}

void FormatWith(const CompiledFormat& format, int32_t days, int64_t micros_of_day, std::string& out) {
  CivilDate c = CivilFromDays(days);
  int64_t hour = micros_of_day / (3600 * kMicrosPerSecond);
  int64_t minute = micros_of_day / (60 * kMicrosPerSecond) % 60;
  int64_t second = micros_of_day / kMicrosPerSecond % 60;
  int64_t weekday = ((static_cast<int64_t>(days) + 4) % 7 + 7) % 7;
  for (const auto& tok : format) {
    switch (tok.directive) {
      case 0: out.append(tok.literal); break;
      case 'Y': AppendPadded(out, c.year, 4); break;
      case 'y': AppendPadded(out, ((c.year % 100) + 100) % 100, 2); break;
      case 'm': AppendPadded(out, c.month, 2); break;
      case 'd': AppendPadded(out, c.day, 2); break;
      case 'e': AppendPadded(out, c.day, 2, ' '); break;
      case 'j': AppendPadded(out, days - DaysFromCivil(c.year, 1, 1) + 1, 3); break;
      case 'H': AppendPadded(out, hour, 2); break;
      case 'I': AppendPadded(out, hour % 12 == 0 ? 12 : hour % 12, 2); break;
      case 'M': AppendPadded(out, minute, 2); break;
      case 'S': AppendPadded(out, second, 2); break;
      case 'f': AppendPadded(out, micros_of_day % kMicrosPerSecond, 6); break;
      case 'p': out.append(hour < 12 ? "AM" : "PM"); break;
      case 'B': out.append(kMonths[c.month - 1]); break;
      case 'b': out.append(kMonths[c.month - 1], 3); break;
      case 'A': out.append(kWeekdays[static_cast<size_t>(weekday)]); break;
      case 'a': out.append(kWeekdays[static_cast<size_t>(weekday)], 3); break;
      case 'z': out.append("+0000"); break;  // values are UTC
    }
  }
}

Result<std::shared_ptr<const CompiledFormat>> BindFormat(CallBinder& b, size_t i, bool* has_time) {
  LD_RETURN_IF_ERROR(b.Coerce(i, DataType::String()));
  LD_ASSIGN_OR_RETURN(Value v, b.RequireConstant(i, "the format"));
  if (v.is_null()) return b.Error(static_cast<int>(i), "argument " + std::to_string(i + 1) + " (the format) must not be NULL");
  auto compiled = CompileFormat(v.string_value(), has_time);
  if (!compiled.ok()) {
    return b.Error(static_cast<int>(i), "argument " + std::to_string(i + 1) + " (the format '" +
                                            v.string_value() + "'): " + compiled.status().message());
  }
  return std::make_shared<const CompiledFormat>(std::move(*compiled));
}

template <bool kTimestamp>
Result<NodePtr> BindParse(CallBinder& b) {
  LD_RETURN_IF_ERROR(b.Coerce(0, DataType::String()));
  bool has_time = false;
  LD_ASSIGN_OR_RETURN(auto format, BindFormat(b, 1, &has_time));
  std::string name = b.name();
  KernelFn kernel = [format, name](const FunctionNode& self, std::vector<Datum>& args, int64_t n,
                                   const EvalContext& ctx) -> Result<Datum> {
    StringReader s(args[0]);
    BufferPtr validity = StrictValidity(args, n);
    BufferPtr values = NewBuffer(n * (kTimestamp ? 8 : 4));
    std::string why;
    for (int64_t i = 0; i < n; ++i) {
      if (validity != nullptr && !GetBit(validity->data(), i)) continue;
      ParsedTime t;
      int32_t days = 0;
      int64_t micros = 0;
      if (!ParseWithFormat(s[i], *format, &t, &why) || !ToDaysAndMicros(t, &days, &micros, &why)) {
        return ctx.RowError(i, name + ": '" + std::string(s[i]) + "' does not match the format (" + why + ")");
      }
      if (kTimestamp) {
        values->mutable_data_as<int64_t>()[i] = static_cast<int64_t>(days) * kMicrosPerDay + micros;
      } else {
        values->mutable_data_as<int32_t>()[i] = days;
      }
    }
    return Datum::Array(MakeColumn(self.type(), n, std::move(validity), values));
  };
  return NodePtr(std::make_unique<FunctionNode>(b.name(), kTimestamp ? DataType::Timestamp() : DataType::Date(),
                                                std::move(b.args()), kernel, true, true, b.offset()));
}

Result<NodePtr> BindFormatDate(CallBinder& b) {
  if (b.args()[0]->type().id != TypeId::kDate && b.args()[0]->type().id != TypeId::kTimestamp) {
    LD_RETURN_IF_ERROR(b.Coerce(0, DataType::Timestamp()));
  }
  bool has_time = false;
  LD_ASSIGN_OR_RETURN(auto format, BindFormat(b, 1, &has_time));
  KernelFn kernel = [format](const FunctionNode& self, std::vector<Datum>& args, int64_t n, const EvalContext&) -> Result<Datum> {
    const bool is_date = self.children()[0]->type().id == TypeId::kDate;
    FixedReader<int32_t> dates = is_date ? MakeFixedReader<int32_t>(args[0]) : FixedReader<int32_t>{};
    FixedReader<int64_t> stamps = is_date ? FixedReader<int64_t>{} : MakeFixedReader<int64_t>(args[0]);
    BufferPtr validity = StrictValidity(args, n);
    StringWriter w(n, n * 20);
    std::string out;
    for (int64_t i = 0; i < n; ++i) {
      if (validity != nullptr && !GetBit(validity->data(), i)) {
        w.AppendEmpty();
        continue;
      }
      int32_t days = is_date ? dates[i] : static_cast<int32_t>(FloorDiv(stamps[i], kMicrosPerDay));
      int64_t micros = is_date ? 0 : stamps[i] - static_cast<int64_t>(days) * kMicrosPerDay;
      out.clear();
      FormatWith(*format, days, micros, out);
      w.Append(out);
    }
    return Datum::Array(w.Finish(self.type(), std::move(validity)));
  };
  return NodePtr(std::make_unique<FunctionNode>(b.name(), DataType::String(), std::move(b.args()), kernel, true, false, b.offset()));
}

}  // namespace

void RegisterDateFormatFunctions(FunctionRegistry& r) {
  const char* kCategory = "Dates and times";
  r.Add({"parse_date", 2, 2, "parse_date(text, format)", BindParse<false>,
         "Parses text into a date with a strftime-style format (%Y %y %m %d %e %j %b %B %a %A %F and "
         "literal text). Text that does not match the whole format, or names no real date, fails the row.",
         {{"parse_date('15/01/2024', '%d/%m/%Y')", "2024-01-15"}, {"parse_date('Mar 5, 24', '%b %e, %y')", "2024-03-05"}},
         kCategory});
  r.Add({"parse_timestamp", 2, 2, "parse_timestamp(text, format)", BindParse<true>,
         "Parses text into a UTC timestamp with a strftime-style format; adds %H %I %M %S %f (1-6 fraction "
         "digits) %p %T and %z (+hh:mm, +hhmm or Z; the result is converted to UTC).",
         {{"parse_timestamp('2024-01-15 10:30:45', '%F %T')", "2024-01-15 10:30:45"},
          {"parse_timestamp('01/15/2024 02:05 PM', '%m/%d/%Y %I:%M %p')", "2024-01-15 14:05:00"},
          {"parse_timestamp('2024-01-15T10:30:00+02:00', '%FT%T%z')", "2024-01-15 08:30:00"}},
         kCategory});
  r.Add({"format_date", 2, 2, "format_date(date|timestamp, format)", BindFormatDate,
         "Formats a date or timestamp as text with a strftime-style format (English month and day names).",
         {{"format_date(DATE '2024-01-15', '%d %B %Y (%a)')", "15 January 2024 (Mon)"},
          {"format_date(TIMESTAMP '2024-01-15 14:05:09', '%Y%m%d-%H%M%S')", "20240115-140509"}},
         kCategory});
}

}  // namespace logidata::expr

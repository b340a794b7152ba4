// Date/time functions: year, quarter, month, day, hour, minute, second, day_of_week (0 = Sunday),
// day_of_year, date_trunc(unit, t), date_diff(unit, start, end) (boundaries crossed, like DuckDB),
// date_add(unit, n, t) (months clamp to the month's last day), now() and current_date (fixed
// per compilation, so one run sees one instant). Units: year, quarter, month, week (starts on
// Monday), day, hour, minute, second, millisecond, microsecond.
#include <cctype>

#include "expression/function_registry.h"
#include "types/temporal.h"

namespace logidata::expr {

namespace {

enum class Unit { kYear, kQuarter, kMonth, kWeek, kDay, kHour, kMinute, kSecond, kMillisecond, kMicrosecond };

bool ParseUnit(std::string text, Unit* out) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (text.size() > 1 && text.back() == 's') text.pop_back();
  static const std::pair<const char*, Unit> kUnits[] = {
      {"year", Unit::kYear},     {"quarter", Unit::kQuarter}, {"month", Unit::kMonth},
      {"week", Unit::kWeek},     {"day", Unit::kDay},         {"hour", Unit::kHour},
      {"minute", Unit::kMinute}, {"second", Unit::kSecond},   {"millisecond", Unit::kMillisecond},
      {"microsecond", Unit::kMicrosecond}};
  for (const auto& [name, unit] : kUnits) {
    if (text == name) {
      *out = unit;
      return true;
    }
  }
  return false;
}

int64_t MicrosOf(Unit u) {
  switch (u) {
    case Unit::kWeek: return 7 * kMicrosPerDay;
    case Unit::kDay: return kMicrosPerDay;
    case Unit::kHour: return 3600 * kMicrosPerSecond;
    case Unit::kMinute: return 60 * kMicrosPerSecond;
    case Unit::kSecond: return kMicrosPerSecond;
    case Unit::kMillisecond: return 1000;
    default: return 1;
  }
}

// Reads argument `i` as microseconds since the epoch (dates at midnight).
struct TimeReader {
  FixedReader<int32_t> days;
  FixedReader<int64_t> micros;
  bool is_date;
  explicit TimeReader(const Datum& d, bool date) : is_date(date) {
    if (date) days = MakeFixedReader<int32_t>(d);
    else micros = MakeFixedReader<int64_t>(d);
  }
  int64_t Micros(int64_t i) const { return is_date ? static_cast<int64_t>(days[i]) * kMicrosPerDay : micros[i]; }
  int32_t Days(int64_t i) const {
    return is_date ? days[i] : static_cast<int32_t>(FloorDiv(micros[i], kMicrosPerDay));
  }
};

enum class Part { kYear, kQuarter, kMonth, kDay, kHour, kMinute, kSecond, kDayOfWeek, kDayOfYear };

template <Part kPart>
Result<Datum> Extract(const FunctionNode& self, std::vector<Datum>& args, int64_t n, const EvalContext&) {
  TimeReader t(args[0], self.children()[0]->type().id == TypeId::kDate);
  BufferPtr values = NewBuffer(n * 8);
  int64_t* out = values->mutable_data_as<int64_t>();
  for (int64_t i = 0; i < n; ++i) {
    int32_t days = t.Days(i);
    int64_t micros_of_day = t.is_date ? 0 : t.micros[i] - static_cast<int64_t>(days) * kMicrosPerDay;
    switch (kPart) {
      case Part::kYear: out[i] = CivilFromDays(days).year; break;
      case Part::kQuarter: out[i] = (CivilFromDays(days).month - 1) / 3 + 1; break;
      case Part::kMonth: out[i] = CivilFromDays(days).month; break;
      case Part::kDay: out[i] = CivilFromDays(days).day; break;
      case Part::kHour: out[i] = micros_of_day / (3600 * kMicrosPerSecond); break;
      case Part::kMinute: out[i] = micros_of_day / (60 * kMicrosPerSecond) % 60; break;
      case Part::kSecond: out[i] = micros_of_day / kMicrosPerSecond % 60; break;
      case Part::kDayOfWeek: out[i] = ((static_cast<int64_t>(days) + 4) % 7 + 7) % 7; break;  // 1970-01-01: Thursday
      case Part::kDayOfYear: {
        CivilDate c = CivilFromDays(days);
        out[i] = days - DaysFromCivil(c.year, 1, 1) + 1;
        break;
      }
    }
  }
  return Datum::Array(MakeColumn(self.type(), n, StrictValidity(args, n), values));
}

// Binds f(date|timestamp, …): a date stays a date, anything else becomes a timestamp.
Status CoerceTemporal(CallBinder& b, size_t i) {
  if (b.args()[i]->type().id == TypeId::kDate) return Status::OK();
  if (b.args()[i]->type().id == TypeId::kTimestamp) return Status::OK();
  return b.Coerce(i, DataType::Timestamp());
}

template <Part kPart>
Result<NodePtr> BindExtract(CallBinder& b) {
  LD_RETURN_IF_ERROR(CoerceTemporal(b, 0));
  return NodePtr(std::make_unique<FunctionNode>(b.name(), DataType::Int64(), std::move(b.args()), Extract<kPart>, true,
                                                false, b.offset()));
}

Result<Unit> RequireUnit(CallBinder& b, size_t i) {
  LD_RETURN_IF_ERROR(b.Coerce(i, DataType::String()));
  LD_ASSIGN_OR_RETURN(Value v, b.RequireConstant(i, "the unit"));
  Unit unit;
  if (v.is_null() || !ParseUnit(v.string_value(), &unit)) {
    return b.Error(static_cast<int>(i), "unknown unit " + (v.is_null() ? std::string("NULL") : "'" + v.string_value() + "'") +
                                            " (expected year, quarter, month, week, day, hour, minute, second, "
                                            "millisecond or microsecond)");
  }
  return unit;
}

int32_t TruncDays(int32_t days, Unit unit) {
  CivilDate c = CivilFromDays(days);
  switch (unit) {
    case Unit::kYear: return DaysFromCivil(c.year, 1, 1);
    case Unit::kQuarter: return DaysFromCivil(c.year, (c.month - 1) / 3 * 3 + 1, 1);
    case Unit::kMonth: return DaysFromCivil(c.year, c.month, 1);
    case Unit::kWeek: return days - static_cast<int32_t>(((static_cast<int64_t>(days) + 3) % 7 + 7) % 7);  // Monday
    default: return days;
  }
}

Result<NodePtr> BindTrunc(CallBinder& b) {
  LD_ASSIGN_OR_RETURN(Unit unit, RequireUnit(b, 0));
  LD_RETURN_IF_ERROR(CoerceTemporal(b, 1));
  DataType type = b.args()[1]->type();
  KernelFn kernel = [unit](const FunctionNode& self, std::vector<Datum>& args, int64_t n, const EvalContext&) -> Result<Datum> {
    const bool is_date = self.type().id == TypeId::kDate;
    TimeReader t(args[1], is_date);
    BufferPtr values = NewBuffer(n * (is_date ? 4 : 8));
    for (int64_t i = 0; i < n; ++i) {
      if (is_date) {
        values->mutable_data_as<int32_t>()[i] = TruncDays(t.days[i], unit);
      } else if (unit <= Unit::kDay) {
        values->mutable_data_as<int64_t>()[i] = static_cast<int64_t>(TruncDays(t.Days(i), unit)) * kMicrosPerDay;
      } else {
        int64_t step = MicrosOf(unit);
        values->mutable_data_as<int64_t>()[i] = FloorDiv(t.micros[i], step) * step;
      }
    }
    return Datum::Array(MakeColumn(self.type(), n, StrictValidity(args, n), values));
  };
  return NodePtr(std::make_unique<FunctionNode>(b.name(), type, std::move(b.args()), kernel, true, false, b.offset()));
}

int64_t MonthIndex(int32_t days) {
  CivilDate c = CivilFromDays(days);
  return static_cast<int64_t>(c.year) * 12 + (c.month - 1);
}

Result<NodePtr> BindDiff(CallBinder& b) {
  LD_ASSIGN_OR_RETURN(Unit unit, RequireUnit(b, 0));
  LD_RETURN_IF_ERROR(CoerceTemporal(b, 1));
  LD_RETURN_IF_ERROR(CoerceTemporal(b, 2));
  if (b.args()[1]->type().id != b.args()[2]->type().id) {
    LD_RETURN_IF_ERROR(b.Coerce(1, DataType::Timestamp()));
    LD_RETURN_IF_ERROR(b.Coerce(2, DataType::Timestamp()));
  }
  KernelFn kernel = [unit](const FunctionNode& self, std::vector<Datum>& args, int64_t n, const EvalContext&) -> Result<Datum> {
    const bool is_date = self.children()[1]->type().id == TypeId::kDate;
    TimeReader a(args[1], is_date), z(args[2], is_date);
    BufferPtr values = NewBuffer(n * 8);
    int64_t* out = values->mutable_data_as<int64_t>();
    for (int64_t i = 0; i < n; ++i) {
      switch (unit) {
        case Unit::kYear: out[i] = CivilFromDays(z.Days(i)).year - CivilFromDays(a.Days(i)).year; break;
        case Unit::kQuarter: out[i] = MonthIndex(z.Days(i)) / 3 - MonthIndex(a.Days(i)) / 3; break;
        case Unit::kMonth: out[i] = MonthIndex(z.Days(i)) - MonthIndex(a.Days(i)); break;
        case Unit::kWeek: out[i] = (static_cast<int64_t>(z.Days(i)) - a.Days(i)) / 7; break;
        case Unit::kDay: out[i] = static_cast<int64_t>(z.Days(i)) - a.Days(i); break;
        default: {
          int64_t step = MicrosOf(unit);
          out[i] = FloorDiv(z.Micros(i), step) - FloorDiv(a.Micros(i), step);
        }
      }
    }
    return Datum::Array(MakeColumn(self.type(), n, StrictValidity(args, n), values));
  };
  return NodePtr(std::make_unique<FunctionNode>(b.name(), DataType::Int64(), std::move(b.args()), kernel, true, false, b.offset()));
}

// Adds `amount` months to a day number, clamping the day to the target month's length.
bool AddMonths(int32_t days, int64_t amount, int32_t* out) {
  CivilDate c = CivilFromDays(days);
  int64_t index = static_cast<int64_t>(c.year) * 12 + (c.month - 1);
  if (amount > 12 * 300000 || amount < -12 * 300000) return false;
  index += amount;
  int64_t year = index >= 0 ? index / 12 : -((-index + 11) / 12);
  uint32_t month = static_cast<uint32_t>(index - year * 12 + 1);
  if (year > 200000 || year < -200000) return false;
  uint32_t day = c.day;
  while (day > 28 && !IsValidCivil(static_cast<int32_t>(year), month, day)) --day;
  *out = DaysFromCivil(static_cast<int32_t>(year), month, day);
  return true;
}

Result<NodePtr> BindAdd(CallBinder& b) {
  LD_ASSIGN_OR_RETURN(Unit unit, RequireUnit(b, 0));
  LD_RETURN_IF_ERROR(b.Coerce(1, DataType::Int64()));
  LD_RETURN_IF_ERROR(CoerceTemporal(b, 2));
  bool date_in = b.args()[2]->type().id == TypeId::kDate;
  bool date_out = date_in && unit <= Unit::kDay;
  DataType type = date_out ? DataType::Date() : (date_in ? DataType::Timestamp() : b.args()[2]->type());
  KernelFn kernel = [unit, date_in, date_out](const FunctionNode& self, std::vector<Datum>& args, int64_t n,
                                              const EvalContext& ctx) -> Result<Datum> {
    FixedReader<int64_t> amount = MakeFixedReader<int64_t>(args[1]);
    TimeReader t(args[2], date_in);
    BufferPtr validity = StrictValidity(args, n);
    BufferPtr values = NewBuffer(n * (date_out ? 4 : 8));
    for (int64_t i = 0; i < n; ++i) {
      if (validity != nullptr && !GetBit(validity->data(), i)) continue;
      int64_t k = amount[i];
      bool ok = true;
      int32_t days = t.Days(i);
      int64_t micros = t.Micros(i);
      int64_t result = 0;
      if (unit <= Unit::kMonth) {
        int64_t months = 0;
        ok = !__builtin_mul_overflow(k, unit == Unit::kYear ? 12 : unit == Unit::kQuarter ? 3 : 1, &months);
        int32_t moved = 0;
        ok = ok && AddMonths(days, months, &moved);
        result = date_out ? moved : static_cast<int64_t>(moved) * kMicrosPerDay + (micros - static_cast<int64_t>(days) * kMicrosPerDay);
      } else {
        int64_t delta = 0;
        ok = !__builtin_mul_overflow(k, MicrosOf(unit), &delta) && !__builtin_add_overflow(micros, delta, &result);
        if (ok && date_out) {
          int64_t d = FloorDiv(result, kMicrosPerDay);
          ok = d >= -100000000 && d <= 100000000;  // keeps day * micros-per-day inside int64
          result = d;
        }
      }
      if (!ok) return ctx.RowError(i, "date_add result out of range");
      if (date_out) values->mutable_data_as<int32_t>()[i] = static_cast<int32_t>(result);
      else values->mutable_data_as<int64_t>()[i] = result;
    }
    return Datum::Array(MakeColumn(self.type(), n, std::move(validity), values));
  };
  return NodePtr(std::make_unique<FunctionNode>(b.name(), type, std::move(b.args()), kernel, true, true, b.offset()));
}

}  // namespace

void RegisterTemporalFunctions(FunctionRegistry& r) {
  r.Add({"year", 1, 1, "year(date)", BindExtract<Part::kYear>});
  r.Add({"quarter", 1, 1, "quarter(date)", BindExtract<Part::kQuarter>});
  r.Add({"month", 1, 1, "month(date)", BindExtract<Part::kMonth>});
  r.Add({"day", 1, 1, "day(date)", BindExtract<Part::kDay>});
  r.Add({"hour", 1, 1, "hour(timestamp)", BindExtract<Part::kHour>});
  r.Add({"minute", 1, 1, "minute(timestamp)", BindExtract<Part::kMinute>});
  r.Add({"second", 1, 1, "second(timestamp)", BindExtract<Part::kSecond>});
  r.Add({"day_of_week", 1, 1, "day_of_week(date)", BindExtract<Part::kDayOfWeek>});
  r.Add({"day_of_year", 1, 1, "day_of_year(date)", BindExtract<Part::kDayOfYear>});
  const char* kCategory = "Dates and times";
  r.Add({"date_trunc", 2, 2, "date_trunc(unit, date)", BindTrunc,
         "Rounds a date or timestamp down to the start of its unit (weeks start on Monday).",
         {{"date_trunc('month', DATE '2024-02-29')", "2024-02-01"}, {"date_trunc('week', DATE '2024-01-17')", "2024-01-15"}},
         kCategory});
  r.Add({"date_diff", 3, 3, "date_diff(unit, start, end)", BindDiff,
         "Counts the unit boundaries crossed from `start` to `end` (negative when end is earlier). "
         "`date - date` is date_diff('day', …).",
         {{"date_diff('day', DATE '2024-01-15', DATE '2024-03-01')", "46"},
          {"date_diff('month', DATE '2024-01-31', DATE '2024-02-01')", "1"},
          {"DATE '2024-03-01' - DATE '2024-01-15'", "46"}},
         kCategory});
  r.Add({"date_add", 3, 3, "date_add(unit, amount, date)", BindAdd,
         "Adds `amount` units (year, quarter, month, week, day, hour, minute, second, millisecond, microsecond; "
         "negative to subtract) to a date or timestamp. Months clamp to the target month's last day; a date "
         "plus a sub-day unit becomes a timestamp. `date + n` and `date - n` add or subtract days.",
         {{"date_add('month', 1, DATE '2024-01-31')", "2024-02-29"},
          {"date_add('hour', -3, TIMESTAMP '2024-01-15 01:00:00')", "2024-01-14 22:00:00"},
          {"DATE '2024-01-15' + 30", "2024-02-14"}},
         kCategory});
  r.Add({"now", 0, 0, "now()", [](CallBinder& b) -> Result<NodePtr> {
           int64_t now = b.now_micros();
           KernelFn k = [now](const FunctionNode&, std::vector<Datum>&, int64_t, const EvalContext&) -> Result<Datum> {
             return Datum::Scalar(Value::Timestamp(now));
           };
           return NodePtr(std::make_unique<FunctionNode>(b.name(), DataType::Timestamp(), std::vector<NodePtr>{}, k, false,
                                                         false, b.offset()));
         }});
  r.Add({"current_date", 0, 0, "current_date", [](CallBinder& b) -> Result<NodePtr> {
           int32_t today = static_cast<int32_t>(FloorDiv(b.now_micros(), kMicrosPerDay));
           KernelFn k = [today](const FunctionNode&, std::vector<Datum>&, int64_t, const EvalContext&) -> Result<Datum> {
             return Datum::Scalar(Value::Date(today));
           };
           return NodePtr(std::make_unique<FunctionNode>(b.name(), DataType::Date(), std::vector<NodePtr>{}, k, false,
                                                         false, b.offset()));
         }});
}

}  // namespace logidata::expr

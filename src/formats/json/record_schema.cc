#include "formats/json/record_schema.h"

#include <charconv>
#include <cmath>
#include <unordered_map>

#include "module/module_descriptor.h"
#include "types/column_builder.h"
#include "types/temporal.h"
#include "types/value.h"

namespace logidata {

namespace {

// What one sampled cell could be, narrowest first; merging two picks their common type.
enum class Guess { kNull, kBool, kInt, kDouble, kDate, kTimestamp, kString };

std::optional<bool> ParseBoolText(std::string_view s) {
  if (s == "true" || s == "TRUE" || s == "True") return true;
  if (s == "false" || s == "FALSE" || s == "False") return false;
  return std::nullopt;
}

std::optional<int64_t> ParseIntText(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<double> ParseDoubleText(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

bool LooksTemporal(std::string_view s) { return s.size() >= 10 && s[4] == '-' && s[7] == '-'; }

Guess GuessCell(const Cell& c) {
  switch (c.kind) {
    case Cell::Kind::kNull: return Guess::kNull;
    case Cell::Kind::kBool: return Guess::kBool;
    case Cell::Kind::kInt: return Guess::kInt;
    case Cell::Kind::kDouble: return Guess::kDouble;
    case Cell::Kind::kDate: return Guess::kDate;
    case Cell::Kind::kTimestamp: return Guess::kTimestamp;
    case Cell::Kind::kText:
      if (c.s.empty()) return Guess::kNull;
      if (ParseBoolText(c.s)) return Guess::kBool;
      if (ParseIntText(c.s)) return Guess::kInt;
      if (ParseDoubleText(c.s)) return Guess::kDouble;
      [[fallthrough]];
    case Cell::Kind::kString:
      if (LooksTemporal(c.s)) {
        if (c.s.size() == 10 && ParseDate(c.s)) return Guess::kDate;
        if (ParseTimestamp(c.s)) return Guess::kTimestamp;
      }
      return Guess::kString;
  }
  return Guess::kString;
}

Guess Merge(Guess a, Guess b) {
  if (a == b || b == Guess::kNull) return a;
  if (a == Guess::kNull) return b;
  auto numeric = [](Guess g) { return g == Guess::kInt || g == Guess::kDouble; };
  auto temporal = [](Guess g) { return g == Guess::kDate || g == Guess::kTimestamp; };
  if (numeric(a) && numeric(b)) return Guess::kDouble;
  if (temporal(a) && temporal(b)) return Guess::kTimestamp;
  return Guess::kString;
}

DataType TypeOf(Guess g) {
  switch (g) {
    case Guess::kBool: return DataType::Bool();
    case Guess::kInt: return DataType::Int64();
    case Guess::kDouble: return DataType::Float64();
    case Guess::kDate: return DataType::Date();
    case Guess::kTimestamp: return DataType::Timestamp();
    default: return DataType::String();
  }
}

std::string CellText(const Cell& c) {
  switch (c.kind) {
    case Cell::Kind::kNull: return "";
    case Cell::Kind::kBool: return c.b ? "true" : "false";
    case Cell::Kind::kInt: return std::to_string(c.i);
    case Cell::Kind::kDouble: return FormatDouble(c.d);
    case Cell::Kind::kDate: return FormatDate(static_cast<int32_t>(c.i));
    case Cell::Kind::kTimestamp: return FormatTimestamp(c.i);
    default: return c.s;
  }
}

// Unscaled decimal of `text` at `scale`; nullopt when not a plain decimal number or too precise.
std::optional<int128_t> ParseDecimalText(std::string_view text, int scale) {
  bool neg = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    neg = text[0] == '-';
    text.remove_prefix(1);
  }
  int128_t v = 0;
  int frac = -1;
  bool digits = false;
  for (char ch : text) {
    if (ch == '.' && frac < 0) {
      frac = 0;
      continue;
    }
    if (ch < '0' || ch > '9') return std::nullopt;
    digits = true;
    if (frac >= 0) {
      if (frac == scale) {
        if (ch != '0') return std::nullopt;
        continue;
      }
      ++frac;
    }
    v = v * 10 + (ch - '0');
    if (v > (int128_t{1} << 120)) return std::nullopt;
  }
  if (!digits) return std::nullopt;
  for (int f = frac < 0 ? 0 : frac; f < scale; ++f) v *= 10;
  return neg ? -v : v;
}

// Appends `c` to `b` as b.type(); false when it does not read as that type.
bool AppendCell(const Cell& c, ColumnBuilder& b) {
  if (c.kind == Cell::Kind::kNull || (c.kind == Cell::Kind::kText && c.s.empty() && b.type().id != TypeId::kString)) {
    b.AppendNull();
    return true;
  }
  const bool text = c.kind == Cell::Kind::kString || c.kind == Cell::Kind::kText;
  switch (b.type().id) {
    case TypeId::kString:
    case TypeId::kBinary:
      b.AppendString(CellText(c));
      return true;
    case TypeId::kBool:
      if (c.kind == Cell::Kind::kBool) return b.AppendBool(c.b), true;
      if (text) {
        if (auto v = ParseBoolText(c.s)) return b.AppendBool(*v), true;
      }
      return false;
    case TypeId::kInt32:
    case TypeId::kInt64: {
      std::optional<int64_t> v;
      if (c.kind == Cell::Kind::kInt) v = c.i;
      if (c.kind == Cell::Kind::kDouble && c.d == std::trunc(c.d) && std::fabs(c.d) < 9.2e18) v = static_cast<int64_t>(c.d);
      if (c.kind == Cell::Kind::kBool) v = c.b ? 1 : 0;
      if (text) v = ParseIntText(c.s);
      if (!v) return false;
      if (b.type().id == TypeId::kInt32) {
        if (*v < INT32_MIN || *v > INT32_MAX) return false;
        b.AppendInt32(static_cast<int32_t>(*v));
      } else {
        b.AppendInt64(*v);
      }
      return true;
    }
    case TypeId::kFloat64:
      if (c.kind == Cell::Kind::kInt) return b.AppendDouble(static_cast<double>(c.i)), true;
      if (c.kind == Cell::Kind::kDouble) return b.AppendDouble(c.d), true;
      if (text) {
        if (auto v = ParseDoubleText(c.s)) return b.AppendDouble(*v), true;
      }
      return false;
    case TypeId::kDecimal: {
      std::string t = c.kind == Cell::Kind::kDouble ? FormatDouble(c.d) : CellText(c);
      auto v = ParseDecimalText(t, b.type().scale);
      if (!v) return false;
      b.AppendDecimal(*v);
      return true;
    }
    case TypeId::kDate:
      if (c.kind == Cell::Kind::kDate) return b.AppendDate(static_cast<int32_t>(c.i)), true;
      if (c.kind == Cell::Kind::kTimestamp && c.i % kMicrosPerDay == 0) {
        return b.AppendDate(static_cast<int32_t>(FloorDiv(c.i, kMicrosPerDay))), true;
      }
      if (text) {
        if (auto v = ParseDate(c.s)) return b.AppendDate(*v), true;
      }
      return false;
    case TypeId::kTimestamp:
      if (c.kind == Cell::Kind::kTimestamp) return b.AppendTimestamp(c.i), true;
      if (c.kind == Cell::Kind::kDate) return b.AppendTimestamp(c.i * kMicrosPerDay), true;
      if (text) {
        if (auto v = ParseTimestamp(c.s)) return b.AppendTimestamp(*v), true;
      }
      return false;
    default:
      return false;
  }
}

}  // namespace

bool AppendRecordCell(const Cell& cell, ColumnBuilder& b) { return AppendCell(cell, b); }

std::string RecordCellText(const Cell& cell) { return CellText(cell); }

std::map<std::string, std::string> ColumnOverrides(const nlohmann::json& config) {
  std::map<std::string, std::string> out;
  auto it = config.find("columns");
  if (it == config.end() || !it->is_object()) return out;
  for (const auto& [name, type] : it->items()) {
    if (type.is_string()) out[name] = type.get<std::string>();
  }
  return out;
}

Result<SchemaPtr> InferRecordSchema(const std::vector<Record>& sample, const std::map<std::string, std::string>& overrides) {
  std::vector<std::string> names;
  std::unordered_map<std::string, size_t> index;
  std::vector<Guess> guesses;
  for (const Record& r : sample) {
    for (const auto& [name, cell] : r.fields) {
      auto [it, inserted] = index.emplace(name, names.size());
      if (inserted) {
        names.push_back(name);
        guesses.push_back(Guess::kNull);
      }
      guesses[it->second] = Merge(guesses[it->second], GuessCell(cell));
    }
  }
  for (const auto& [name, type] : overrides) {
    if (index.emplace(name, names.size()).second) {
      names.push_back(name);
      guesses.push_back(Guess::kString);
    }
  }
  std::vector<Field> fields;
  for (size_t i = 0; i < names.size(); ++i) {
    DataType type = TypeOf(guesses[i]);
    auto o = overrides.find(names[i]);
    if (o != overrides.end()) {
      auto parsed = DataType::Parse(o->second);
      if (!parsed.ok()) return ConfigError("/columns/" + names[i], parsed.status().message());
      type = *parsed;
    }
    fields.push_back(Field{names[i], type, true});
  }
  return MakeSchema(std::move(fields));
}

Result<BatchPtr> BuildRecordBatch(const SchemaPtr& schema, const std::vector<Record>& records, size_t begin, size_t end,
                                  const std::string& path, UnknownKeys* unknown, uint64_t position_base) {
  const int n = schema->num_fields();
  const auto rows = static_cast<int64_t>(end - begin);
  std::vector<ColumnBuilder> builders;
  builders.reserve(static_cast<size_t>(n));
  std::unordered_map<std::string_view, int> index;
  for (int c = 0; c < n; ++c) {
    builders.emplace_back(schema->field(c).type, rows);
    index.emplace(schema->field(c).name, c);
  }
  std::vector<const Cell*> row(static_cast<size_t>(n));
  for (size_t r = begin; r < end; ++r) {
    std::fill(row.begin(), row.end(), nullptr);
    for (const auto& [name, cell] : records[r].fields) {
      auto it = index.find(name);
      if (it == index.end()) {
        if (unknown != nullptr) {
          unknown->Add(name, position_base + r, [&] {
            return records[r].line > 0 ? path + ":" + std::to_string(records[r].line) : path + " record " + std::to_string(r + 1);
          });
        }
        continue;
      }
      // A repeated key: the first one counts (the streaming NDJSON reader cannot take back a value).
      if (row[static_cast<size_t>(it->second)] == nullptr) row[static_cast<size_t>(it->second)] = &cell;
    }
    for (int c = 0; c < n; ++c) {
      const Cell* cell = row[static_cast<size_t>(c)];
      auto& b = builders[static_cast<size_t>(c)];
      if (cell == nullptr) {
        b.AppendNull();
      } else if (!AppendCell(*cell, b)) {
        std::string where = path;
        if (records[r].line > 0) where += ":" + std::to_string(records[r].line);
        return Status::DataError(where + ": column '" + schema->field(c).name + "': cannot read '" + CellText(*cell) +
                                 "' as " + schema->field(c).type.ToString() +
                                 " (set its type in `columns`, or raise `infer_rows`)");
      }
    }
  }
  std::vector<ColumnPtr> columns;
  for (auto& b : builders) columns.push_back(b.Finish());
  return Batch::Make(schema, std::move(columns), rows);
}

}  // namespace logidata

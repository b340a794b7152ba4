#include "transforms/null_filling.h"

#include <cmath>

#include "module/module_descriptor.h"
#include "transforms/null_column.h"
#include "transforms/string_column_writer.h"
#include "types/temporal.h"

namespace logidata {
namespace {

// Parses "-12.5" into an unscaled decimal with `scale` digits; false when not a plain number.
bool ParseDecimalText(std::string_view text, int scale, int128_t* out) {
  int128_t value = 0;
  bool negative = false;
  int fraction_digits = -1;
  size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  if (i == text.size()) return false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.' && fraction_digits < 0) {
      fraction_digits = 0;
    } else if (c >= '0' && c <= '9') {
      if (fraction_digits >= scale) continue;  // extra digits are truncated
      value = value * 10 + (c - '0');
      if (fraction_digits >= 0) ++fraction_digits;
    } else {
      return false;
    }
  }
  for (int k = std::max(fraction_digits, 0); k < scale; ++k) value *= 10;
  *out = negative ? -value : value;
  return true;
}

template <typename T>
ColumnPtr FillFixed(const Column& in, T constant) {
  const int64_t n = in.length();
  auto values = Buffer::CopyOf(in.values<T>(), static_cast<size_t>(n) * sizeof(T));
  T* dst = values->template mutable_data_as<T>();
  for (int64_t i = 0; i < n; ++i) {
    if (in.IsNull(i)) dst[i] = constant;
  }
  return std::make_shared<const Column>(in.type(), n, nullptr, values, nullptr, 0);
}

}  // namespace

Result<NullFiller> NullFiller::Make(const nlohmann::json& value, const DataType& type, const std::string& pointer) {
  NullFiller f;
  f.type_ = type;
  auto wrong = [&](const std::string& expected) {
    return ConfigError(pointer, "must be " + expected + " to fill a " + type.ToString() + " column, got " +
                                    value.dump());
  };
  switch (type.id) {
    case TypeId::kNull:
      return ConfigError(pointer, "the column has no type yet (all values are NULL); cast it first");
    case TypeId::kBool:
      if (!value.is_boolean()) return wrong("true or false");
      f.bool_ = value.get<bool>();
      break;
    case TypeId::kInt32:
    case TypeId::kInt64: {
      if (!value.is_number_integer()) return wrong("an integer");
      const int64_t v = value.get<int64_t>();
      if (type.id == TypeId::kInt32 && (v < INT32_MIN || v > INT32_MAX)) return wrong("a 32-bit integer");
      f.int_ = v;
      break;
    }
    case TypeId::kFloat64:
      if (!value.is_number()) return wrong("a number");
      f.double_ = value.get<double>();
      break;
    case TypeId::kDecimal: {
      std::string text = value.is_string() ? value.get<std::string>() : value.is_number() ? value.dump() : "";
      if (!ParseDecimalText(text, type.scale, &f.decimal_)) return wrong("a number");
      break;
    }
    case TypeId::kString:
    case TypeId::kBinary:
      if (value.is_string()) {
        f.string_ = value.get<std::string>();
      } else if (value.is_number() || value.is_boolean()) {
        f.string_ = value.dump();
      } else {
        return wrong("a string");
      }
      break;
    case TypeId::kDate: {
      auto days = value.is_string() ? ParseDate(value.get<std::string>()) : std::nullopt;
      if (!days) return wrong("a date \"YYYY-MM-DD\"");
      f.int_ = *days;
      break;
    }
    case TypeId::kTimestamp: {
      auto micros = value.is_string() ? ParseTimestamp(value.get<std::string>()) : std::nullopt;
      if (!micros) return wrong("a timestamp \"YYYY-MM-DD HH:MM:SS\"");
      f.int_ = *micros;
      break;
    }
  }
  return f;
}

ColumnPtr NullFiller::Fill(const ColumnPtr& column) const {
  if (column->null_count() == 0) return column;
  // A column made without value buffers is all NULL: give it buffers so the loops below can read.
  ColumnPtr owned = column->values_buffer() == nullptr ? AllNullColumn(column->type(), column->length()) : column;
  const Column& in = *owned;
  const int64_t n = in.length();
  switch (type_.id) {
    case TypeId::kBool: {
      auto values = std::make_shared<Buffer>();
      values->Resize(static_cast<size_t>(BitmapBytes(n)), true);
      for (int64_t i = 0; i < n; ++i) {
        SetBitTo(values->mutable_data(), i, in.IsNull(i) ? bool_ : in.GetBool(i));
      }
      return std::make_shared<const Column>(type_, n, nullptr, values, nullptr, 0);
    }
    case TypeId::kInt32:
    case TypeId::kDate:
      return FillFixed<int32_t>(in, static_cast<int32_t>(int_));
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return FillFixed<int64_t>(in, int_);
    case TypeId::kFloat64:
      return FillFixed<double>(in, double_);
    case TypeId::kDecimal:
      return FillFixed<int128_t>(in, decimal_);
    case TypeId::kString:
    case TypeId::kBinary: {
      const int32_t* offsets = in.offsets();
      StringColumnWriter out(n, static_cast<size_t>(offsets[n] - offsets[0]) +
                                    static_cast<size_t>(in.null_count()) * string_.size());
      for (int64_t i = 0; i < n; ++i) out.Append(in.IsNull(i) ? std::string_view(string_) : in.GetString(i));
      return out.Finish(type_, nullptr, 0);
    }
    case TypeId::kNull:
      break;
  }
  return owned;
}

}  // namespace logidata

#include "anomaly/column_measurer.h"

#include <cmath>
#include <type_traits>

#include "profile/value_hash.h"

namespace logidata::anomaly {

template <typename T>
void ColumnMeasurer::AddNumbers(const Column& column, double scale) {
  const T* values = column.values<T>();
  const bool all_valid = column.null_count() == 0;
  for (int64_t r = 0; r < column.length(); ++r) {
    if (!all_valid && column.IsNull(r)) {
      ++nulls_;
      continue;
    }
    const T v = values[r];
    if constexpr (std::is_same_v<T, double>) {
      if (std::isnan(v)) {
        distinct_.Add(profile::HashInt(0x7ff8000000000000LL));
        continue;  // NaN has no place between min and max
      }
      distinct_.Add(profile::HashDouble(v));
    } else if constexpr (sizeof(T) == 16) {
      distinct_.Add(profile::Mix64(static_cast<uint64_t>(v) ^ profile::HashInt(static_cast<int64_t>(v >> 64))));
    } else {
      distinct_.Add(profile::HashInt(static_cast<int64_t>(v)));
    }
    const double d = static_cast<double>(v) / scale;
    if (!any_number_) {
      min_ = max_ = d;
      any_number_ = true;
    } else {
      min_ = std::min(min_, d);
      max_ = std::max(max_, d);
    }
  }
}

void ColumnMeasurer::Add(const Column& column) {
  rows_ += column.length();
  const DataType& type = column.type();
  switch (type.id) {
    case TypeId::kInt32: AddNumbers<int32_t>(column, 1); return;
    case TypeId::kInt64: AddNumbers<int64_t>(column, 1); return;
    case TypeId::kFloat64: AddNumbers<double>(column, 1); return;
    case TypeId::kDecimal: AddNumbers<__int128>(column, std::pow(10.0, type.scale)); return;
    case TypeId::kNull: nulls_ += column.length(); return;
    case TypeId::kString:
    case TypeId::kBinary:
      for (int64_t r = 0; r < column.length(); ++r) {
        if (column.IsNull(r)) ++nulls_;
        else distinct_.Add(profile::HashBytes(column.GetString(r)));
      }
      return;
    case TypeId::kBool:
      for (int64_t r = 0; r < column.length(); ++r) {
        if (column.IsNull(r)) ++nulls_;
        else distinct_.Add(profile::HashInt(column.GetBool(r) ? 1 : 0));
      }
      return;
    case TypeId::kDate:
    case TypeId::kTimestamp: {
      // Distinct dates and times matter (a feed stuck on one day); their min and max as numbers
      // would only confuse, so they are not kept.
      const bool wide = type.id == TypeId::kTimestamp;
      for (int64_t r = 0; r < column.length(); ++r) {
        if (column.IsNull(r)) ++nulls_;
        else distinct_.Add(profile::HashInt(wide ? column.Get<int64_t>(r) : column.Get<int32_t>(r)));
      }
      return;
    }
  }
}

void ColumnMeasurer::Report(const std::string& node_id, const std::string& column, RunMeasurements* run) const {
  if (rows_ == 0) return;
  run->Set(node_id, column, kNullRate, static_cast<double>(nulls_) / static_cast<double>(rows_));
  run->Set(node_id, column, kDistinct, std::round(distinct_.Estimate()));
  if (any_number_) {
    run->Set(node_id, column, kMin, min_);
    run->Set(node_id, column, kMax, max_);
  }
}

}  // namespace logidata::anomaly

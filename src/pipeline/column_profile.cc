// Column statistics for previews: exact over the (bounded) sample.
#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "pipeline/run_pipeline.h"

namespace logidata {

namespace {

// Numeric view of a value for ordering and histograms (dates/timestamps as their integers).
bool AsNumber(const Column& c, int64_t row, double* out) {
  switch (c.type().id) {
    case TypeId::kInt32:
    case TypeId::kDate: *out = c.Get<int32_t>(row); return true;
    case TypeId::kInt64:
    case TypeId::kTimestamp: *out = static_cast<double>(c.Get<int64_t>(row)); return true;
    case TypeId::kFloat64: *out = c.Get<double>(row); return !std::isnan(*out);
    case TypeId::kDecimal: *out = static_cast<double>(c.Get<int128_t>(row)) / std::pow(10.0, c.type().scale); return true;
    case TypeId::kBool: *out = c.GetBool(row) ? 1 : 0; return true;
    default: return false;
  }
}

std::string FormatBucketEdge(const DataType& type, double v) {
  switch (type.id) {
    case TypeId::kDate: return Value::Date(static_cast<int32_t>(std::floor(v))).ToString();
    case TypeId::kTimestamp: return Value::Timestamp(static_cast<int64_t>(v)).ToString();
    case TypeId::kInt32:
    case TypeId::kInt64: return std::to_string(static_cast<int64_t>(std::floor(v)));
    default: return FormatDouble(std::round(v * 1000) / 1000);
  }
}

}  // namespace

std::vector<ColumnProfile> ProfileColumns(const Schema& schema, const std::vector<BatchPtr>& batches) {
  std::vector<ColumnProfile> profiles;
  for (int c = 0; c < schema.num_fields(); ++c) {
    ColumnProfile p;
    p.name = schema.field(c).name;
    p.type = schema.field(c).type;
    const bool numeric = p.type.IsNumeric() || p.type.IsTemporal() || p.type.id == TypeId::kBool;
    std::unordered_map<std::string, int64_t> counts;
    std::vector<double> numbers;
    double lo = 0, hi = 0;
    const Column* lo_col = nullptr;
    const Column* hi_col = nullptr;
    int64_t lo_row = 0, hi_row = 0;
    std::string smin, smax;
    bool any = false;
    for (const auto& batch : batches) {
      const Column& col = *batch->column(c);
      for (int64_t r = 0; r < col.length(); ++r) {
        ++p.count;
        if (col.IsNull(r)) {
          ++p.nulls;
          continue;
        }
        if (numeric) {
          double v;
          if (!AsNumber(col, r, &v)) continue;
          numbers.push_back(v);
          if (!any || v < lo) { lo = v; lo_col = &col; lo_row = r; }
          if (!any || v > hi) { hi = v; hi_col = &col; hi_row = r; }
          any = true;
          if (p.type.id == TypeId::kBool) ++counts[col.GetBool(r) ? "true" : "false"];
          else ++counts[std::to_string(v)];
        } else {
          std::string s(col.GetString(r));
          if (!any || s < smin) smin = s;
          if (!any || s > smax) smax = s;
          any = true;
          ++counts[s];
        }
      }
    }
    p.distinct_estimate = static_cast<int64_t>(counts.size());
    if (any && numeric && p.type.id != TypeId::kBool) {
      p.min = lo_col->GetValue(lo_row).ToString();
      p.max = hi_col->GetValue(hi_row).ToString();
      const int buckets = hi > lo ? 10 : 1;
      p.histogram_counts.assign(static_cast<size_t>(buckets), 0);
      double width = (hi - lo) / buckets;
      for (int b = 0; b < buckets; ++b) {
        p.histogram_labels.push_back(FormatBucketEdge(p.type, lo + b * width) +
                                     (buckets > 1 ? " – " + FormatBucketEdge(p.type, lo + (b + 1) * width) : ""));
      }
      for (double v : numbers) {
        int b = width > 0 ? std::min(buckets - 1, static_cast<int>((v - lo) / width)) : 0;
        ++p.histogram_counts[static_cast<size_t>(b)];
      }
    } else if (any) {
      if (p.type.id == TypeId::kBool) {
        p.min = counts.count("false") ? "false" : "true";
        p.max = counts.count("true") ? "true" : "false";
      } else {
        p.min = smin;
        p.max = smax;
      }
      std::vector<std::pair<std::string, int64_t>> top(counts.begin(), counts.end());
      std::sort(top.begin(), top.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
      });
      for (size_t i = 0; i < top.size() && i < 10; ++i) {
        p.histogram_labels.push_back(top[i].first);
        p.histogram_counts.push_back(top[i].second);
      }
    }
    profiles.push_back(std::move(p));
  }
  return profiles;
}

}  // namespace logidata

// WindowFunction: one function of transform.window — its bound config (kind, argument column,
// offset, default, buckets, ROWS frame) and the code that evaluates it over the rows of one
// partition, already sorted by the window's order keys.
//
// Frames are ROWS frames: [current - preceding, current + following], clipped to the partition;
// `preceding`/`following` < 0 mean UNBOUNDED. Ranking (row_number, rank, dense_rank, ntile) and
// offset functions (lag, lead) ignore the frame; aggregates (sum, avg, min, max, count) and
// first_value/last_value use it.
//
// Immutable after binding; Evaluate is const and may run on several threads at once (each call
// has its own builder).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "transforms/row_comparator.h"
#include "types/batch.h"
#include "types/column_builder.h"

namespace logidata {

enum class WindowKind {
  kRowNumber, kRank, kDenseRank, kNtile, kLag, kLead, kFirstValue, kLastValue,
  kSum, kAvg, kMin, kMax, kCount,
};

struct WindowFunction {
  WindowKind kind = WindowKind::kRowNumber;
  std::string name;           // the output column
  int column = -1;            // argument column; -1 for ranking functions and count(*)
  DataType output_type;
  int64_t offset = 1;         // lag/lead
  Value default_value;        // lag/lead, null when not given
  int64_t buckets = 1;        // ntile
  int64_t preceding = -1;     // frame start: rows before the current one; -1 = unbounded
  int64_t following = 0;      // frame end: rows after the current one; -1 = unbounded

  // Appends this function's value for every row of one partition to `out`, in partition order.
  // `rows` are the partition's row indices into `data`, sorted; `peers_start[k]` is true when
  // row k starts a new group of order-key peers (k = 0 always does).
  // DataError on overflow (an int64 sum that leaves the int64 range), naming the output column.
  Status Evaluate(const Batch& data, std::span<const int32_t> rows, const std::vector<uint8_t>& peers_start,
                  ColumnBuilder* out) const;
};

// Binds one entry of the window config's `functions` array (found at `pointer`) against the input
// schema. Every mistake is a ConfigError naming the field.
Result<WindowFunction> BindWindowFunction(const nlohmann::json& item, const std::string& pointer, const Schema& schema);

// The names of the functions, as written in configs ("row_number", …), in WindowKind order.
const std::vector<std::string>& WindowFunctionNames();

}  // namespace logidata

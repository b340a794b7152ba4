// Aggregate functions of transform.aggregate: result typing and Accumulators, the per-thread
// state of one aggregate over dense group ids (see key_table.h). An Accumulator is updated from
// column vectors, merged with another thread's accumulator through a group mapping, and finished
// into an output column. Not thread-safe: one per thread, merged single-threaded.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "types/column.h"

namespace logidata {

enum class AggFunction { kCount, kCountDistinct, kSum, kAvg, kMin, kMax, kFirst, kLast, kStddev };

// Names users write in configs ("count", "count_distinct", "sum", "avg", "min", "max", "first",
// "last", "stddev").
std::optional<AggFunction> ParseAggFunction(std::string_view name);
const std::vector<std::string>& AggFunctionNames();

// Result type of `fn` over `input` (nullptr: count(*)). InvalidArgument when `fn` does not accept
// that type (sum of strings). Typing: count/count_distinct → int64; sum of integers → int64
// (overflow is a data error), of decimal(p,s) → decimal(38,s), of float64 → float64; avg and
// stddev (sample) → float64; min/max/first/last keep the input type.
Result<DataType> AggResultType(AggFunction fn, const DataType* input);

class Accumulator {
 public:
  virtual ~Accumulator() = default;
  // Grows to `groups` groups; new groups start empty.
  virtual void Resize(int64_t groups) = 0;
  // Row i of `input` (nullptr for count(*)) belongs to group groups[i]. Its input-order stamp is
  // stamps[i] when `stamps` is given, else stamp_base + i (first/last compare stamps).
  virtual Status Update(const Column* input, const uint32_t* groups, int64_t n, uint64_t stamp_base,
                        const int64_t* stamps) = 0;
  // Folds `other`'s group src[k] into this accumulator's group dst[k].
  // REQUIRES: other was made by the same MakeAccumulator call arguments.
  virtual Status Merge(Accumulator& other, std::span<const uint32_t> src, std::span<const uint32_t> dst) = 0;
  // Results of groups [begin, end).
  virtual ColumnPtr Finish(int64_t begin, int64_t end) = 0;
  virtual int64_t MemoryBytes() const = 0;
};

// `column_name` names the input in data errors ("sum of 'amount' overflows int64").
std::unique_ptr<Accumulator> MakeAccumulator(AggFunction fn, const DataType* input, const DataType& result,
                                             std::string column_name);

}  // namespace logidata

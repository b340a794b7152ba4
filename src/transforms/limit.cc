#include "transforms/limit.h"

#include <algorithm>
#include <atomic>

#include "transforms/config_fields.h"
#include "transforms/row_subset_operator.h"
#include "transforms/transform_descriptor.h"

namespace logidata {
namespace {

class LimitOperator final : public RowSubsetOperator {
 public:
  LimitOperator(SchemaPtr schema, int64_t limit, int64_t offset)
      : RowSubsetOperator(std::move(schema)), limit_(limit), offset_(offset) {}

  bool RequiresOrderedInput(int port) const override { (void)port; return true; }

  Status Consume(int port, const BatchPtr& batch, OperatorState* state, Emitter& out) override {
    (void)port;
    (void)state;
    const int64_t rows = batch->num_rows();
    // Ordered delivery makes calls sequential; the atomic keeps the count sound regardless.
    const int64_t start = rows_seen_.fetch_add(rows, std::memory_order_relaxed);
    const int64_t end = start + rows;
    const int64_t first = std::max(start, offset_);
    const int64_t last = std::min(end, offset_ + limit_);  // exclusive
    if (first >= last) return Status::OK();
    if (first == start && last == end) return out.Emit(batch);
    return out.Emit(SliceBatch(*batch, first - start, last - first));
  }

 private:
  const int64_t limit_;
  const int64_t offset_;
  std::atomic<int64_t> rows_seen_{0};
};

Result<std::unique_ptr<Operator>> BindLimit(const BindContext& ctx) {
  if (ctx.input_schemas.size() != 1) return Status::Internal("limit expects exactly one input");
  if (FindMember(ctx.cfg(), "n") == nullptr) return ConfigError("/n", "is required: the number of rows to keep");
  LD_ASSIGN_OR_RETURN(int64_t n, OptionalInt(ctx.cfg(), "n", "", 0, 0));
  LD_ASSIGN_OR_RETURN(int64_t offset, OptionalInt(ctx.cfg(), "offset", "", 0, 0));
  if (n > INT64_MAX - offset) return ConfigError("/n", "is too large together with 'offset'");
  return std::unique_ptr<Operator>(new LimitOperator(ctx.input_schemas[0], n, offset));
}

}  // namespace

constexpr const char* kLimitDetails = R"md(The node asks the executor for its input batches in order, one at a time; after the last wanted row it emits nothing more.

```json
{"n": 100, "offset": 20}
```)md";

ModuleDescriptor LimitModule() {
  ModuleDescriptor d = SingleInputTransformDescriptor(
      "limit", "rows", "vertical_align_top", "Keeps the first rows of the input, optionally after skipping some.",
      "Rows to cut.", "At most n rows.");
  d.description =
      "Passes at most `n` rows, starting after the first `offset` rows, in input order. Rows are "
      "counted in the order the upstream node produced them, so the result is exact and the same "
      "on every run over the same input.";
  d.config_schema = {
      {"type", "object"},
      {"title", "Limit"},
      {"properties",
       {{"n", {{"type", "integer"}, {"title", "Rows"}, {"description", "Maximum number of rows to keep."},
               {"minimum", 0}, {"default", 1000}}},
        {"offset", {{"type", "integer"}, {"title", "Skip"}, {"description", "Rows to skip before keeping any."},
                    {"minimum", 0}, {"default", 0}}}}},
      {"required", nlohmann::json::array({"n"})},
      {"additionalProperties", false},
  };
  d.factory = BindLimit;
  d.description += "\n\n";
  d.description += kLimitDetails;
  return d;
}

}  // namespace logidata

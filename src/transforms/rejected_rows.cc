#include "transforms/rejected_rows.h"

#include <algorithm>
#include <numeric>

#include "transforms/string_column_writer.h"

namespace logidata {

void RejectedRows::Reject(int64_t row, std::string_view rule, std::string reason) {
  if (IsRejected(row)) return;
  SetBit(bits_.data(), row);
  rows_.push_back(static_cast<int32_t>(row));
  rules_.emplace_back(rule);
  reasons_.push_back(std::move(reason));
}

BatchPtr RejectedRows::Build(const Batch& cleaned, const SchemaPtr& rejects_schema) const {
  std::vector<size_t> order(rows_.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return rows_[a] < rows_[b]; });
  std::vector<int32_t> indices;
  indices.reserve(order.size());
  for (size_t k : order) indices.push_back(rows_[k]);
  std::vector<ColumnPtr> columns;
  columns.reserve(static_cast<size_t>(cleaned.num_columns()) + 2);
  for (const auto& c : cleaned.columns()) columns.push_back(TakeColumn(*c, indices));
  const int64_t n = static_cast<int64_t>(indices.size());
  StringColumnWriter rule(n, 16 * order.size());
  StringColumnWriter reason(n, 48 * order.size());
  for (size_t k : order) {
    rule.Append(rules_[k]);
    reason.Append(reasons_[k]);
  }
  columns.push_back(rule.Finish(DataType::String(), nullptr, 0));
  columns.push_back(reason.Finish(DataType::String(), nullptr, 0));
  return Batch::Make(rejects_schema, std::move(columns), n);
}

SchemaPtr RejectsSchema(const Schema& schema) {
  std::vector<Field> fields = schema.fields();
  fields.push_back(Field{"_rule", DataType::String(), false});
  fields.push_back(Field{"_reason", DataType::String(), false});
  return MakeSchema(std::move(fields));
}

}  // namespace logidata

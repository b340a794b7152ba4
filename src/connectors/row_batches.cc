#include "connectors/row_batches.h"

namespace logidata {

std::vector<ColumnBuilder> MakeBuilders(const Schema& schema, int64_t expected_rows) {
  std::vector<ColumnBuilder> builders;
  builders.reserve(static_cast<size_t>(schema.num_fields()));
  for (const auto& f : schema.fields()) builders.emplace_back(f.type, expected_rows);
  return builders;
}

Status EmitRows(const SchemaPtr& schema, std::vector<ColumnBuilder>& builders, int64_t rows, bool* emitted,
                Emitter& out) {
  if (rows == 0 && *emitted) return Status::OK();
  std::vector<ColumnPtr> columns;
  columns.reserve(builders.size());
  for (auto& b : builders) columns.push_back(b.Finish());
  *emitted = true;
  return out.Emit(Batch::Make(schema, std::move(columns), rows));
}

}  // namespace logidata

#include "types/batch.h"

#include "common/check.h"

namespace logidata {

Batch::Batch(SchemaPtr schema, std::vector<ColumnPtr> columns, int64_t num_rows)
    : schema_(std::move(schema)), columns_(std::move(columns)), num_rows_(num_rows) {
  LD_DCHECK(static_cast<int>(columns_.size()) == schema_->num_fields());
}

BatchPtr Batch::Empty(SchemaPtr schema) {
  std::vector<ColumnPtr> columns;
  for (const auto& f : schema->fields()) columns.push_back(Column::MakeNull(f.type, 0));
  return Make(std::move(schema), std::move(columns), 0);
}

int64_t Batch::ByteSize() const {
  int64_t total = 0;
  for (const auto& c : columns_) total += c->ByteSize();
  return total;
}

Status Batch::Validate() const {
  if (static_cast<int>(columns_.size()) != schema_->num_fields()) {
    return Status::Internal("batch has " + std::to_string(columns_.size()) + " columns but schema has " +
                            std::to_string(schema_->num_fields()));
  }
  for (size_t i = 0; i < columns_.size(); ++i) {
    const auto& f = schema_->field(static_cast<int>(i));
    if (columns_[i]->length() != num_rows_) {
      return Status::Internal("column '" + f.name + "' has " + std::to_string(columns_[i]->length()) +
                              " rows, batch has " + std::to_string(num_rows_));
    }
    if (columns_[i]->type() != f.type) {
      return Status::Internal("column '" + f.name + "' is " + columns_[i]->type().ToString() +
                              " but the schema says " + f.type.ToString());
    }
  }
  return Status::OK();
}

namespace {
BatchPtr WithColumns(const Batch& batch, std::vector<ColumnPtr> columns, int64_t rows) {
  auto out = std::make_shared<Batch>(batch.schema(), std::move(columns), rows);
  out->set_sequence(batch.sequence());
  return out;
}
}  // namespace

BatchPtr TakeBatch(const Batch& batch, std::span<const int32_t> indices) {
  std::vector<ColumnPtr> columns;
  for (const auto& c : batch.columns()) columns.push_back(TakeColumn(*c, indices));
  return WithColumns(batch, std::move(columns), static_cast<int64_t>(indices.size()));
}

BatchPtr FilterBatch(const Batch& batch, const uint8_t* selection, int64_t selected_count) {
  std::vector<int32_t> indices;
  indices.reserve(static_cast<size_t>(selected_count));
  for (int64_t i = 0; i < batch.num_rows(); ++i) {
    if (GetBit(selection, i)) indices.push_back(static_cast<int32_t>(i));
  }
  return TakeBatch(batch, indices);
}

BatchPtr SliceBatch(const Batch& batch, int64_t offset, int64_t length) {
  std::vector<ColumnPtr> columns;
  for (const auto& c : batch.columns()) columns.push_back(SliceColumn(*c, offset, length));
  return WithColumns(batch, std::move(columns), length);
}

BatchPtr ConcatBatches(const std::vector<BatchPtr>& batches) {
  LD_CHECK(!batches.empty());
  std::vector<ColumnPtr> columns;
  int64_t rows = 0;
  for (const auto& b : batches) rows += b->num_rows();
  for (int c = 0; c < batches[0]->num_columns(); ++c) {
    std::vector<ColumnPtr> parts;
    for (const auto& b : batches) parts.push_back(b->column(c));
    columns.push_back(ConcatColumns(parts));
  }
  return WithColumns(*batches[0], std::move(columns), rows);
}

}  // namespace logidata

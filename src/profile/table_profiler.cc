#include "profile/table_profiler.h"

#include "common/check.h"

namespace logidata::profile {

TableProfiler::TableProfiler(const Schema& schema, const ProfileOptions& options) {
  columns_.reserve(static_cast<size_t>(schema.num_fields()));
  for (const Field& field : schema.fields()) columns_.emplace_back(field.name, field.type, options);
}

void TableProfiler::Add(const Batch& batch) {
  LD_CHECK_EQ(static_cast<size_t>(batch.num_columns()), columns_.size());
  for (int c = 0; c < batch.num_columns(); ++c) columns_[static_cast<size_t>(c)].Add(*batch.column(c));
  rows_ += batch.num_rows();
}

void TableProfiler::Merge(const TableProfiler& other) {
  LD_CHECK_EQ(other.columns_.size(), columns_.size());
  for (size_t c = 0; c < columns_.size(); ++c) columns_[c].Merge(other.columns_[c]);
  rows_ += other.rows_;
}

TableStatistics TableProfiler::Finish() const {
  TableStatistics out;
  out.rows = rows_;
  for (const ColumnProfiler& column : columns_) out.columns.push_back(column.Finish());
  return out;
}

}  // namespace logidata::profile

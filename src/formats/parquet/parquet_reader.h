// ParquetReader: our Parquet file reader, usable without the executor. Open() reads and checks the
// footer; ReadRowGroup() decodes the chosen columns of one row group into a Batch. Row groups are
// independent, so after Open() every const method is thread-safe: callers decode row groups in
// parallel (the extract operator does).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "formats/parquet/parquet_predicate.h"
#include "formats/parquet/parquet_schema.h"
#include "io/file_system.h"
#include "parquet_types.h"
#include "types/batch.h"

namespace logidata::parquet {

// Key-value metadata key under which our writer records the time zones of timestamp columns
// (Parquet itself only knows "adjusted to UTC"): a JSON object column -> zone name.
inline constexpr const char* kTimezonesMetadataKey = "logidata.timezones";

class ParquetReader {
 public:
  static Result<std::unique_ptr<ParquetReader>> Open(FileSystem& fs, const std::string& path);
  static Result<std::unique_ptr<ParquetReader>> Open(std::unique_ptr<RandomAccessFile> file);

  // One field per leaf column (see ParquetSchema for the nested-data policy).
  const SchemaPtr& schema() const { return schema_.schema(); }
  const ParquetSchema& parquet_schema() const { return schema_; }
  const pq::FileMetaData& metadata() const { return meta_; }
  const std::string& path() const { return file_->path(); }
  int num_row_groups() const { return static_cast<int>(meta_.row_groups.size()); }
  int64_t num_rows() const { return meta_.num_rows; }
  int64_t row_group_num_rows(int row_group) const { return meta_.row_groups[static_cast<size_t>(row_group)].num_rows; }

  // Statistics of column `column` (index into schema()) in `row_group`.
  ColumnStatistics Statistics(int row_group, int column) const;
  // Row groups whose statistics do not rule out rows satisfying all `predicates` (columns that
  // are unknown or have no usable statistics never prune).
  std::vector<int> SelectRowGroups(const std::vector<ParquetPredicate>& predicates) const;

  // Decodes `columns` (indices into schema(), in the order given) of `row_group`.
  Result<BatchPtr> ReadRowGroup(int row_group, const std::vector<int>& columns) const;
  // Decodes every column of `row_group`.
  Result<BatchPtr> ReadRowGroup(int row_group) const;
  // The whole file, one batch per row group.
  Result<std::vector<BatchPtr>> ReadAll() const;

 private:
  ParquetReader() = default;
  Result<ColumnPtr> ReadColumn(int row_group, int column) const;

  std::unique_ptr<RandomAccessFile> file_;
  int64_t file_size_ = 0;
  int64_t data_end_ = 0;  // where the footer starts
  pq::FileMetaData meta_;
  ParquetSchema schema_;
};

}  // namespace logidata::parquet

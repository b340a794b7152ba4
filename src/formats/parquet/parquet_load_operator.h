// ParquetLoadOperator: the `load.parquet` sink. Writes its input, in input order, to one Parquet
// file or — with partition_by — to a hive-partitioned folder (`year=2024/month=5/part-0.parquet`,
// partition columns left out of the files). A `partition_by` entry year, month or day that is not
// an input column is derived from the row's timestamp: the input's only date/timestamp column, or
// `partition_time_column` (UTC calendar; `month=5`, not `05`). Nothing is visible until Commit(): a single file is
// written atomically through the FileSystem and published at commit; a partitioned dataset is
// written and published as a whole through FileSystem::BeginDataset (a staging folder renamed
// into place on disk, a manifest on object stores). Abort()
// removes everything written. Consume() is serialised by the executor (ordered input); a mutex
// guards it anyway.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "formats/parquet/parquet_writer.h"
#include "module/module_descriptor.h"
#include "module/operator.h"

namespace logidata::parquet {

class ParquetLoadOperator : public Operator {
 public:
  static Result<std::unique_ptr<ParquetLoadOperator>> Bind(const BindContext& ctx);
  ~ParquetLoadOperator() override;

  Status Open(ExecContext& ctx) override;
  bool UsesMemoryBudget() const override { return true; }  // row groups are sized to the budget
  Status Consume(int port, const BatchPtr& batch, OperatorState* state, Emitter& out) override;
  Status FinishPort(int port, const std::vector<OperatorState*>& states) override;
  bool EmitsOnConsume(int port) const override { (void)port; return false; }
  bool RequiresOrderedInput(int port) const override { (void)port; return true; }
  Status Commit() override;
  void Abort() override;
  int64_t MemoryUsage() const override;

 private:
  Result<ParquetWriter*> WriterFor(const std::string& partition_dir);

  FileSystem* fs_ = nullptr;
  std::string path_;
  ParquetWriteOptions options_;
  SchemaPtr input_schema_;
  SchemaPtr file_schema_;                // input minus partition columns
  std::vector<int> partition_columns_;   // input indices, in partition_by order
  // Per partition_by entry: 0 = the input column partition_columns_[k]; 1/2/3 = year/month/day of
  // the input column time_column_ (partition_columns_[k] is then -1).
  std::vector<int> derived_part_;
  std::vector<std::string> partition_names_;
  int time_column_ = -1;
  std::vector<int> data_columns_;        // input indices written to files
  std::unique_ptr<DatasetWrite> dataset_;  // partitioned output only
  std::map<std::string, std::unique_ptr<ParquetWriter>> writers_;  // by partition folder
  std::mutex mu_;
  bool committed_ = false;
  bool row_group_size_set_ = false;      // the config named row_group_size: never cut it to the budget
};

// Rows per row group such that a row group of `schema` (buffered and encoded) fits in about
// `budget_bytes`; at least 16Ki rows.
int64_t RowGroupRowsForBudget(const Schema& schema, int64_t budget_bytes);

// The `load.parquet` descriptor.
ModuleDescriptor ParquetLoadModule();

}  // namespace logidata::parquet

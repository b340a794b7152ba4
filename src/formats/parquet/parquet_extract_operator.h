// ParquetExtractOperator: the `extract.parquet` source. Reads one file, a glob or a directory
// (hive-partitioned `key=value/` folders become typed columns). Work items are row groups of all
// files, pruned by file-level partition values and row-group statistics against the pushed-down
// predicates; Produce() decodes one row group per call and may run on many threads at once
// (each batch carries its row group's position as sequence, so order is preserved downstream).
// Bind and Open are single-threaded; Produce is thread-safe.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "formats/parquet/parquet_predicate.h"
#include "formats/parquet/parquet_reader.h"
#include "module/module_descriptor.h"
#include "module/operator.h"

namespace logidata::parquet {

class ParquetExtractOperator : public Operator {
 public:
  // Expands `path`, reads the first file's footer for the schema and infers partition columns.
  static Result<std::unique_ptr<ParquetExtractOperator>> Bind(const BindContext& ctx);

  // Predicate push-down, called before Open(): row groups (and partition directories) that
  // cannot contain matching rows are skipped. Rows of kept row groups are not filtered.
  void SetFilters(std::vector<ParquetPredicate> filters) { filters_ = std::move(filters); }
  void SetRequiredColumns(const std::vector<int>& columns) override;

  Status Open(ExecContext& ctx) override;
  Result<bool> Produce(OperatorState* state, Emitter& out) override;
  int MaxProduceParallelism() const override { return 64; }

  // After Open(): the number of row groups that will be read.
  size_t planned_row_groups() const { return work_.size(); }

 private:
  struct SourceFile {
    std::string path;
    std::vector<Value> partition_values;  // one per partition column
    std::unique_ptr<ParquetReader> reader;
  };
  struct WorkItem {
    size_t file;
    int row_group;
  };

  FileSystem* fs_ = nullptr;
  std::vector<SourceFile> files_;
  int num_file_columns_ = 0;             // leading output columns that come from the files
  std::vector<std::string> partition_names_;
  std::vector<ParquetPredicate> filters_;
  std::vector<int> required_;            // output columns to decode; empty = all
  std::vector<WorkItem> work_;
  std::atomic<size_t> next_{0};
  const ExecContext* exec_ = nullptr;
};

// The `extract.parquet` descriptor.
ModuleDescriptor ParquetExtractModule();

}  // namespace logidata::parquet

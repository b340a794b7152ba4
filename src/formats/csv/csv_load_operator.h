// CsvLoadOperator: the load.csv sink. Consumes batches in input order (RequiresOrderedInput) and
// writes them as CSV to one file, or to one file per partition value under
// path/col=value/part-0.csv. Nothing is visible until Commit(): a single file is written
// atomically through the FileSystem; a partitioned dataset is written and published as a whole
// through FileSystem::BeginDataset (a staging folder renamed into place on disk, a manifest on
// object stores). Abort() discards everything, leaving the target as it was.
// Consume calls are serialised by the executor; a mutex guards them anyway.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "formats/csv/csv_options.h"
#include "formats/csv/csv_row_formatter.h"
#include "module/operator.h"

namespace logidata {

class CsvLoadOperator final : public Operator {
 public:
  // `path` is resolved; `partition_columns` index the input schema.
  CsvLoadOperator(CsvWriteOptions options, std::string path, SchemaPtr input, std::vector<int> partition_columns);
  ~CsvLoadOperator() override;

  Status Open(ExecContext& ctx) override;
  Status Consume(int port, const BatchPtr& batch, OperatorState* state, Emitter& out) override;
  bool EmitsOnConsume(int port) const override { (void)port; return false; }
  bool RequiresOrderedInput(int port) const override { (void)port; return true; }
  Status Commit() override;
  void Abort() override;

 private:
  struct Output {
    std::unique_ptr<WritableFile> file;
    std::string buffer;
    int64_t rows = 0;
  };
  Result<Output*> OutputFor(const std::string& partition_dir);
  Status Flush(Output* output, bool force);

  CsvWriteOptions options_;
  std::string path_;
  SchemaPtr input_;
  std::vector<int> partition_columns_;
  std::vector<int> data_columns_;
  CsvRowFormatter formatter_;

  std::mutex mu_;
  FileSystem* fs_ = nullptr;
  std::unique_ptr<DatasetWrite> dataset_;  // partitioned output only
  std::map<std::string, Output> outputs_;  // by partition folder ("" when not partitioned)
  bool finished_ = false;
};

}  // namespace logidata

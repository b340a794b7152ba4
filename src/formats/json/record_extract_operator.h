// RecordExtractOperator: the source behind extract.json, extract.xml and extract.xlsx. Produce()
// runs on one thread: each call reads the next file through ExecContext::fs, parses it with the
// format's RecordReader and emits its records as batches of the schema fixed at bind time.
// Fields that are not columns (first seen after the inference sample, or in a later file) are
// collected and logged as one warning once every file is read.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "formats/json/record.h"
#include "formats/json/unknown_keys.h"
#include "module/module_descriptor.h"
#include "module/operator.h"

namespace logidata {

class RecordExtractOperator final : public Operator {
 public:
  // `infer_rows`: how many records the schema was inferred from (named in the warning; 0: unknown).
  RecordExtractOperator(RecordReader reader, std::string pattern, SchemaPtr schema, int64_t infer_rows = 0);

  Status Open(ExecContext& ctx) override;
  Result<bool> Produce(OperatorState* state, Emitter& out) override;
  double ProgressFraction() const override;

 private:
  RecordReader reader_;
  std::string pattern_;
  ExecContext* ctx_ = nullptr;
  FileSystem* fs_ = nullptr;
  std::vector<std::string> files_;
  size_t next_file_ = 0;
  std::vector<Record> records_;  // of the current file
  std::string current_path_;
  size_t next_record_ = 0;
  std::atomic<double> progress_{0};
  int64_t infer_rows_;
  UnknownKeys unknown_;
};

// Binds an extract module: resolves `config.path` (file, glob or folder), reads a sample of
// `config.infer_rows` records of the first file with `reader` and fixes the schema (with
// `config.columns` overrides).
Result<std::unique_ptr<Operator>> MakeRecordExtractOperator(const BindContext& ctx, RecordReader reader);

// The types `config.columns` accepts, as the record modules' schemas list them.
inline constexpr const char* kRecordColumnTypeNames = "bool, int32, int64, float64, decimal(p,s), string, date, timestamp";

}  // namespace logidata

// JsonLoadOperator: the load.json sink. Consumes batches in input order and writes NDJSON (one
// object per line) or one JSON array to a file opened atomically through the FileSystem: the
// file appears at Commit(), Abort() leaves the target as it was. Consume calls are serialised by
// the executor (RequiresOrderedInput); a mutex guards them anyway.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "module/module_descriptor.h"
#include "module/operator.h"

namespace logidata {

class JsonLoadOperator final : public Operator {
 public:
  JsonLoadOperator(std::string path, bool array, SchemaPtr input);
  ~JsonLoadOperator() override;

  Status Open(ExecContext& ctx) override;
  Status Consume(int port, const BatchPtr& batch, OperatorState* state, Emitter& out) override;
  bool EmitsOnConsume(int port) const override { (void)port; return false; }
  bool RequiresOrderedInput(int port) const override { (void)port; return true; }
  Status Commit() override;
  void Abort() override;

 private:
  std::string path_;
  bool array_;
  SchemaPtr input_;
  std::vector<std::string> keys_;  // '"name":' per column, escaped once

  std::mutex mu_;
  std::unique_ptr<WritableFile> file_;
  std::string buffer_;
  int64_t rows_ = 0;
};

// Appends `s` as a JSON string literal (quotes, escapes, control characters as \u00XX).
void AppendJsonString(std::string_view s, std::string* out);
// Appends row `row` of `column` as a JSON value: numbers (decimals exact), true/false, ISO date
// and timestamp strings, null.
void AppendJsonValue(const Column& column, int64_t row, std::string* out);

Result<std::unique_ptr<Operator>> MakeJsonLoadOperator(const BindContext& ctx);

}  // namespace logidata

#include "connectors/object_store_format.h"

#include <algorithm>

#include "formats/csv/csv_modules.h"
#include "formats/json/json_load_operator.h"
#include "formats/json/json_modules.h"
#include "formats/parquet/parquet_modules.h"
#include "formats/xml/xml_load_operator.h"

namespace logidata {

namespace {

// Runs `inner` with `fs` as its file system; forwards every call.
class OnFileSystemOperator final : public Operator {
 public:
  OnFileSystemOperator(std::unique_ptr<FileSystem> fs, std::unique_ptr<Operator> inner)
      : fs_(std::move(fs)), inner_(std::move(inner)) {
    output_schemas_ = inner_->output_schemas();
  }

  Status Open(ExecContext& ctx) override {
    ctx_ = ctx;
    ctx_.fs = fs_.get();
    return inner_->Open(ctx_);
  }
  std::unique_ptr<OperatorState> MakeThreadState() override { return inner_->MakeThreadState(); }
  Status Consume(int port, const BatchPtr& batch, OperatorState* state, Emitter& out) override {
    return inner_->Consume(port, batch, state, out);
  }
  Status FinishPort(int port, const std::vector<OperatorState*>& states) override { return inner_->FinishPort(port, states); }
  bool EmitsOnConsume(int port) const override { return inner_->EmitsOnConsume(port); }
  std::vector<int> PortsRequiredBefore(int port) const override { return inner_->PortsRequiredBefore(port); }
  bool RequiresOrderedInput(int port) const override { return inner_->RequiresOrderedInput(port); }
  Result<bool> Produce(OperatorState* state, Emitter& out) override { return inner_->Produce(state, out); }
  int MaxProduceParallelism() const override { return inner_->MaxProduceParallelism(); }
  void SetRequiredColumns(const std::vector<int>& columns) override { inner_->SetRequiredColumns(columns); }
  Status Commit() override { return inner_->Commit(); }
  void Abort() override { inner_->Abort(); }
  int64_t MemoryUsage() const override { return inner_->MemoryUsage(); }
  bool UsesMemoryBudget() const override { return inner_->UsesMemoryBudget(); }

 private:
  std::unique_ptr<FileSystem> fs_;
  std::unique_ptr<Operator> inner_;
  ExecContext ctx_;
};

std::string FormatList(const std::vector<std::string>& formats) {
  std::string out;
  for (size_t i = 0; i < formats.size(); ++i) {
    if (i > 0) out += i + 1 == formats.size() ? " or " : ", ";
    out += formats[i];
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<Operator>> BindFormatOnObjectStore(const BindContext& ctx, std::unique_ptr<FileSystem> fs,
                                                          const std::string& path, const std::string& format,
                                                          const std::vector<std::string>& formats, bool extract) {
  if (std::find(formats.begin(), formats.end(), format) == formats.end()) {
    return ConfigError("/format", "unsupported format '" + format + "' (" + FormatList(formats) + ")");
  }
  nlohmann::json inner_cfg = ctx.cfg().value("options", nlohmann::json::object());
  inner_cfg["path"] = path;
  BindContext inner = ctx;
  inner.config = &inner_cfg;
  inner.fs = fs.get();
  inner.base_dir.clear();
  inner.sandbox = nullptr;  // paths here are keys in the store, not files on the server
  Result<std::unique_ptr<Operator>> op = Status::Internal("format '" + format + "' has no " + (extract ? "reader" : "writer"));
  if (format == "csv") op = extract ? MakeCsvExtractOperator(inner) : MakeCsvLoadOperator(inner);
  else if (format == "json") op = extract ? MakeJsonExtractOperator(inner) : MakeJsonLoadOperator(inner);
  else if (format == "parquet") op = extract ? MakeParquetExtractOperator(inner) : MakeParquetLoadOperator(inner);
  else if (format == "xml" && !extract) op = MakeXmlLoadOperator(inner);
  if (!op.ok()) {
    const std::string& m = op.status().message();
    // Point inner config errors at our "options" object, except those about the path, which is ours.
    if (!m.empty() && m.front() == '/' && m.rfind("/path", 0) != 0) return Status(op.status().code(), "/options" + m);
    return op.status();
  }
  return std::unique_ptr<Operator>(new OnFileSystemOperator(std::move(fs), std::move(op).value()));
}

}  // namespace logidata

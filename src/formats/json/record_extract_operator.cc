#include "formats/json/record_extract_operator.h"

#include "formats/json/record_schema.h"

namespace logidata {

RecordExtractOperator::RecordExtractOperator(RecordReader reader, std::string pattern, SchemaPtr schema,
                                             int64_t infer_rows)
    : reader_(std::move(reader)), pattern_(std::move(pattern)), infer_rows_(infer_rows) {
  output_schemas_.push_back(std::move(schema));
}

Status RecordExtractOperator::Open(ExecContext& ctx) {
  ctx_ = &ctx;
  fs_ = ctx.fs != nullptr ? ctx.fs : &LocalFileSystem();
  LD_ASSIGN_OR_RETURN(auto files, fs_->Expand(pattern_));
  for (const auto& f : files) files_.push_back(f.path);
  return Status::OK();
}

Result<bool> RecordExtractOperator::Produce(OperatorState* state, Emitter& out) {
  (void)state;
  if (ctx_ != nullptr) LD_RETURN_IF_ERROR(ctx_->CheckCancelled());
  while (next_record_ >= records_.size()) {
    records_.clear();
    next_record_ = 0;
    if (next_file_ >= files_.size()) {
      progress_ = 1;
      if (!unknown_.empty() && ctx_ != nullptr) ctx_->Log(LogLevel::kWarn, unknown_.Message(infer_rows_));
      unknown_ = UnknownKeys();  // reported once
      return false;
    }
    current_path_ = files_[next_file_++];
    LD_ASSIGN_OR_RETURN(auto file, fs_->OpenRead(current_path_));
    LD_ASSIGN_OR_RETURN(BufferPtr data, file->ReadAll());
    LD_RETURN_IF_ERROR(reader_(current_path_, *data, -1, &records_));
    progress_ = static_cast<double>(next_file_) / static_cast<double>(files_.size());
  }
  size_t end = std::min(records_.size(), next_record_ + static_cast<size_t>(kTargetBatchRows));
  LD_ASSIGN_OR_RETURN(BatchPtr batch, BuildRecordBatch(output_schemas_[0], records_, next_record_, end, current_path_,
                                                        &unknown_, static_cast<uint64_t>(next_file_) << 40));
  next_record_ = end;
  LD_RETURN_IF_ERROR(out.Emit(0, std::move(batch)));
  return true;
}

double RecordExtractOperator::ProgressFraction() const { return progress_.load(); }

Result<std::unique_ptr<Operator>> MakeRecordExtractOperator(const BindContext& ctx, RecordReader reader) {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  const nlohmann::json& cfg = ctx.config != nullptr ? ctx.cfg() : kEmpty;
  std::string path = cfg.value("path", std::string());
  if (path.empty()) return ConfigError("/path", "a path is required");
  const int64_t infer_rows = cfg.value("infer_rows", int64_t{10000});
  if (infer_rows < 1) return ConfigError("/infer_rows", "must be at least 1");
  auto overrides = ColumnOverrides(cfg);
  LD_ASSIGN_OR_RETURN(std::string pattern, ctx.ResolvePath(path, "/path"));
  FileSystem* fs = ctx.fs != nullptr ? ctx.fs : &LocalFileSystem();

  std::vector<Record> sample;
  auto files = fs->Expand(pattern);
  Status st = files.status();
  if (st.ok()) {
    auto file = fs->OpenRead(files->front().path);
    st = file.status();
    if (st.ok()) {
      auto data = (*file)->ReadAll();
      st = data.status();
      if (st.ok()) st = reader(files->front().path, **data, infer_rows, &sample);
    }
  }
  if (!st.ok()) {
    // Without the data (editing, validating) explicit columns still give the schema.
    if (ctx.can_touch_data || overrides.empty() || st.IsDataError()) {
      return st.IsDataError() || st.code() == StatusCode::kInvalidArgument ? st : st.WithContext("/path");
    }
    sample.clear();
  }
  LD_ASSIGN_OR_RETURN(SchemaPtr schema, InferRecordSchema(sample, overrides));
  return std::unique_ptr<Operator>(new RecordExtractOperator(std::move(reader), std::move(pattern), std::move(schema), infer_rows));
}

}  // namespace logidata

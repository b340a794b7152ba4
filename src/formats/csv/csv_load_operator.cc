#include "formats/csv/csv_load_operator.h"

#include "formats/csv/csv_compressing_file.h"
#include "formats/csv/csv_modules.h"

namespace logidata {

namespace {

constexpr size_t kFlushBytes = 1 << 20;

// Hive-style escaping of a partition value for use as a folder name.
std::string EscapePartitionValue(std::string_view value) {
  if (value.empty()) return "__HIVE_DEFAULT_PARTITION__";
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : value) {
    auto c = static_cast<unsigned char>(ch);
    bool plain = c >= 0x20 && c != 0x7F && std::string_view("/\\=%:\"'*?<>|#[]{}^").find(ch) == std::string_view::npos;
    if (plain) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string FileExtension(CsvCompression compression) {
  switch (compression) {
    case CsvCompression::kGzip: return ".csv.gz";
    case CsvCompression::kZstd: return ".csv.zst";
    default: return ".csv";
  }
}

}  // namespace

CsvLoadOperator::CsvLoadOperator(CsvWriteOptions options, std::string path, SchemaPtr input,
                                 std::vector<int> partition_columns)
    : options_(std::move(options)),
      path_(std::move(path)),
      input_(std::move(input)),
      partition_columns_(std::move(partition_columns)),
      formatter_(options_) {
  for (int c = 0; c < input_->num_fields(); ++c) {
    if (std::find(partition_columns_.begin(), partition_columns_.end(), c) == partition_columns_.end()) {
      data_columns_.push_back(c);
    }
  }
}

CsvLoadOperator::~CsvLoadOperator() {
  if (!finished_) Abort();
}

Status CsvLoadOperator::Open(ExecContext& ctx) {
  fs_ = ctx.fs != nullptr ? ctx.fs : &LocalFileSystem();
  if (!partition_columns_.empty()) {
    LD_ASSIGN_OR_RETURN(dataset_, fs_->BeginDataset(path_, ctx.run_id));
  } else {
    // Create the single file up front so an empty input still yields a file with its header.
    LD_RETURN_IF_ERROR(OutputFor("").status());
  }
  return Status::OK();
}

Result<CsvLoadOperator::Output*> CsvLoadOperator::OutputFor(const std::string& partition_dir) {
  auto it = outputs_.find(partition_dir);
  if (it != outputs_.end()) return &it->second;
  std::unique_ptr<WritableFile> raw;
  if (partition_columns_.empty()) {
    LD_ASSIGN_OR_RETURN(raw, fs_->OpenWrite(path_, /*atomic=*/true));
  } else {
    LD_ASSIGN_OR_RETURN(raw, dataset_->OpenFile(partition_dir + "/part-0" + FileExtension(options_.compression)));
  }
  Output output;
  LD_ASSIGN_OR_RETURN(output.file, MakeCompressingFile(options_.compression, std::move(raw)));
  if (options_.header) {
    std::vector<std::string> names;
    for (int c : data_columns_) names.push_back(input_->field(c).name);
    formatter_.AppendHeader(names, &output.buffer);
  }
  return &outputs_.emplace(partition_dir, std::move(output)).first->second;
}

Status CsvLoadOperator::Flush(Output* output, bool force) {
  if (output->buffer.empty() || (!force && output->buffer.size() < kFlushBytes)) return Status::OK();
  Status st = output->file->Append(output->buffer);
  output->buffer.clear();
  return st;
}

Status CsvLoadOperator::Consume(int port, const BatchPtr& batch, OperatorState* state, Emitter& out) {
  (void)port;
  (void)state;
  (void)out;
  std::lock_guard<std::mutex> lock(mu_);
  const Batch& b = *batch;
  if (partition_columns_.empty()) {
    LD_ASSIGN_OR_RETURN(Output * output, OutputFor(""));
    output->rows += b.num_rows();
    for (int64_t r = 0; r < b.num_rows(); ++r) {
      formatter_.AppendRow(b, data_columns_, r, &output->buffer);
      if (output->buffer.size() >= kFlushBytes) LD_RETURN_IF_ERROR(Flush(output, true));
    }
    return Status::OK();
  }
  std::string dir, value;
  for (int64_t r = 0; r < b.num_rows(); ++r) {
    dir.clear();
    for (int c : partition_columns_) {
      if (!dir.empty()) dir.push_back('/');
      dir += input_->field(c).name;
      dir.push_back('=');
      value.clear();
      const Column& column = *b.column(c);
      if (!column.IsNull(r)) CsvRowFormatter::AppendValueText(column, r, &value);
      dir += EscapePartitionValue(value);
    }
    LD_ASSIGN_OR_RETURN(Output * output, OutputFor(dir));
    ++output->rows;
    formatter_.AppendRow(b, data_columns_, r, &output->buffer);
    LD_RETURN_IF_ERROR(Flush(output, false));
  }
  return Status::OK();
}

Status CsvLoadOperator::Commit() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<DatasetFile> files;
  for (auto& [dir, output] : outputs_) {
    Status st = Flush(&output, true);
    if (st.ok()) st = output.file->Close();
    output.file.reset();
    if (!st.ok()) {
      finished_ = true;
      for (auto& [d, o] : outputs_) {
        if (o.file) o.file->Abort();
      }
      if (dataset_) dataset_->Abort();
      return st;
    }
    files.push_back({dir + "/part-0" + FileExtension(options_.compression), output.rows});
  }
  finished_ = true;
  if (dataset_) {
    Status st = dataset_->Publish(files);
    if (!st.ok()) dataset_->Abort();
    return st;
  }
  return Status::OK();
}

void CsvLoadOperator::Abort() {
  std::lock_guard<std::mutex> lock(mu_);
  if (finished_) return;
  finished_ = true;
  for (auto& [dir, output] : outputs_) {
    if (output.file) output.file->Abort();
  }
  outputs_.clear();
  if (dataset_) dataset_->Abort();
}

Result<std::unique_ptr<Operator>> MakeCsvLoadOperator(const BindContext& ctx) {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  LD_ASSIGN_OR_RETURN(CsvWriteOptions options, ParseCsvWriteOptions(ctx.config != nullptr ? ctx.cfg() : kEmpty));
  if (ctx.input_schemas.size() != 1 || ctx.input_schemas[0] == nullptr) {
    return Status::Internal("load.csv expects exactly one input");
  }
  const SchemaPtr& schema = ctx.input_schemas[0];
  std::vector<int> partition_columns;
  for (size_t i = 0; i < options.partition_by.size(); ++i) {
    int index = schema->FieldIndex(options.partition_by[i]);
    if (index < 0) {
      return ConfigError("/partition_by/" + std::to_string(i),
                         "no input column '" + options.partition_by[i] + "' (columns: " + schema->ToString() + ")");
    }
    if (std::find(partition_columns.begin(), partition_columns.end(), index) != partition_columns.end()) {
      return ConfigError("/partition_by/" + std::to_string(i), "column '" + options.partition_by[i] + "' is listed twice");
    }
    partition_columns.push_back(index);
  }
  if (!partition_columns.empty() && static_cast<int>(partition_columns.size()) == schema->num_fields()) {
    return ConfigError("/partition_by", "at least one column must remain to be written into the files");
  }
  LD_ASSIGN_OR_RETURN(std::string path, ctx.ResolvePath(options.path, "/path", FileAccess::kWrite));
  return std::unique_ptr<Operator>(new CsvLoadOperator(std::move(options), std::move(path), schema,
                                                       std::move(partition_columns)));
}

}  // namespace logidata

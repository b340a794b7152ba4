#include "formats/csv/csv_extract_operator.h"

#include <algorithm>

#include "formats/csv/csv_record_scan.h"
#include "formats/csv/csv_schema_inference.h"
#include "formats/csv/csv_modules.h"
#include "types/shared_zeros.h"

namespace logidata {

namespace {

struct ExtractThreadState final : public OperatorState {
  TokenizedRecords records;
};

// Line numbers of positions inside one chunk, counted incrementally (positions only grow).
class LineCounter {
 public:
  explicit LineCounter(const CsvChunk& chunk) : chunk_(chunk), line_(chunk.first_line) {}
  int64_t LineAt(size_t pos) {
    if (pos < counted_) {  // out of order: recount from the start
      counted_ = 0;
      line_ = chunk_.first_line;
    }
    line_ += CountNewlines(chunk_.data + counted_, pos - counted_);
    counted_ = pos;
    return line_;
  }

 private:
  const CsvChunk& chunk_;
  int64_t line_;
  size_t counted_ = 0;
};

void AppendCsvField(std::string_view text, std::string* out) {
  out->push_back('"');
  for (char c : text) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

}  // namespace

CsvExtractOperator::CsvExtractOperator(CsvReadOptions options, std::string pattern, std::string rejects_path,
                                       SchemaPtr schema, std::vector<std::string> header, int64_t chunk_bytes)
    : options_(std::move(options)),
      pattern_(std::move(pattern)),
      rejects_path_(std::move(rejects_path)),
      header_(std::move(header)),
      chunk_bytes_(chunk_bytes) {
  output_schemas_.push_back(std::move(schema));
  required_.resize(static_cast<size_t>(output_schemas_[0]->num_fields()));
  for (size_t i = 0; i < required_.size(); ++i) required_[i] = static_cast<int>(i);
  cell_options_.dialect = options_.dialect;
  cell_options_.null_values = options_.null_values;
  cell_options_.latin1 = options_.encoding == CsvEncoding::kLatin1;
}

void CsvExtractOperator::SetRequiredColumns(const std::vector<int>& columns) {
  required_.clear();
  const int n = output_schemas_[0]->num_fields();
  for (int c : columns) {
    if (c >= 0 && c < n) required_.push_back(c);
  }
  std::sort(required_.begin(), required_.end());
  required_.erase(std::unique(required_.begin(), required_.end()), required_.end());
}

Status CsvExtractOperator::Open(ExecContext& ctx) {
  ctx_ = &ctx;
  FileSystem* fs = ctx.fs != nullptr ? ctx.fs : &LocalFileSystem();
  auto files = fs->Expand(pattern_);
  if (!files.ok()) return files.status();
  std::vector<std::string> paths;
  for (const auto& f : *files) paths.push_back(f.path);
  planner_ = std::make_unique<CsvChunkPlanner>(fs, std::move(paths), options_, header_, chunk_bytes_);
  tokenizer_ = std::make_unique<CsvTokenizer>(options_.dialect, output_schemas_[0]->num_fields(), required_);
  return Status::OK();
}

std::unique_ptr<OperatorState> CsvExtractOperator::MakeThreadState() { return std::make_unique<ExtractThreadState>(); }

Result<bool> CsvExtractOperator::Produce(OperatorState* state, Emitter& out) {
  if (ctx_ != nullptr) LD_RETURN_IF_ERROR(ctx_->CheckCancelled());
  LD_ASSIGN_OR_RETURN(std::optional<CsvChunk> chunk, planner_->Next());
  if (!chunk.has_value()) {
    LD_RETURN_IF_ERROR(ChunkFinished(-1, {}, /*planner_exhausted=*/true));
    return false;
  }
  auto batch = ParseChunk(*chunk, state);
  ReleaseChunkPages(*chunk);
  if (!batch.ok()) return batch.status();
  LD_RETURN_IF_ERROR(out.Emit(0, std::move(*batch)));
  return true;
}

Result<BatchPtr> CsvExtractOperator::ParseChunk(const CsvChunk& chunk, OperatorState* state) {
  ExtractThreadState local;
  auto* ts = state != nullptr ? static_cast<ExtractThreadState*>(state) : &local;
  if (chunk.size >= (size_t{1} << 31)) {
    return Status::DataError(*chunk.path + ":" + std::to_string(chunk.first_line) +
                             ": a single record is larger than 2 GiB (an unterminated quote?)");
  }
  TokenizedRecords& rec = ts->records;
  tokenizer_->Tokenize(chunk.data, chunk.size, &rec);
  const Schema& schema = *output_schemas_[0];
  const int64_t n = rec.num_rows;

  std::vector<ColumnPtr> decoded(required_.size());
  std::vector<std::vector<CsvCellError>> cell_errors(required_.size());
  for (size_t s = 0; s < required_.size(); ++s) {
    decoded[s] = DecodeCsvColumn(chunk.data, chunk.size, rec.spans[s].data(), n, schema.field(required_[s]), cell_options_,
                                 &cell_errors[s]);
  }

  // Gather every problem with its byte position, in file order.
  struct Problem {
    size_t begin, end;
    int column;
    const std::string* reason;
    int64_t row;  // -1 for records the tokenizer rejected
  };
  std::vector<Problem> problems;
  for (const auto& p : rec.problems) problems.push_back({p.begin, p.end, p.column, &p.reason, -1});
  for (size_t s = 0; s < required_.size(); ++s) {
    for (const auto& e : cell_errors[s]) {
      problems.push_back({rec.row_begin[static_cast<size_t>(e.row)], rec.row_end[static_cast<size_t>(e.row)],
                          required_[s] + 1, &e.reason, e.row});
    }
  }
  std::vector<Reject> rejects;
  std::vector<uint8_t> drop;
  if (!problems.empty()) {
    std::stable_sort(problems.begin(), problems.end(), [](const Problem& a, const Problem& b) {
      return a.begin != b.begin ? a.begin < b.begin : a.column < b.column;
    });
    LineCounter lines(chunk);
    if (options_.on_error == CsvOnError::kFail) {
      const Problem& p = problems.front();
      return Status::DataError(*chunk.path + ":" + std::to_string(lines.LineAt(p.begin)) + ":" +
                               std::to_string(p.column) + ": " + *p.reason);
    }
    drop.assign(static_cast<size_t>(n), 0);
    int64_t last_row = -2;
    for (const auto& p : problems) {
      if (p.row >= 0) {
        if (p.row == last_row) continue;  // one reject per row, for its first bad cell
        last_row = p.row;
        drop[static_cast<size_t>(p.row)] = 1;
      }
      rejects.push_back({lines.LineAt(p.begin), p.column, *p.reason,
                         std::string(chunk.data + p.begin, p.end - p.begin)});
    }
  }

  std::vector<ColumnPtr> columns(static_cast<size_t>(schema.num_fields()));
  for (size_t s = 0; s < required_.size(); ++s) columns[static_cast<size_t>(required_[s])] = std::move(decoded[s]);
  for (int c = 0; c < schema.num_fields(); ++c) {
    if (columns[static_cast<size_t>(c)] == nullptr) columns[static_cast<size_t>(c)] = NullColumn(schema.field(c).type, n);
  }
  BatchPtr batch = Batch::Make(output_schemas_[0], std::move(columns), n);
  if (!drop.empty()) {
    auto keep = std::make_shared<Buffer>();
    keep->Resize(static_cast<size_t>(BitmapBytes(n)), true);
    int64_t kept = 0;
    for (int64_t i = 0; i < n; ++i) {
      if (!drop[static_cast<size_t>(i)]) {
        SetBit(keep->mutable_data(), i);
        ++kept;
      }
    }
    batch = FilterBatch(*batch, keep->data(), kept);
  }
  auto stamped = std::make_shared<Batch>(batch->schema(), batch->columns(), batch->num_rows());
  stamped->set_sequence(static_cast<uint64_t>(chunk.index));
  LD_RETURN_IF_ERROR(ChunkFinished(chunk.index, std::move(rejects), false));
  return BatchPtr(std::move(stamped));
}

ColumnPtr CsvExtractOperator::NullColumn(const DataType& type, int64_t length) {
  // Every unread column of every batch shares one zeroed buffer: all bits null, values 0 and
  // string offsets 0, so emitting them costs no memory traffic (nor budget: see shared_zeros.h).
  if (ColumnPtr shared = SharedZerosNullColumn(type, length)) return shared;
  const size_t needed = static_cast<size_t>(length + 1) * 16 + 64;
  BufferPtr zeros;
  {
    std::lock_guard<std::mutex> lock(null_mu_);
    if (zeros_ == nullptr || zeros_->size() < needed) {
      zeros_ = std::make_shared<Buffer>();
      zeros_->Resize(std::max(needed, size_t{1} << 20), /*zero_fill=*/true);
    }
    zeros = zeros_;
  }
  if (type.id == TypeId::kNull) return Column::MakeNull(type, length);
  return std::make_shared<const Column>(type, length, zeros, zeros, nullptr, length);
}

Status CsvExtractOperator::ChunkFinished(int64_t chunk_index, std::vector<Reject> rejects, bool planner_exhausted) {
  std::lock_guard<std::mutex> lock(done_mu_);
  if (planner_exhausted) {
    chunks_issued_ = planner_->chunks_issued();
  } else {
    ++chunks_done_;
    rejected_rows_ += static_cast<int64_t>(rejects.size());
    if (!rejects.empty()) rejects_[chunk_index] = std::move(rejects);
  }
  if (chunks_issued_ >= 0 && chunks_done_ == chunks_issued_ && !rejects_written_) {
    rejects_written_ = true;
    return WriteRejects();
  }
  return Status::OK();
}

Status CsvExtractOperator::WriteRejects() {
  if (rejected_rows_ > 0 && ctx_ != nullptr) {
    ctx_->Log(LogLevel::kWarn, "skipped " + std::to_string(rejected_rows_) + " malformed row(s)" +
                                   (rejects_path_.empty() ? "" : "; see " + rejects_path_));
  }
  if (rejects_path_.empty()) return Status::OK();
  FileSystem* fs = ctx_ != nullptr && ctx_->fs != nullptr ? ctx_->fs : &LocalFileSystem();
  LD_ASSIGN_OR_RETURN(auto file, fs->OpenWrite(rejects_path_, /*atomic=*/true));
  std::string text = "line,column,reason,raw\n";
  for (const auto& [index, list] : rejects_) {
    for (const auto& r : list) {
      text += std::to_string(r.line);
      text += ',';
      text += std::to_string(r.column);
      text += ',';
      AppendCsvField(r.reason, &text);
      text += ',';
      AppendCsvField(r.raw, &text);
      text += '\n';
    }
  }
  Status st = file->Append(text);
  if (!st.ok()) {
    file->Abort();
    return st;
  }
  return file->Close();
}

Status CsvExtractOperator::Commit() { return Status::OK(); }

void CsvExtractOperator::Abort() {}

Result<std::unique_ptr<Operator>> MakeCsvExtractOperator(const BindContext& ctx) {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  LD_ASSIGN_OR_RETURN(CsvReadOptions options, ParseCsvReadOptions(ctx.config != nullptr ? ctx.cfg() : kEmpty));
  FileSystem* fs = ctx.fs != nullptr ? ctx.fs : &LocalFileSystem();
  LD_ASSIGN_OR_RETURN(std::string pattern, ctx.ResolvePath(options.path, "/path"));
  std::string rejects;
  if (!options.rejects_path.empty()) {
    LD_ASSIGN_OR_RETURN(rejects, ctx.ResolvePath(options.rejects_path, "/rejects_path", FileAccess::kWrite));
  }

  SchemaPtr schema;
  std::vector<std::string> header;
  int64_t chunk_bytes = options.chunk_bytes;
  auto files = fs->Expand(pattern);
  Status sample_status = files.status();
  if (files.ok()) {
    auto sample = ReadCsvSample(*fs, files->front().path, options);
    sample_status = sample.status();
    if (sample.ok()) {
      LD_ASSIGN_OR_RETURN(schema, BuildCsvSchema(*sample, options));
      header = sample->header;
      if (chunk_bytes == 0) {
        double bytes = sample->bytes_per_row * static_cast<double>(kTargetBatchRows);
        chunk_bytes = static_cast<int64_t>(std::clamp(bytes, 64.0 * 1024, 16.0 * 1024 * 1024));
      }
    }
  }
  if (schema == nullptr) {
    // Without the file (editing, validating) explicit columns still give the schema.
    if (ctx.can_touch_data || options.columns.empty()) {
      return sample_status.IsDataError() ? sample_status : sample_status.WithContext("/path");
    }
    std::vector<Field> fields;
    for (const auto& [name, type_text] : options.columns) {
      auto type = DataType::Parse(type_text);
      if (!type.ok()) return ConfigError("/columns/" + name, type.status().message());
      fields.push_back(Field{name, *type, true});
      header.push_back(name);
    }
    schema = MakeSchema(std::move(fields));
  }
  if (chunk_bytes == 0) chunk_bytes = 8 << 20;
  return std::unique_ptr<Operator>(new CsvExtractOperator(std::move(options), std::move(pattern), std::move(rejects),
                                                          std::move(schema), std::move(header), chunk_bytes));
}

}  // namespace logidata

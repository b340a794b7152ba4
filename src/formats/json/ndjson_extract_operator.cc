#include "formats/json/ndjson_extract_operator.h"

#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "formats/json/json_error_location.h"
#include "formats/json/json_reader.h"
#include "formats/json/record_schema.h"
#include "types/column_builder.h"
#include "types/temporal.h"

namespace logidata {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

constexpr int64_t kSampleChunkBytes = 1 << 20;

// Chunks of about kTargetBatchRows lines, as the CSV reader cuts them, from the sample's line length.
int64_t ChunkBytesFor(double bytes_per_line) {
  return static_cast<int64_t>(std::clamp(bytes_per_line * static_cast<double>(kTargetBatchRows), 64.0 * 1024, 16.0 * 1024 * 1024));
}

// The cell the record reader would make of `v`; the slow path for uncommon type pairs, so the
// streaming reader converts exactly as the document reader does.
Cell ToCell(element v) {
  switch (v.type()) {
    case element_type::INT64: return Cell::Int(v.get_int64().value_unsafe());
    case element_type::UINT64: return Cell::Double(static_cast<double>(v.get_uint64().value_unsafe()));
    case element_type::DOUBLE: return Cell::Double(v.get_double().value_unsafe());
    case element_type::STRING: return Cell::String(std::string(v.get_string().value_unsafe()));
    case element_type::BOOL: return Cell::Bool(v.get_bool().value_unsafe());
    case element_type::ARRAY: return Cell::String(simdjson::minify(v));
    case element_type::OBJECT: return Cell::String(simdjson::minify(v));
    case element_type::NULL_VALUE: return Cell::Null();
  }
  return Cell::Null();
}

// Appends `v` to `b`; the common pairs directly, the rest through the record cell conversion.
bool AppendElement(element v, ColumnBuilder& b) {
  const TypeId target = b.type().id;
  switch (v.type()) {
    case element_type::NULL_VALUE: b.AppendNull(); return true;
    case element_type::STRING: {
      std::string_view s = v.get_string().value_unsafe();
      if (target == TypeId::kString) return b.AppendString(s), true;
      if (target == TypeId::kTimestamp) {
        if (auto t = ParseTimestamp(s)) return b.AppendTimestamp(*t), true;
        return false;
      }
      break;
    }
    case element_type::INT64: {
      int64_t i = v.get_int64().value_unsafe();
      if (target == TypeId::kInt64) return b.AppendInt64(i), true;
      if (target == TypeId::kInt32 && i >= INT32_MIN && i <= INT32_MAX) return b.AppendInt32(static_cast<int32_t>(i)), true;
      if (target == TypeId::kFloat64) return b.AppendDouble(static_cast<double>(i)), true;
      break;
    }
    case element_type::DOUBLE:
      if (target == TypeId::kFloat64) return b.AppendDouble(v.get_double().value_unsafe()), true;
      break;
    case element_type::BOOL:
      if (target == TypeId::kBool) return b.AppendBool(v.get_bool().value_unsafe()), true;
      break;
    default: break;
  }
  return AppendRecordCell(ToCell(v), b);
}

std::string Located(const CsvChunk& chunk, size_t offset) {
  const char* at = chunk.data + std::min(offset, chunk.size);
  int64_t line = ChunkLineAt(chunk, at);
  const char* line_start = at;
  while (line_start > chunk.data && line_start[-1] != '\n') --line_start;
  return *chunk.path + ":" + std::to_string(line) + ":" + std::to_string(at - line_start + 1);
}

struct ThreadState final : OperatorState {
  simdjson::dom::parser parser;
  std::vector<char> padded;       // a file's last chunk, followed by simdjson's padding
  std::vector<int64_t> filled;    // per column: the last row that got a value
  std::string nested_name;        // scratch for "parent.child" names
};

// Blank space around a record on its line (the newline ends the line).
bool IsLineSpace(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// Decodes one chunk of NDJSON lines into a batch of `schema`.
class ChunkDecoder {
 public:
  ChunkDecoder(const SchemaPtr& schema, const std::unordered_map<std::string_view, int>& index, ThreadState& state,
               const CsvChunk& chunk)
      : schema_(schema), index_(index), state_(state), chunk_(chunk) {}

  // Fields of this chunk's records that are not columns (valid after Decode).
  const UnknownKeys& unknown() const { return unknown_; }

  Result<BatchPtr> Decode() {
    const int n = schema_->num_fields();
    const int64_t expected_rows = std::max<int64_t>(16, static_cast<int64_t>(chunk_.size / 128));
    // simdjson reads up to SIMDJSON_PADDING bytes past its input: in place when the rest of the
    // file follows the chunk (all but the last chunk of a file), else a padded copy.
    const char* text = chunk_.data;
    if (chunk_.readable_after < simdjson::SIMDJSON_PADDING) {
      state_.padded.resize(chunk_.size + simdjson::SIMDJSON_PADDING);
      if (chunk_.size > 0) std::memcpy(state_.padded.data(), chunk_.data, chunk_.size);  // data may be null
      text = state_.padded.data();
    }
    Reset(n, expected_rows);
    LD_ASSIGN_OR_RETURN(bool streamed, DecodeAsStream(text));
    if (!streamed) {
      // Something a line-by-line parse must explain (or reject): start the chunk over that way.
      Reset(n, expected_rows);
      size_t pos = 0;
      while (pos < chunk_.size) {
        const char* nl = static_cast<const char*>(std::memchr(text + pos, '\n', chunk_.size - pos));
        size_t end = nl == nullptr ? chunk_.size : static_cast<size_t>(nl - text);
        size_t first = pos;
        while (first < end && IsLineSpace(text[first])) ++first;
        if (first < end) LD_RETURN_IF_ERROR(DecodeLine(text, first, end));
        pos = end + 1;
      }
    }
    std::vector<ColumnPtr> columns;
    columns.reserve(builders_.size());
    for (auto& b : builders_) columns.push_back(b.Finish());
    return Batch::Make(schema_, std::move(columns), rows_);
  }

 private:
  Status DecodeLine(const char* text, size_t begin, size_t end) {
    element doc;
    // The padding after `end` is readable (the next lines or the zeroed tail), so no copy.
    auto error = state_.parser.parse(text + begin, end - begin, false).get(doc);
    if (error) {
      // simdjson says only that the line is invalid; the locator finds where and why.
      if (auto located = LocateSimdjsonError(std::string_view(text + begin, end - begin))) {
        return Status::DataError(Located(chunk_, begin + located->column - 1) + ": invalid JSON: " + located->reason);
      }
      return Status::DataError(Located(chunk_, begin) + ": invalid JSON: " + simdjson::error_message(error));
    }
    if (doc.type() != element_type::OBJECT) {
      return Status::DataError(Located(chunk_, begin) + ": expected a JSON object per line");
    }
    return AddRecord(doc.get_object().value_unsafe(), begin);
  }

  // One record's fields, then nulls for the columns it lacks.
  Status AddRecord(simdjson::dom::object obj, size_t begin) {
    LD_RETURN_IF_ERROR(AddObject(obj, std::string_view(), begin));
    for (size_t c = 0; c < builders_.size(); ++c) {
      if (state_.filled[c] != rows_) builders_[c].AppendNull();
    }
    ++rows_;
    next_guess_ = 0;
    return Status::OK();
  }

  void Reset(int columns, int64_t expected_rows) {
    builders_.clear();
    builders_.reserve(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c) builders_.emplace_back(schema_->field(c).type, expected_rows);
    state_.filled.assign(static_cast<size_t>(columns), -1);
    rows_ = 0;
    next_guess_ = 0;
    unknown_ = UnknownKeys();
  }

  // The whole chunk through simdjson's document stream: one structural scan per 1 MB window
  // instead of one parse per line. Records must still be one object per line; anything else (an
  // invalid line, a non-object, two objects on a line, an object across lines, a record over the
  // window) returns false, and the caller decodes the chunk line by line, which rejects or
  // explains it exactly as before. Conversion errors are returned as they are: they name the
  // same line either way.
  Result<bool> DecodeAsStream(const char* text) {
    constexpr size_t kWindowBytes = 1 << 20;
#ifdef SIMDJSON_THREADS_ENABLED
    state_.parser.threaded = false;  // the executor already keeps every core busy
#endif
    simdjson::dom::document_stream stream;
    if (state_.parser.parse_many(reinterpret_cast<const uint8_t*>(text), chunk_.size, kWindowBytes).get(stream)) {
      return false;
    }
    for (auto it = stream.begin(); it != stream.end(); ++it) {
      element doc;
      if ((*it).get(doc) || doc.type() != element_type::OBJECT) return false;
      const size_t begin = it.current_index();
      size_t before = begin;
      while (before > 0 && IsLineSpace(text[before - 1])) --before;
      if (before > 0 && text[before - 1] != '\n') return false;  // not the first thing on its line
      const std::string_view source = it.source();
      if (std::memchr(source.data(), '\n', source.size()) != nullptr) return false;  // spans lines
      LD_RETURN_IF_ERROR(AddRecord(doc.get_object().value_unsafe(), begin));
    }
    return stream.truncated_bytes() == 0;
  }

  Status AddObject(simdjson::dom::object obj, std::string_view prefix, size_t line_begin) {
    for (auto field : obj) {
      if (prefix.empty()) {
        LD_RETURN_IF_ERROR(AddField(field.key, field.value, line_begin));
        continue;
      }
      std::string name;
      name.reserve(prefix.size() + 1 + field.key.size());
      name.append(prefix).append(".").append(field.key);
      LD_RETURN_IF_ERROR(AddField(name, field.value, line_begin));
    }
    return Status::OK();
  }

  // Nested objects flatten to dotted names, as the document reader does; unknown names are dropped.
  Status AddField(std::string_view name, element value, size_t line_begin) {
    if (value.type() == element_type::OBJECT) {
      simdjson::dom::object obj = value.get_object().value_unsafe();
      if (obj.size() > 0) return AddObject(obj, name, line_begin);
      if (name.empty()) return Status::OK();  // {"": {}} adds nothing, as in the document reader
    }
    // Records usually repeat the schema's field order: try the column after the last one first.
    size_t c = next_guess_;
    if (c >= builders_.size() || schema_->field(static_cast<int>(c)).name != name) {
      auto it = index_.find(name);
      if (it == index_.end()) {
        const uint64_t position = (static_cast<uint64_t>(chunk_.index) << 32) | static_cast<uint64_t>(line_begin);
        unknown_.Add(name, position, [&] {
          std::string where = Located(chunk_, line_begin);
          return where.substr(0, where.rfind(':'));  // path:line
        });
        return Status::OK();
      }
      c = static_cast<size_t>(it->second);
    }
    next_guess_ = c + 1;
    if (state_.filled[c] == rows_) return Status::OK();  // a repeated key: the first one counts
    state_.filled[c] = rows_;
    // An empty object is the text "{}", as in the document reader, whatever the column's type.
    bool appended = value.type() == element_type::OBJECT ? AppendRecordCell(Cell::String("{}"), builders_[c])
                                                         : AppendElement(value, builders_[c]);
    if (!appended) {
      const Field& f = schema_->field(static_cast<int>(c));
      std::string where = Located(chunk_, line_begin);
      where.resize(where.rfind(':'));  // path:line, like the document reader
      return Status::DataError(where + ": column '" + f.name + "': cannot read '" + RecordCellText(ToCell(value)) +
                               "' as " + f.type.ToString() + " (set its type in `columns`, or raise `infer_rows`)");
    }
    return Status::OK();
  }

  const SchemaPtr& schema_;
  const std::unordered_map<std::string_view, int>& index_;
  ThreadState& state_;
  const CsvChunk& chunk_;
  std::vector<ColumnBuilder> builders_;
  int64_t rows_ = 0;
  size_t next_guess_ = 0;
  UnknownKeys unknown_;
};

// The first records of the first file (whole lines, at most `infer_rows`) for type inference,
// read chunk by chunk so a large file is never loaded whole. Sets *is_array when the data is a
// JSON array rather than NDJSON.
Status ReadSample(CsvChunkPlanner& planner, int64_t infer_rows, std::vector<Record>* sample, bool* is_array,
                  double* bytes_per_line) {
  std::string text;
  std::string first_path;
  int64_t lines = 0;
  while (lines < infer_rows) {
    LD_ASSIGN_OR_RETURN(std::optional<CsvChunk> chunk, planner.Next());
    if (!chunk) break;
    if (first_path.empty()) first_path = *chunk->path;
    if (*chunk->path != first_path) break;
    text.append(chunk->data, chunk->size);
    lines += std::count(chunk->data, chunk->data + chunk->size, '\n');
    size_t first = text.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && text[first] == '[') {
      *is_array = true;
      return Status::OK();
    }
  }
  if (first_path.empty()) return Status::OK();  // no data: no records
  *bytes_per_line = static_cast<double>(text.size()) / static_cast<double>(std::max<int64_t>(lines, 1));
  JsonReadOptions options;
  options.format = JsonFormat::kNdjson;
  auto buffer = Buffer::Wrap(text.data(), text.size(), nullptr);
  return ReadJsonRecords(options, first_path, *buffer, infer_rows, sample);
}

}  // namespace

Result<BatchPtr> DecodeNdjsonChunk(const SchemaPtr& schema, const CsvChunk& chunk) {
  std::unordered_map<std::string_view, int> index;
  for (int c = 0; c < schema->num_fields(); ++c) index.emplace(schema->field(c).name, c);
  ThreadState state;
  return ChunkDecoder(schema, index, state, chunk).Decode();
}

std::unique_ptr<CsvChunkPlanner> MakeNdjsonChunkPlanner(FileSystem* fs, std::vector<std::string> files,
                                                        int64_t chunk_bytes) {
  CsvReadOptions options;
  options.header = false;
  options.dialect.quote = '\0';  // lines end at every '\n': JSON escapes newlines inside strings
  options.dialect.escape = '\0';
  auto planner = std::make_unique<CsvChunkPlanner>(fs, std::move(files), options, std::vector<std::string>{}, chunk_bytes);
  planner->SkipLineCounting();
  return planner;
}

NdjsonExtractOperator::NdjsonExtractOperator(std::string pattern, SchemaPtr schema, int64_t chunk_bytes, int64_t infer_rows)
    : pattern_(std::move(pattern)), chunk_bytes_(chunk_bytes), infer_rows_(infer_rows) {
  output_schemas_.push_back(std::move(schema));
  for (int c = 0; c < output_schemas_[0]->num_fields(); ++c) index_.emplace(output_schemas_[0]->field(c).name, c);
}

Status NdjsonExtractOperator::Open(ExecContext& ctx) {
  ctx_ = &ctx;
  FileSystem* fs = ctx.fs != nullptr ? ctx.fs : &LocalFileSystem();
  LD_ASSIGN_OR_RETURN(auto files, fs->Expand(pattern_));
  std::vector<std::string> paths;
  for (const auto& f : files) paths.push_back(f.path);
  planner_ = MakeNdjsonChunkPlanner(fs, std::move(paths), chunk_bytes_);
  return Status::OK();
}

std::unique_ptr<OperatorState> NdjsonExtractOperator::MakeThreadState() { return std::make_unique<ThreadState>(); }

Result<bool> NdjsonExtractOperator::Produce(OperatorState* state, Emitter& out) {
  if (ctx_ != nullptr) LD_RETURN_IF_ERROR(ctx_->CheckCancelled());
  {
    std::lock_guard<std::mutex> lock(unknown_mu_);
    ++producing_;
  }
  UnknownKeys unknown;
  bool exhausted = false;
  // The last thread to leave once the planner is exhausted reports the fields that were not read.
  struct Leave {
    NdjsonExtractOperator* op;
    const UnknownKeys& unknown;
    const bool& exhausted;
    ~Leave() { op->LeaveProduce(unknown, exhausted); }
  } leave{this, unknown, exhausted};
  LD_ASSIGN_OR_RETURN(std::optional<CsvChunk> chunk, planner_->Next());
  if (!chunk) {
    exhausted = true;
    return false;
  }
  ThreadState local;
  ThreadState& ts = state != nullptr ? static_cast<ThreadState&>(*state) : local;
  Result<BatchPtr> batch = [&]() -> Result<BatchPtr> {
    try {
      ChunkDecoder decoder(output_schemas_[0], index_, ts, *chunk);
      Result<BatchPtr> decoded = decoder.Decode();
      unknown.Merge(decoder.unknown());
      return decoded;
    } catch (const std::exception& e) {  // allocation failures inside simdjson
      return Status::DataError(*chunk->path + ": " + e.what());
    }
  }();
  ReleaseChunkPages(*chunk);
  if (!batch.ok()) return batch.status();
  auto stamped = std::make_shared<Batch>((*batch)->schema(), (*batch)->columns(), (*batch)->num_rows());
  stamped->set_sequence(static_cast<uint64_t>(chunk->index));
  LD_RETURN_IF_ERROR(out.Emit(0, BatchPtr(std::move(stamped))));
  return true;
}

void NdjsonExtractOperator::LeaveProduce(const UnknownKeys& unknown, bool exhausted) {
  std::lock_guard<std::mutex> lock(unknown_mu_);
  unknown_.Merge(unknown);
  --producing_;
  exhausted_ = exhausted_ || exhausted;
  if (exhausted_ && producing_ == 0 && !reported_ && !unknown_.empty()) {
    reported_ = true;
    if (ctx_ != nullptr) ctx_->Log(LogLevel::kWarn, unknown_.Message(infer_rows_));
  }
}

Result<std::unique_ptr<Operator>> MakeNdjsonExtractOperator(const BindContext& ctx, const ArrayReaderFactory& array_reader) {
  const nlohmann::json& cfg = ctx.cfg();
  std::string path = cfg.value("path", std::string());
  if (path.empty()) return ConfigError("/path", "a path is required");
  const int64_t infer_rows = cfg.value("infer_rows", int64_t{10000});
  if (infer_rows < 1) return ConfigError("/infer_rows", "must be at least 1");
  const bool auto_format = cfg.value("format", std::string("auto")) == "auto";
  auto overrides = ColumnOverrides(cfg);
  LD_ASSIGN_OR_RETURN(std::string pattern, ctx.ResolvePath(path, "/path"));
  FileSystem* fs = ctx.fs != nullptr ? ctx.fs : &LocalFileSystem();

  std::vector<Record> sample;
  bool is_array = false;
  double bytes_per_line = 200;
  Status st = [&]() -> Status {
    LD_ASSIGN_OR_RETURN(auto files, fs->Expand(pattern));
    std::vector<std::string> paths;
    for (const auto& f : files) paths.push_back(f.path);
    auto planner = MakeNdjsonChunkPlanner(fs, std::move(paths), kSampleChunkBytes);
    try {
      return ReadSample(*planner, infer_rows, &sample, &is_array, &bytes_per_line);
    } catch (const std::exception& e) {
      return Status::DataError(pattern + ": " + e.what());
    }
  }();
  if (st.ok() && is_array && auto_format) return array_reader();
  if (st.ok() && is_array) return Status::DataError(pattern + ":1:1: the file is a JSON array, not NDJSON (set format to array or auto)");
  if (!st.ok()) {
    // Without the data (editing, validating) explicit columns still give the schema.
    if (ctx.can_touch_data || overrides.empty() || st.IsDataError()) {
      return st.IsDataError() || st.code() == StatusCode::kInvalidArgument ? st : st.WithContext("/path");
    }
    sample.clear();
  }
  LD_ASSIGN_OR_RETURN(SchemaPtr schema, InferRecordSchema(sample, overrides));
  return std::unique_ptr<Operator>(
      new NdjsonExtractOperator(std::move(pattern), std::move(schema), ChunkBytesFor(bytes_per_line), infer_rows));
}

}  // namespace logidata

#include "formats/json/json_load_operator.h"

#include <cmath>

#include "types/temporal.h"
#include "types/value.h"

namespace logidata {

namespace {
constexpr size_t kFlushBytes = 1 << 20;
}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      default:
        if (c < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 15]);
        } else {
          out->push_back(ch);
        }
    }
  }
  out->push_back('"');
}

void AppendJsonValue(const Column& column, int64_t row, std::string* out) {
  if (column.IsNull(row)) {
    out->append("null");
    return;
  }
  const DataType& type = column.type();
  switch (type.id) {
    case TypeId::kBool: out->append(column.GetBool(row) ? "true" : "false"); return;
    case TypeId::kInt32: out->append(std::to_string(column.Get<int32_t>(row))); return;
    case TypeId::kInt64: out->append(std::to_string(column.Get<int64_t>(row))); return;
    case TypeId::kFloat64: {
      double d = column.Get<double>(row);
      // JSON has no NaN or infinity.
      if (std::isfinite(d)) out->append(FormatDouble(d)); else out->append("null");
      return;
    }
    case TypeId::kDecimal: out->append(FormatDecimal(column.Get<int128_t>(row), type.scale)); return;
    case TypeId::kDate: {
      out->push_back('"');
      AppendDate(column.Get<int32_t>(row), *out);
      out->push_back('"');
      return;
    }
    case TypeId::kTimestamp: {
      std::string ts = FormatTimestamp(column.Get<int64_t>(row));
      if (ts.size() > 10 && ts[10] == ' ') ts[10] = 'T';
      if (!type.timezone.empty()) ts.push_back('Z');
      AppendJsonString(ts, out);
      return;
    }
    case TypeId::kString:
    case TypeId::kBinary: AppendJsonString(column.GetString(row), out); return;
    default: out->append(column.GetValue(row).ToJson()); return;
  }
}

JsonLoadOperator::JsonLoadOperator(std::string path, bool array, SchemaPtr input)
    : path_(std::move(path)), array_(array), input_(std::move(input)) {
  for (int c = 0; c < input_->num_fields(); ++c) {
    std::string key;
    AppendJsonString(input_->field(c).name, &key);
    key.push_back(':');
    keys_.push_back(std::move(key));
  }
}

JsonLoadOperator::~JsonLoadOperator() {
  if (file_) file_->Abort();
}

Status JsonLoadOperator::Open(ExecContext& ctx) {
  FileSystem* fs = ctx.fs != nullptr ? ctx.fs : &LocalFileSystem();
  LD_ASSIGN_OR_RETURN(file_, fs->OpenWrite(path_, /*atomic=*/true));
  if (array_) buffer_ = "[";
  return Status::OK();
}

Status JsonLoadOperator::Consume(int port, const BatchPtr& batch, OperatorState* state, Emitter& out) {
  (void)port;
  (void)state;
  (void)out;
  std::lock_guard<std::mutex> lock(mu_);
  if (!file_) return Status::Internal("load.json: Consume after Commit/Abort");
  const Batch& b = *batch;
  for (int64_t r = 0; r < b.num_rows(); ++r) {
    if (array_) buffer_.append(rows_ == 0 ? "\n" : ",\n");
    buffer_.push_back('{');
    for (int c = 0; c < b.num_columns(); ++c) {
      if (c > 0) buffer_.push_back(',');
      buffer_.append(keys_[static_cast<size_t>(c)]);
      AppendJsonValue(*b.column(c), r, &buffer_);
    }
    buffer_.push_back('}');
    if (!array_) buffer_.push_back('\n');
    ++rows_;
    if (buffer_.size() >= kFlushBytes) {
      LD_RETURN_IF_ERROR(file_->Append(buffer_));
      buffer_.clear();
    }
  }
  return Status::OK();
}

Status JsonLoadOperator::Commit() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!file_) return Status::Internal("load.json: Commit without Open");
  if (array_) buffer_.append(rows_ == 0 ? "]\n" : "\n]\n");
  Status st = AppendAndPublish(file_, buffer_);
  buffer_.clear();
  return st;
}

void JsonLoadOperator::Abort() {
  std::lock_guard<std::mutex> lock(mu_);
  if (file_) file_->Abort();
  file_.reset();
}

Result<std::unique_ptr<Operator>> MakeJsonLoadOperator(const BindContext& ctx) {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  const nlohmann::json& cfg = ctx.config != nullptr ? ctx.cfg() : kEmpty;
  std::string path = cfg.value("path", std::string());
  if (path.empty()) return ConfigError("/path", "a path is required");
  std::string format = cfg.value("format", std::string("ndjson"));
  if (format != "ndjson" && format != "array") return ConfigError("/format", "must be ndjson or array, not '" + format + "'");
  if (ctx.input_schemas.size() != 1 || ctx.input_schemas[0] == nullptr) {
    return Status::Internal("load.json expects exactly one input");
  }
  LD_ASSIGN_OR_RETURN(std::string resolved, ctx.ResolvePath(path, "/path", FileAccess::kWrite));
  return std::unique_ptr<Operator>(new JsonLoadOperator(resolved, format == "array", ctx.input_schemas[0]));
}

}  // namespace logidata

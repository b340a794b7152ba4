#include "formats/xml/xml_load_operator.h"

#include "module/file_module_schema.h"

namespace logidata {

namespace {
constexpr size_t kFlushBytes = 1 << 20;
}  // namespace

XmlLoadOperator::XmlLoadOperator(std::string path, XmlRowWriter writer) : path_(std::move(path)), writer_(std::move(writer)) {}

XmlLoadOperator::~XmlLoadOperator() {
  if (file_) file_->Abort();
}

Status XmlLoadOperator::Open(ExecContext& ctx) {
  FileSystem* fs = ctx.fs != nullptr ? ctx.fs : &LocalFileSystem();
  LD_ASSIGN_OR_RETURN(file_, fs->OpenWrite(path_, /*atomic=*/true));
  buffer_ = writer_.Prologue();
  return Status::OK();
}

Status XmlLoadOperator::Consume(int port, const BatchPtr& batch, OperatorState* state, Emitter& out) {
  (void)port;
  (void)state;
  (void)out;
  std::lock_guard<std::mutex> lock(mu_);
  if (!file_) return Status::Internal("load.xml: Consume after Commit/Abort");
  for (int64_t r = 0; r < batch->num_rows(); ++r) {
    LD_RETURN_IF_ERROR(writer_.AppendRow(*batch, r, rows_ + 1, &buffer_));
    ++rows_;
    if (buffer_.size() >= kFlushBytes) {
      LD_RETURN_IF_ERROR(file_->Append(buffer_));
      buffer_.clear();
    }
  }
  return Status::OK();
}

Status XmlLoadOperator::Commit() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!file_) return Status::Internal("load.xml: Commit without Open");
  buffer_.append(writer_.Epilogue());
  Status st = AppendAndPublish(file_, buffer_);
  buffer_.clear();
  return st;
}

void XmlLoadOperator::Abort() {
  std::lock_guard<std::mutex> lock(mu_);
  if (file_) file_->Abort();
  file_.reset();
}

Result<std::unique_ptr<Operator>> MakeXmlLoadOperator(const BindContext& ctx) {
  const nlohmann::json& cfg = FileModuleConfig(ctx);
  std::string path = cfg.value("path", std::string());
  if (path.empty()) return ConfigError("/path", "a path is required");
  XmlWriteOptions options;
  options.root_element = cfg.value("root_element", options.root_element);
  options.row_element = cfg.value("row_element", options.row_element);
  for (const auto& [field, name] : {std::pair{"/root_element", options.root_element}, std::pair{"/row_element", options.row_element}}) {
    if (!IsXmlElementName(name)) {
      return ConfigError(field, "'" + name + "' is not an XML element name (a letter or _ first, then letters, digits, - . _; "
                                "no ':', not starting with 'xml')");
    }
  }
  const std::string nulls = cfg.value("nulls", std::string("omit"));
  if (nulls != "omit" && nulls != "nil") return ConfigError("/nulls", "must be omit or nil, not '" + nulls + "'");
  options.nil_nulls = nulls == "nil";
  const std::string invalid = cfg.value("invalid_characters", std::string("fail"));
  if (invalid != "fail" && invalid != "replace") {
    return ConfigError("/invalid_characters", "must be fail or replace, not '" + invalid + "'");
  }
  options.invalid_chars = invalid == "replace" ? InvalidXmlChars::kReplace : InvalidXmlChars::kFail;
  if (ctx.input_schemas.size() != 1 || ctx.input_schemas[0] == nullptr) return Status::Internal("load.xml expects exactly one input");
  LD_ASSIGN_OR_RETURN(XmlRowWriter writer, XmlRowWriter::Make(*ctx.input_schemas[0], std::move(options)));
  LD_ASSIGN_OR_RETURN(std::string resolved, ctx.ResolvePath(path, "/path", FileAccess::kWrite));
  return std::unique_ptr<Operator>(new XmlLoadOperator(resolved, std::move(writer)));
}

}  // namespace logidata

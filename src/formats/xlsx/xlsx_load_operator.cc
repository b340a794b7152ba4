#include "formats/xlsx/xlsx_load_operator.h"

#include <xlsxwriter.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "types/temporal.h"
#include "types/value.h"

namespace logidata {

namespace {
constexpr int64_t kMaxRows = 1048576;  // Excel's sheet limit
constexpr int kMaxColumns = 16384;
}  // namespace

XlsxLoadOperator::XlsxLoadOperator(std::string path, std::string sheet_name, bool header, SchemaPtr input)
    : path_(std::move(path)), sheet_name_(std::move(sheet_name)), header_(header), input_(std::move(input)) {}

XlsxLoadOperator::~XlsxLoadOperator() { Discard(); }

void XlsxLoadOperator::Discard() {
  if (workbook_ != nullptr) {
    workbook_close(workbook_);  // frees it; the file is removed below
    workbook_ = nullptr;
  }
  if (!temp_path_.empty()) {
    std::error_code ec;
    std::filesystem::remove(temp_path_, ec);
    temp_path_.clear();
  }
}

Status XlsxLoadOperator::Open(ExecContext& ctx) {
  fs_ = ctx.fs != nullptr ? ctx.fs : &LocalFileSystem();
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::filesystem::path dir = ctx.spill_dir.empty() ? std::filesystem::temp_directory_path() : ctx.spill_dir;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  temp_path_ = (dir / ("logidata-xlsx-" + std::to_string(rng()) + ".xlsx")).string();
  lxw_workbook_options options{};
  options.constant_memory = LXW_TRUE;
  std::string tmpdir = dir.string();
  options.tmpdir = const_cast<char*>(tmpdir.c_str());
  workbook_ = workbook_new_opt(temp_path_.c_str(), &options);
  if (workbook_ == nullptr) return Status::IOError("load.xlsx: cannot create a workbook in " + tmpdir);
  sheet_ = workbook_add_worksheet(workbook_, sheet_name_.c_str());
  if (sheet_ == nullptr) return Status::Internal("load.xlsx: cannot add sheet '" + sheet_name_ + "'");
  date_format_ = workbook_add_format(workbook_);
  format_set_num_format(date_format_, "yyyy-mm-dd");
  timestamp_format_ = workbook_add_format(workbook_);
  format_set_num_format(timestamp_format_, "yyyy-mm-dd hh:mm:ss");
  if (input_->num_fields() > kMaxColumns) return Status::DataError("load.xlsx: more than 16384 columns");
  if (header_) {
    for (int c = 0; c < input_->num_fields(); ++c) {
      worksheet_write_string(sheet_, 0, static_cast<lxw_col_t>(c), input_->field(c).name.c_str(), nullptr);
    }
    next_row_ = 1;
  }
  return Status::OK();
}

Status XlsxLoadOperator::WriteCell(const Column& column, int64_t row, int col) {
  if (column.IsNull(row)) return Status::OK();
  const auto r = static_cast<lxw_row_t>(next_row_);
  const auto c = static_cast<lxw_col_t>(col);
  lxw_error err = LXW_NO_ERROR;
  switch (column.type().id) {
    case TypeId::kBool: err = worksheet_write_boolean(sheet_, r, c, column.GetBool(row) ? 1 : 0, nullptr); break;
    case TypeId::kInt32: err = worksheet_write_number(sheet_, r, c, column.Get<int32_t>(row), nullptr); break;
    case TypeId::kInt64:
      err = worksheet_write_number(sheet_, r, c, static_cast<double>(column.Get<int64_t>(row)), nullptr);
      break;
    case TypeId::kFloat64: err = worksheet_write_number(sheet_, r, c, column.Get<double>(row), nullptr); break;
    case TypeId::kDecimal: {
      double d = std::stod(FormatDecimal(column.Get<int128_t>(row), column.type().scale));
      err = worksheet_write_number(sheet_, r, c, d, nullptr);
      break;
    }
    case TypeId::kDate:
    case TypeId::kTimestamp: {
      const bool is_date = column.type().id == TypeId::kDate;
      int64_t micros = is_date ? column.Get<int32_t>(row) * kMicrosPerDay : column.Get<int64_t>(row);
      int64_t days = FloorDiv(micros, kMicrosPerDay);
      int64_t rest = micros - days * kMicrosPerDay;
      CivilDate cd = CivilFromDays(static_cast<int32_t>(days));
      if (cd.year < 1900 || cd.year > 9999) {  // outside Excel's calendar: keep the text
        std::string text = is_date ? FormatDate(static_cast<int32_t>(days)) : FormatTimestamp(micros);
        err = worksheet_write_string(sheet_, r, c, text.c_str(), nullptr);
        break;
      }
      lxw_datetime dt{};
      dt.year = cd.year;
      dt.month = static_cast<int>(cd.month);
      dt.day = static_cast<int>(cd.day);
      dt.hour = static_cast<int>(rest / (3600 * kMicrosPerSecond));
      dt.min = static_cast<int>(rest / (60 * kMicrosPerSecond) % 60);
      dt.sec = static_cast<double>(rest % (60 * kMicrosPerSecond)) / static_cast<double>(kMicrosPerSecond);
      err = worksheet_write_datetime(sheet_, r, c, &dt, is_date ? date_format_ : timestamp_format_);
      break;
    }
    default: {
      std::string text = column.type().IsVarLength() ? std::string(column.GetString(row)) : column.GetValue(row).ToString();
      err = worksheet_write_string(sheet_, r, c, text.c_str(), nullptr);
      break;
    }
  }
  if (err != LXW_NO_ERROR) {
    return Status::DataError("load.xlsx: row " + std::to_string(next_row_ + 1) + ", column '" +
                             input_->field(col).name + "': " + lxw_strerror(err));
  }
  return Status::OK();
}

Status XlsxLoadOperator::Consume(int port, const BatchPtr& batch, OperatorState* state, Emitter& out) {
  (void)port;
  (void)state;
  (void)out;
  std::lock_guard<std::mutex> lock(mu_);
  if (workbook_ == nullptr) return Status::Internal("load.xlsx: Consume without an open workbook");
  const Batch& b = *batch;
  for (int64_t r = 0; r < b.num_rows(); ++r) {
    if (next_row_ >= kMaxRows) return Status::DataError("load.xlsx: more rows than an Excel sheet holds (1048576)");
    for (int c = 0; c < b.num_columns(); ++c) LD_RETURN_IF_ERROR(WriteCell(*b.column(c), r, c));
    ++next_row_;
  }
  return Status::OK();
}

Status XlsxLoadOperator::Commit() {
  std::lock_guard<std::mutex> lock(mu_);
  if (workbook_ == nullptr) return Status::Internal("load.xlsx: Commit without Open");
  lxw_error err = workbook_close(workbook_);
  workbook_ = nullptr;
  if (err != LXW_NO_ERROR) {
    Discard();
    return Status::IOError("load.xlsx: cannot write the workbook: " + std::string(lxw_strerror(err)));
  }
  std::ifstream in(temp_path_, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Discard();
  LD_ASSIGN_OR_RETURN(auto file, fs_->OpenWrite(path_, /*atomic=*/true));
  Status st = file->Append(bytes);
  if (st.ok()) st = file->Close();
  if (!st.ok()) file->Abort();
  return st;
}

void XlsxLoadOperator::Abort() {
  std::lock_guard<std::mutex> lock(mu_);
  Discard();
}

Result<std::unique_ptr<Operator>> MakeXlsxLoadOperator(const BindContext& ctx) {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  const nlohmann::json& cfg = ctx.config != nullptr ? ctx.cfg() : kEmpty;
  std::string path = cfg.value("path", std::string());
  if (path.empty()) return ConfigError("/path", "a path is required");
  std::string sheet = cfg.value("sheet", std::string("Sheet1"));
  if (sheet.empty() || sheet.size() > 31 || sheet.find_first_of("[]:*?/\\") != std::string::npos ||
      sheet.front() == '\'' || sheet.back() == '\'') {
    return ConfigError("/sheet", "an Excel sheet name has 1 to 31 characters, none of [ ] : * ? / \\, and does not "
                                 "start or end with '");
  }
  if (ctx.input_schemas.size() != 1 || ctx.input_schemas[0] == nullptr) {
    return Status::Internal("load.xlsx expects exactly one input");
  }
  LD_ASSIGN_OR_RETURN(std::string resolved, ctx.ResolvePath(path, "/path", FileAccess::kWrite));
  return std::unique_ptr<Operator>(
      new XlsxLoadOperator(resolved, sheet, cfg.value("header", true), ctx.input_schemas[0]));
}

}  // namespace logidata

// XlsxLoadOperator: the load.xlsx sink. Writes the input rows in order to one worksheet with
// libxlsxwriter (constant-memory mode: rows are streamed to a local temp file), typed cells and
// dates/timestamps formatted as such. libxlsxwriter only writes local files, so Commit() copies
// the finished workbook through FileSystem::OpenWrite(path, atomic) — the target appears only on
// success; Abort() discards the temp file. Consume calls are serialised (RequiresOrderedInput).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "module/module_descriptor.h"
#include "module/operator.h"

struct lxw_workbook;
struct lxw_worksheet;
struct lxw_format;

namespace logidata {

class XlsxLoadOperator final : public Operator {
 public:
  XlsxLoadOperator(std::string path, std::string sheet_name, bool header, SchemaPtr input);
  ~XlsxLoadOperator() override;

  Status Open(ExecContext& ctx) override;
  Status Consume(int port, const BatchPtr& batch, OperatorState* state, Emitter& out) override;
  bool EmitsOnConsume(int port) const override { (void)port; return false; }
  bool RequiresOrderedInput(int port) const override { (void)port; return true; }
  Status Commit() override;
  void Abort() override;

 private:
  Status WriteCell(const Column& column, int64_t row, int col);
  void Discard();

  std::string path_;
  std::string sheet_name_;
  bool header_;
  SchemaPtr input_;

  std::mutex mu_;
  FileSystem* fs_ = nullptr;
  std::string temp_path_;
  lxw_workbook* workbook_ = nullptr;
  lxw_worksheet* sheet_ = nullptr;
  lxw_format* date_format_ = nullptr;
  lxw_format* timestamp_format_ = nullptr;
  int64_t next_row_ = 0;
};

Result<std::unique_ptr<Operator>> MakeXlsxLoadOperator(const BindContext& ctx);

}  // namespace logidata

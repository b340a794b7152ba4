// XmlLoadOperator: the load.xml sink. Consumes batches in input order and streams one element per
// row (XmlRowWriter) into a file opened atomically through the run's FileSystem — local or object
// storage: the file appears at Commit(), Abort() or a failed run leaves the target as it was.
// Only about 1 MiB of text is held before it is appended to the file. Consume calls are
// serialised by the executor (RequiresOrderedInput); a mutex guards them anyway.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "formats/xml/xml_row_writer.h"
#include "module/module_descriptor.h"
#include "module/operator.h"

namespace logidata {

class XmlLoadOperator final : public Operator {
 public:
  XmlLoadOperator(std::string path, XmlRowWriter writer);
  ~XmlLoadOperator() override;

  Status Open(ExecContext& ctx) override;
  Status Consume(int port, const BatchPtr& batch, OperatorState* state, Emitter& out) override;
  bool EmitsOnConsume(int port) const override { (void)port; return false; }
  bool RequiresOrderedInput(int port) const override { (void)port; return true; }
  Status Commit() override;
  void Abort() override;

 private:
  std::string path_;
  XmlRowWriter writer_;

  std::mutex mu_;
  std::unique_ptr<WritableFile> file_;
  std::string buffer_;
  int64_t rows_ = 0;
};

// Binds load.xml: `path`, `root_element`, `row_element`, `nulls` (omit, nil) and
// `invalid_characters` (fail, replace).
Result<std::unique_ptr<Operator>> MakeXmlLoadOperator(const BindContext& ctx);

}  // namespace logidata

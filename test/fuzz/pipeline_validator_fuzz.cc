// Fuzzes pipeline parsing and validation: any bytes must give a document error or a list of
// issues, never a crash. Validation runs offline (no files or servers are opened).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "module/builtin_modules.h"
#include "pipeline/validator.h"

namespace {
// Fuzzed paths must never reach the disk (think /dev/zero): every file operation is refused.
class NoFileSystem final : public logidata::FileSystem {
 public:
  logidata::Result<std::unique_ptr<logidata::RandomAccessFile>> OpenRead(const std::string& p) override { return Deny(p); }
  logidata::Result<std::unique_ptr<logidata::WritableFile>> OpenWrite(const std::string& p, bool) override { return Deny(p); }
  logidata::Result<logidata::FileInfo> Stat(const std::string& p) override { return Deny(p); }
  logidata::Result<std::vector<logidata::FileInfo>> ListRecursive(const std::string& p) override { return Deny(p); }
  logidata::Status CreateDirs(const std::string& p) override { return Deny(p); }
  logidata::Status Rename(const std::string& p, const std::string&) override { return Deny(p); }
  logidata::Status RemoveAll(const std::string& p) override { return Deny(p); }

 private:
  static logidata::Status Deny(const std::string& p) { return logidata::Status::PermissionDenied("fuzzing: no file access to " + p); }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static NoFileSystem no_files;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto spec = logidata::ParsePipelineText(text, "fuzz.json");
  if (!spec.ok()) return 0;
  logidata::ValidateOptions options;
  options.can_touch_data = false;
  options.fs = &no_files;
  auto issues = logidata::ValidatePipeline(*spec, logidata::BuiltinModules(), options);
  (void)issues;
  return 0;
}

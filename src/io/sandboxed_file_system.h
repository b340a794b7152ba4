// SandboxedFileSystem: a FileSystem that checks every path against a PathSandbox before handing
// the call to the file system below. Modules resolve their configured paths through the sandbox at
// bind time; this layer is the second gate, for paths that appear later — files a glob or a
// folder expands to (a symlink inside a root may point anywhere), staging folders, renames.
// Thread-safe when the inner file system is.
#pragma once

#include "io/file_system.h"
#include "io/path_sandbox.h"

namespace logidata {

class SandboxedFileSystem : public FileSystem {
 public:
  SandboxedFileSystem(const PathSandbox& sandbox, FileSystem& inner) : sandbox_(sandbox), inner_(inner) {}

  Result<std::unique_ptr<RandomAccessFile>> OpenRead(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> OpenWrite(const std::string& path, bool atomic) override;
  Result<std::unique_ptr<WritableFile>> OpenScratch(const std::string& path) override;
  Result<FileInfo> Stat(const std::string& path) override;
  Result<std::vector<FileInfo>> ListRecursive(const std::string& dir) override;
  Status CreateDirs(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status RemoveAll(const std::string& path) override;

 private:
  const PathSandbox& sandbox_;
  FileSystem& inner_;
};

}  // namespace logidata

#include "io/sandboxed_file_system.h"

#include <filesystem>
#include <system_error>

namespace logidata {

Result<std::unique_ptr<RandomAccessFile>> SandboxedFileSystem::OpenRead(const std::string& path) {
  LD_RETURN_IF_ERROR(sandbox_.Check(path, FileAccess::kRead));
  return inner_.OpenRead(path);
}

Result<std::unique_ptr<WritableFile>> SandboxedFileSystem::OpenWrite(const std::string& path, bool atomic) {
  LD_RETURN_IF_ERROR(sandbox_.Check(path, FileAccess::kWrite));
  return inner_.OpenWrite(path, atomic);
}

Result<std::unique_ptr<WritableFile>> SandboxedFileSystem::OpenScratch(const std::string& path) {
  LD_RETURN_IF_ERROR(sandbox_.Check(path, FileAccess::kWrite));
  return inner_.OpenScratch(path);
}

Result<FileInfo> SandboxedFileSystem::Stat(const std::string& path) {
  LD_RETURN_IF_ERROR(sandbox_.Check(path, FileAccess::kRead));
  return inner_.Stat(path);
}

Result<std::vector<FileInfo>> SandboxedFileSystem::ListRecursive(const std::string& dir) {
  LD_RETURN_IF_ERROR(sandbox_.Check(dir, FileAccess::kRead));
  LD_ASSIGN_OR_RETURN(auto files, inner_.ListRecursive(dir));
  // Entries that lead out of the sandbox (symlinks) are left out rather than failing the listing;
  // opening one by name is still refused.
  std::vector<FileInfo> kept;
  kept.reserve(files.size());
  for (auto& f : files) {
    if (sandbox_.Check(f.path, FileAccess::kRead).ok()) kept.push_back(std::move(f));
  }
  return kept;
}

Status SandboxedFileSystem::CreateDirs(const std::string& path) {
  // A folder that already exists is left as it is: that needs only read access, so creating the
  // parent of a file at the top of a root (the root itself) is not a write to the root.
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return sandbox_.Check(path, FileAccess::kRead);
  LD_RETURN_IF_ERROR(sandbox_.Check(path, FileAccess::kWrite));
  return inner_.CreateDirs(path);
}

Status SandboxedFileSystem::Rename(const std::string& from, const std::string& to) {
  LD_RETURN_IF_ERROR(sandbox_.Check(from, FileAccess::kWrite));
  LD_RETURN_IF_ERROR(sandbox_.Check(to, FileAccess::kWrite));
  return inner_.Rename(from, to);
}

Status SandboxedFileSystem::RemoveAll(const std::string& path) {
  LD_RETURN_IF_ERROR(sandbox_.Check(path, FileAccess::kWrite));
  return inner_.RemoveAll(path);
}

}  // namespace logidata

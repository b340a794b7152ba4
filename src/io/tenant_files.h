// TenantFiles: one organization's view of the server's disk — its sandbox (its own folder
// `<files-dir>/<org-id>/` plus the roots the server's admin granted) and a file system that
// enforces it. The server and `logidata worker` build one for every run, preview, validation and
// connection test done on a tenant's behalf. Immutable; thread-safe.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "io/file_system.h"
#include "io/path_sandbox.h"
#include "io/sandboxed_file_system.h"

namespace logidata {

// The server-wide file policy, from its options.
struct FilesPolicy {
  std::filesystem::path files_dir;             // organizations' folders live below it
  std::vector<SandboxRoot> extra_roots;        // --files-root name=/dir[:ro|:rw]
  std::vector<std::filesystem::path> forbidden;  // the data folder, key files
};

class TenantFiles {
 public:
  // Creates the organization's folder on first use. InvalidArgument for an unsafe org id.
  static Result<std::unique_ptr<TenantFiles>> Open(const FilesPolicy& policy, const std::string& org_id);

  const PathSandbox& sandbox() const { return sandbox_; }
  FileSystem* fs() { return &fs_; }
  std::string home() const { return sandbox_.home().string(); }

 private:
  explicit TenantFiles(PathSandbox sandbox) : sandbox_(std::move(sandbox)), fs_(sandbox_, LocalFileSystem()) {}
  PathSandbox sandbox_;
  SandboxedFileSystem fs_;
};

}  // namespace logidata

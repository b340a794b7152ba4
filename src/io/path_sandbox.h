// PathSandbox: the files a tenant's pipeline may touch on the server's disk. Every path a user
// writes (file extract and load paths, globs, rejects files, SQLite databases) is resolved here
// before anything is opened: relative paths land in the organization's own folder, `name:path`
// in a root the server's admin granted, and absolute paths only count when they fall inside one
// of those roots. Symlinks are resolved before the check, and the server's data folder (metadata
// database, keys) is refused even when a granted root contains it. The CLI uses no sandbox.
// Immutable after construction; thread-safe.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace logidata {

enum class FileAccess { kRead, kWrite };

struct SandboxRoot {
  std::string name;               // "lake" for `lake:path`; empty for the organization's own root
  std::filesystem::path dir;      // absolute
  bool writable = false;
};

// Parses "name=/dir[:ro|:rw]" (the server's --files-root option). Default is read-only.
Result<SandboxRoot> ParseSandboxRoot(std::string_view spec);

class PathSandbox {
 public:
  // `home` is the organization's read-write root, created if missing; `extra` are granted roots;
  // nothing inside `forbidden` (the data folder, key files) is ever allowed unless it is inside
  // `home` itself.
  static Result<PathSandbox> Create(std::filesystem::path home, std::vector<SandboxRoot> extra,
                                    std::vector<std::filesystem::path> forbidden);

  // What the user wrote -> an absolute path (may contain glob characters after the last fixed
  // folder) that stays inside an allowed root. Errors are PermissionDenied and name the path.
  Result<std::string> Resolve(std::string_view user_path, FileAccess access) const;

  // Re-checks a concrete absolute path just before it is used (symlinks resolved again), so a
  // link placed inside a root cannot lead out of it.
  Status Check(const std::string& path, FileAccess access) const;

  const std::filesystem::path& home() const { return roots_.front().dir; }
  const std::vector<SandboxRoot>& roots() const { return roots_; }

 private:
  PathSandbox() = default;
  // The canonical form of `path`: symlinks resolved as far as the path exists, the rest normalised.
  static std::filesystem::path Canonical(const std::filesystem::path& path);
  Status Allow(const std::filesystem::path& canonical, std::string_view shown, FileAccess access) const;

  std::vector<SandboxRoot> roots_;  // roots_[0] is home; all canonical
  std::vector<std::filesystem::path> forbidden_;
};

}  // namespace logidata

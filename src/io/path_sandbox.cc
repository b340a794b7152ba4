#include "io/path_sandbox.h"

#include <system_error>

namespace logidata {
namespace fs = std::filesystem;

namespace {

bool IsRootName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  if (!std::isalpha(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  }
  return true;
}

// True when `path` is `dir` or lies below it (both canonical).
bool IsInside(const fs::path& path, const fs::path& dir) {
  const std::string& p = path.native();
  const std::string& d = dir.native();
  if (d == "/") return true;
  return p == d || (p.size() > d.size() && p.compare(0, d.size(), d) == 0 && p[d.size()] == '/');
}

bool HasParentStep(std::string_view pattern) {
  for (const auto& part : fs::path(std::string(pattern))) {
    if (part == "..") return true;
  }
  return false;
}

}  // namespace

Result<SandboxRoot> ParseSandboxRoot(std::string_view spec) {
  size_t eq = spec.find('=');
  if (eq == std::string_view::npos) return Status::InvalidArgument("files root '" + std::string(spec) + "': expected name=/dir[:ro|:rw]");
  SandboxRoot root;
  root.name = std::string(spec.substr(0, eq));
  std::string dir(spec.substr(eq + 1));
  if (!IsRootName(root.name)) {
    return Status::InvalidArgument("files root '" + std::string(spec) + "': the name must be letters, digits, '_' or '-'");
  }
  if (dir.size() > 3 && (dir.compare(dir.size() - 3, 3, ":ro") == 0 || dir.compare(dir.size() - 3, 3, ":rw") == 0)) {
    root.writable = dir.compare(dir.size() - 3, 3, ":rw") == 0;
    dir.resize(dir.size() - 3);
  }
  if (dir.empty() || dir.front() != '/') {
    return Status::InvalidArgument("files root '" + std::string(spec) + "': the folder must be an absolute path");
  }
  root.dir = dir;
  return root;
}

fs::path PathSandbox::Canonical(const fs::path& path) {
  std::error_code ec;
  fs::path out = fs::weakly_canonical(path, ec);
  if (ec) out = path.lexically_normal();
  // weakly_canonical keeps a trailing separator from "dir/"; drop it so comparisons are exact.
  std::string s = out.native();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return fs::path(s);
}

Result<PathSandbox> PathSandbox::Create(fs::path home, std::vector<SandboxRoot> extra, std::vector<fs::path> forbidden) {
  std::error_code ec;
  fs::create_directories(home, ec);
  if (ec) return Status::IOError("cannot create files folder '" + home.string() + "': " + ec.message());
  PathSandbox box;
  box.roots_.push_back({"", Canonical(fs::absolute(home)), true});
  for (auto& root : extra) {
    fs::path dir = fs::canonical(root.dir, ec);
    if (ec) return Status::InvalidArgument("files root '" + root.name + "': cannot open '" + root.dir.string() + "': " + ec.message());
    for (const auto& existing : box.roots_) {
      if (existing.name == root.name && !root.name.empty()) {
        return Status::InvalidArgument("files root '" + root.name + "' is given twice");
      }
    }
    box.roots_.push_back({root.name, dir, root.writable});
  }
  for (auto& f : forbidden) box.forbidden_.push_back(Canonical(fs::absolute(f)));
  return box;
}

Status PathSandbox::Allow(const fs::path& canonical, std::string_view shown, FileAccess access) const {
  std::string quoted = "'" + std::string(shown) + "'";
  // A path may lie in several roots (a granted root may contain another): any one that allows the
  // access is enough; otherwise the first refusal explains why.
  Status refusal;
  bool inside_any = false;
  for (const auto& root : roots_) {
    if (!IsInside(canonical, root.dir)) continue;
    inside_any = true;
    Status st;
    if (&root != &roots_.front()) {
      for (const auto& f : forbidden_) {
        if (IsInside(canonical, f) || IsInside(f, canonical)) {
          st = Status::PermissionDenied(quoted + " is inside the server's own data folder");
          break;
        }
      }
    }
    if (st.ok() && access == FileAccess::kWrite) {
      if (!root.writable) {
        st = Status::PermissionDenied(quoted + " is in the read-only root '" + root.name + "'");
      } else if (canonical == root.dir) {
        st = Status::PermissionDenied(quoted + " is a files root itself; write to a file or folder inside it");
      }
    }
    if (st.ok()) return st;
    if (refusal.ok()) refusal = st;
  }
  if (inside_any) return refusal;
  std::string names;
  for (const auto& r : roots_) {
    if (!r.name.empty()) names += (names.empty() ? "" : ", ") + r.name + ":";
  }
  return Status::PermissionDenied(quoted + " is outside the files this organization may use: write a path relative to "
                                  "its files folder" + (names.empty() ? std::string() : " or under a granted root (" + names + ")"));
}

Result<std::string> PathSandbox::Resolve(std::string_view user_path, FileAccess access) const {
  if (user_path.empty()) return Status::InvalidArgument("the path is empty");
  if (user_path.find('\0') != std::string_view::npos) return Status::InvalidArgument("the path contains a NUL byte");
  if (user_path.find("://") != std::string_view::npos) {
    return Status::PermissionDenied("'" + std::string(user_path) +
                                    "' is a URL; on the server, file modules read and write only the organization's "
                                    "files (remote data goes through the s3 or http modules)");
  }
  fs::path base = roots_.front().dir;
  std::string_view rest = user_path;
  size_t colon = user_path.find(':');
  if (colon != std::string_view::npos && IsRootName(user_path.substr(0, colon))) {
    std::string_view name = user_path.substr(0, colon);
    for (const auto& root : roots_) {
      if (!root.name.empty() && root.name == name) {
        base = root.dir;
        rest = user_path.substr(colon + 1);
        while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
        break;
      }
    }
  }
  fs::path candidate = (!rest.empty() && rest.front() == '/') ? fs::path(std::string(rest)) : base / std::string(rest);
  // A glob keeps its pattern below the last fixed folder; only that folder is canonicalised.
  std::string text = candidate.string();
  size_t wildcard = text.find_first_of("*?[");
  std::string fixed = text, pattern;
  if (wildcard != std::string::npos) {
    size_t slash = text.rfind('/', wildcard);
    fixed = text.substr(0, slash == 0 ? 1 : slash);
    pattern = text.substr(slash + 1);
    if (HasParentStep(pattern)) {
      return Status::PermissionDenied("'" + std::string(user_path) + "': '..' is not allowed after a wildcard");
    }
  }
  fs::path canonical = Canonical(fixed);
  LD_RETURN_IF_ERROR(Allow(canonical, user_path, pattern.empty() ? access : FileAccess::kRead));
  if (pattern.empty()) return canonical.string();
  return (canonical.native() == "/" ? "" : canonical.string()) + "/" + pattern;
}

Status PathSandbox::Check(const std::string& path, FileAccess access) const {
  if (path.find('\0') != std::string::npos) return Status::InvalidArgument("the path contains a NUL byte");
  return Allow(Canonical(fs::absolute(path)), path, access);
}

}  // namespace logidata

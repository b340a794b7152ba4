#include "io/file_system.h"

#include <algorithm>

namespace logidata {

Result<BufferPtr> RandomAccessFile::ReadAll() {
  LD_ASSIGN_OR_RETURN(int64_t size, Size());
  return ReadAt(0, size);
}

bool GlobMatch(std::string_view pattern, std::string_view path) {
  size_t p = 0, s = 0;
  size_t star_p = std::string_view::npos, star_s = 0;
  bool star_crosses_dirs = false;
  while (s < path.size()) {
    if (p < pattern.size()) {
      char c = pattern[p];
      if (c == '*') {
        star_crosses_dirs = p + 1 < pattern.size() && pattern[p + 1] == '*';
        p += star_crosses_dirs ? 2 : 1;
        if (star_crosses_dirs && p < pattern.size() && pattern[p] == '/') {
          // "**/" also matches zero directories.
          if (GlobMatch(pattern.substr(p + 1), path.substr(s))) return true;
        }
        star_p = p;
        star_s = s;
        continue;
      }
      if (c == '?' && path[s] != '/') { ++p; ++s; continue; }
      if (c == '[') {
        size_t close = pattern.find(']', p + 1);
        if (close != std::string_view::npos) {
          bool negate = p + 1 < close && (pattern[p + 1] == '!' || pattern[p + 1] == '^');
          bool matched = false;
          for (size_t i = p + 1 + (negate ? 1 : 0); i < close; ++i) {
            if (i + 2 < close && pattern[i + 1] == '-') {
              matched |= path[s] >= pattern[i] && path[s] <= pattern[i + 2];
              i += 2;
            } else {
              matched |= path[s] == pattern[i];
            }
          }
          if (matched != negate) { p = close + 1; ++s; continue; }
        }
      } else if (c == path[s]) {
        ++p; ++s;
        continue;
      }
    }
    if (star_p != std::string_view::npos && (star_crosses_dirs || path[star_s] != '/')) {
      p = star_p;
      s = ++star_s;
      continue;
    }
    return false;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

Result<std::vector<FileInfo>> FileSystem::Expand(const std::string& pattern) {
  size_t wildcard = pattern.find_first_of("*?[");
  if (wildcard == std::string::npos) {
    LD_ASSIGN_OR_RETURN(FileInfo info, Stat(pattern));
    if (!info.is_directory) return std::vector<FileInfo>{info};
    LD_ASSIGN_OR_RETURN(auto files, ListRecursive(pattern));
    if (files.empty()) return Status::NotFound("directory '" + pattern + "' contains no files");
    return files;
  }
  size_t slash = pattern.rfind('/', wildcard);
  std::string root = slash == std::string::npos ? "." : pattern.substr(0, slash == 0 ? 1 : slash);
  LD_ASSIGN_OR_RETURN(auto candidates, ListRecursive(root));
  std::vector<FileInfo> out;
  for (auto& f : candidates) {
    std::string_view candidate = f.path;
    if (slash == std::string::npos && candidate.substr(0, 2) == "./") candidate.remove_prefix(2);
    if (GlobMatch(pattern, candidate)) out.push_back(std::move(f));
  }
  if (out.empty()) return Status::NotFound("no files match '" + pattern + "'");
  return out;
}

}  // namespace logidata

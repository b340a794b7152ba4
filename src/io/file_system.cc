#include "io/file_system.h"

#include <algorithm>
#include <vector>

namespace logidata {

Result<BufferPtr> RandomAccessFile::ReadAll() {
  LD_ASSIGN_OR_RETURN(int64_t size, Size());
  return ReadAt(0, size);
}

// A table over (pattern position, path position), filled from the ends: dp[p][s] says whether
// pattern[p:] matches path[s:]. Linear in |pattern| x |path| whatever the stars, so a hostile
// pattern like "**a**a**a**b" cannot make matching exponential, and "**" keeps its meaning after
// later single stars (a greedy backtracking matcher forgets the "**" once it meets a "*").
bool GlobMatch(std::string_view pattern, std::string_view path) {
  const size_t np = pattern.size(), ns = path.size();
  std::vector<char> dp((np + 1) * (ns + 1), 0);
  auto at = [&](size_t p, size_t s) -> char& { return dp[p * (ns + 1) + s]; };
  at(np, ns) = 1;
  for (size_t p = np; p-- > 0;) {
    const char c = pattern[p];
    const bool double_star = c == '*' && p + 1 < np && pattern[p + 1] == '*';
    size_t class_close = std::string_view::npos;
    if (c == '[') class_close = pattern.find(']', p + 1);
    for (size_t s = ns + 1; s-- > 0;) {
      const bool has_char = s < ns;
      bool match = false;
      if (double_star) {
        const size_t q = p + 2;
        // "**/" also matches zero directories; "**" matches any run of characters, '/' included.
        match = (q < np && pattern[q] == '/' && at(q + 1, s)) || at(q, s) || (has_char && at(p, s + 1));
      } else if (c == '*') {
        match = at(p + 1, s) || (has_char && path[s] != '/' && at(p, s + 1));
      } else if (c == '?') {
        match = has_char && path[s] != '/' && at(p + 1, s + 1);
      } else if (c == '[' && class_close != std::string_view::npos) {
        if (has_char) {
          const bool negate = p + 1 < class_close && (pattern[p + 1] == '!' || pattern[p + 1] == '^');
          bool in_class = false;
          for (size_t i = p + 1 + (negate ? 1 : 0); i < class_close; ++i) {
            if (i + 2 < class_close && pattern[i + 1] == '-') {
              in_class |= path[s] >= pattern[i] && path[s] <= pattern[i + 2];
              i += 2;
            } else {
              in_class |= path[s] == pattern[i];
            }
          }
          match = in_class != negate && at(class_close + 1, s + 1);
        }
      } else {
        match = has_char && path[s] == c && at(p + 1, s + 1);
      }
      at(p, s) = match;
    }
  }
  return at(0, 0) != 0;
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

Status AppendAndPublish(std::unique_ptr<WritableFile>& file, std::string_view tail) {
  Status st = file->Append(tail);
  if (st.ok()) st = file->Close();
  if (!st.ok()) file->Abort();
  file.reset();
  return st;
}

}  // namespace logidata

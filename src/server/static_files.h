// StaticFiles: serves the web UI's built files from a folder, with single-page-app fallback to
// index.html for paths that are not files. Paths are normalised and confined to the root, so
// "..", encoded dots, NUL bytes and symlinks leading outside never escape it. Thread-safe
// (reads only; small files are cached in memory after first use).
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "server/http_types.h"

namespace logidata {

class StaticFiles {
 public:
  explicit StaticFiles(std::string root);
  // A response for GET `path`, or nullopt when the root is missing and nothing can be served.
  std::optional<HttpResponse> Serve(const std::string& path);

 private:
  std::optional<std::string> Read(const std::string& full_path);
  std::string root_;  // canonical, without trailing slash; empty when missing
  std::mutex mu_;
  std::map<std::string, std::string> cache_;
};

std::string ContentTypeFor(const std::string& path);

}  // namespace logidata

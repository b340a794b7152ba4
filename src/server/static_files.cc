#include "server/static_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "server/router.h"

namespace logidata {

namespace fs = std::filesystem;

StaticFiles::StaticFiles(std::string root) {
  std::error_code ec;
  auto canon = fs::weakly_canonical(fs::path(root), ec);
  if (!ec && fs::is_directory(canon, ec)) root_ = canon.string();
}

std::string ContentTypeFor(const std::string& path) {
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
      {".json", "application/json"}, {".svg", "image/svg+xml"}, {".png", "image/png"},
      {".jpg", "image/jpeg"}, {".ico", "image/x-icon"}, {".woff2", "font/woff2"}, {".woff", "font/woff"},
      {".txt", "text/plain; charset=utf-8"}, {".map", "application/json"}, {".wasm", "application/wasm"}};
  auto ext = fs::path(path).extension().string();
  auto it = kTypes.find(ext);
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

std::optional<std::string> StaticFiles::Read(const std::string& full_path) {
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(full_path);
    if (it != cache_.end()) return it->second;
  }
  std::error_code ec;
  if (!fs::is_regular_file(full_path, ec)) return std::nullopt;
  std::ifstream in(full_path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  std::string data = ss.str();
  std::lock_guard lock(mu_);
  if (data.size() < (1 << 20) && cache_.size() < 2000) cache_[full_path] = data;
  return data;
}

std::optional<HttpResponse> StaticFiles::Serve(const std::string& path) {
  if (root_.empty()) return std::nullopt;
  if (path.find('\0') != std::string::npos) return HttpResponse::Problem(400, "", "invalid path");
  std::vector<std::string> clean;
  for (const auto& seg : SplitPath(path)) {
    if (seg == "." ) continue;
    if (seg == ".." || seg.find('\\') != std::string::npos) return HttpResponse::Problem(400, "", "invalid path");
    clean.push_back(seg);
  }
  std::string rel;
  for (const auto& s : clean) rel += "/" + s;
  std::string candidate = root_ + (rel.empty() ? "/index.html" : rel);
  std::error_code ec;
  // Symlinks may not lead outside the root.
  auto canon = fs::weakly_canonical(candidate, ec);
  bool inside = !ec && canon.string().rfind(root_ + "/", 0) == 0;
  if (inside && fs::is_directory(canon, ec)) canon /= "index.html";
  std::optional<std::string> data = inside ? Read(canon.string()) : std::nullopt;
  std::string served = canon.string();
  if (!data) {
    // SPA fallback: client-side routes ("/pipelines/42") get the app; missing assets get 404.
    if (!clean.empty() && fs::path(clean.back()).has_extension()) {
      return HttpResponse::Problem(404, "", "file not found");
    }
    served = root_ + "/index.html";
    data = Read(served);
    if (!data) return HttpResponse::Problem(404, "", "file not found");
  }
  HttpResponse r;
  r.status = 200;
  r.content_type = ContentTypeFor(served);
  r.body = std::move(*data);
  bool hashed_asset = served.find("/assets/") != std::string::npos;
  r.headers.emplace_back("Cache-Control", hashed_asset ? "public, max-age=31536000, immutable" : "no-cache");
  return r;
}

}  // namespace logidata

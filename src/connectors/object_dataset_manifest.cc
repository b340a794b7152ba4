#include "connectors/object_dataset_manifest.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

#include "connectors/object_file_system.h"
#include "types/temporal.h"

namespace logidata {

namespace {

constexpr const char* kFormat = "logidata.dataset";
constexpr int kVersion = 1;
// A manifest names one object per partition; 64 MiB is millions of them. Larger is not ours.
constexpr int64_t kMaxManifestBytes = int64_t{64} << 20;

struct ManifestEntry {
  std::string path;  // relative to the dataset folder
  int64_t size = 0;
  int64_t rows = 0;
};

struct Manifest {
  std::string run_id, token;
  std::vector<ManifestEntry> files;
};

std::string WithoutTrailingSlash(std::string path) {
  while (!path.empty() && path.back() == '/') path.pop_back();
  return path;
}

bool IsUnder(std::string_view path, std::string_view folder) {
  return path.size() > folder.size() && path.compare(0, folder.size(), folder) == 0 && path[folder.size()] == '/';
}

std::string ManifestPath(const std::string& folder) { return folder + "/" + std::string(kDatasetManifestName); }

// The folder holding `path` ("s3://b/a/x" → "s3://b/a"); none above the container ("s3://b").
std::optional<std::string> ParentFolder(const std::string& path) {
  const size_t scheme = path.find("://");
  const size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos || slash < start) return std::nullopt;
  return path.substr(0, slash);
}

// A key-safe form of the run id plus 8 random hex digits: unique per attempt even when a run id repeats.
std::string RunToken(const std::string& run_id) {
  std::string token;
  for (char c : run_id) {
    if (token.size() >= 40) break;
    token.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_');
  }
  if (token.empty()) token = "run";
  return token + "-" + RandomHexSuffix().substr(0, 8);
}

// "k=a/part-0.csv.gz" → "k=a/part-0-<token>.csv.gz": the token goes before the extensions.
std::string WithToken(const std::string& relative, const std::string& token) {
  const size_t slash = relative.rfind('/');
  const size_t name = slash == std::string::npos ? 0 : slash + 1;
  size_t dot = relative.find('.', name + 1);
  if (dot == std::string::npos) dot = relative.size();
  return relative.substr(0, dot) + "-" + token + relative.substr(dot);
}

// A relative object path from a manifest: no empty, "." or ".." segment, so it cannot name an
// object outside its dataset.
bool IsSafeRelativePath(std::string_view path) {
  if (path.empty() || path.front() == '/' || path.back() == '/') return false;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..") return false;
    start = end + 1;
  }
  return true;
}

Result<Manifest> ParseManifest(const std::string& where, std::string_view text) {
  auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  auto bad = [&](const std::string& pointer, const std::string& why) {
    return Status::DataError("dataset manifest " + where + (pointer.empty() ? "" : " " + pointer) + ": " + why);
  };
  if (json.is_discarded() || !json.is_object()) return bad("", "is not a JSON object");
  if (json.value("format", std::string()) != kFormat) return bad("/format", std::string("must be \"") + kFormat + "\"");
  if (!json.contains("version") || !json["version"].is_number_integer()) return bad("/version", "must be an integer");
  if (json["version"].get<int64_t>() > kVersion) {
    return Status::Unsupported("dataset manifest " + where + " has version " + json["version"].dump() +
                               ", newer than this Logidata reads (" + std::to_string(kVersion) + ")");
  }
  Manifest m;
  if (json.contains("run_id") && json["run_id"].is_string()) m.run_id = json["run_id"].get<std::string>();
  if (json.contains("token") && json["token"].is_string()) m.token = json["token"].get<std::string>();
  if (!json.contains("files") || !json["files"].is_array()) return bad("/files", "must be an array");
  const auto& files = json["files"];
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string at = "/files/" + std::to_string(i);
    const auto& f = files[i];
    if (!f.is_object()) return bad(at, "must be an object");
    if (!f.contains("path") || !f["path"].is_string() || !IsSafeRelativePath(f["path"].get<std::string>())) {
      return bad(at + "/path", "must be a relative path inside the dataset (no empty, '.' or '..' segment)");
    }
    for (const char* field : {"size", "rows"}) {
      if (!f.contains(field) || !f[field].is_number_integer() || f[field].get<int64_t>() < 0) {
        return bad(at + "/" + field, "must be a non-negative integer");
      }
    }
    m.files.push_back({f["path"].get<std::string>(), f["size"].get<int64_t>(), f["rows"].get<int64_t>()});
  }
  return m;
}

// The manifest of `folder`, or none when it has none.
Result<std::optional<Manifest>> ReadManifest(FileSystem& fs, const std::string& folder) {
  const std::string path = ManifestPath(folder);
  auto file = fs.OpenRead(path);
  if (!file.ok()) {
    if (file.status().IsNotFound()) return std::optional<Manifest>();
    return file.status();
  }
  auto size = (*file)->Size();
  if (!size.ok()) {
    if (size.status().IsNotFound()) return std::optional<Manifest>();
    return size.status();
  }
  if (*size > kMaxManifestBytes) {
    return Status::DataError("dataset manifest " + path + " has " + std::to_string(*size) + " bytes, more than the " +
                             std::to_string(kMaxManifestBytes) + " a manifest may have");
  }
  LD_ASSIGN_OR_RETURN(BufferPtr bytes, (*file)->ReadAt(0, *size));
  LD_ASSIGN_OR_RETURN(Manifest m, ParseManifest(path, std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size())));
  return std::optional<Manifest>(std::move(m));
}

// Replaces, in `published`, everything under `scope` with what the manifest of `folder` lists there,
// checking each listed object against the raw listing.
Status ApplyManifest(const std::string& folder, const Manifest& m, const std::string& scope,
                     const std::map<std::string, int64_t>& raw, std::map<std::string, int64_t>& published) {
  for (auto it = published.lower_bound(scope + "/"); it != published.end() && IsUnder(it->first, scope);) it = published.erase(it);
  for (const auto& f : m.files) {
    const std::string full = folder + "/" + f.path;
    if (!IsUnder(full, scope)) continue;
    auto found = raw.find(full);
    if (found == raw.end()) {
      return Status::NotFound("dataset manifest " + ManifestPath(folder) + " lists " + f.path +
                              ", which does not exist (the dataset was republished or changed while being read; read it again)");
    }
    if (found->second != f.size) {
      return Status::DataError("dataset manifest " + ManifestPath(folder) + " lists " + f.path + " with " +
                               std::to_string(f.size) + " bytes, but it has " + std::to_string(found->second) +
                               " (the object was replaced outside Logidata)");
    }
    published[full] = f.size;
  }
  return Status::OK();
}

// Closes the wrapped file and records its path as completed, so Abort() knows what to delete.
class TrackedFile final : public WritableFile {
 public:
  TrackedFile(std::unique_ptr<WritableFile> inner, std::string path, std::shared_ptr<std::vector<std::string>> completed)
      : inner_(std::move(inner)), path_(std::move(path)), completed_(std::move(completed)) {}
  Status Append(const void* data, size_t size) override { return inner_->Append(data, size); }
  int64_t BytesWritten() const override { return inner_->BytesWritten(); }
  Status Close() override {
    LD_RETURN_IF_ERROR(inner_->Close());
    completed_->push_back(path_);
    return Status::OK();
  }
  void Abort() override { inner_->Abort(); }

 private:
  std::unique_ptr<WritableFile> inner_;
  std::string path_;
  std::shared_ptr<std::vector<std::string>> completed_;
};

class ManifestDatasetWrite final : public DatasetWrite {
 public:
  ManifestDatasetWrite(ObjectFileSystem& fs, const std::string& dir, const std::string& run_id)
      : fs_(fs), root_(WithoutTrailingSlash(dir)), run_id_(run_id), token_(RunToken(run_id)) {}
  ~ManifestDatasetWrite() override {
    if (!published_) Abort();
  }

  Result<std::unique_ptr<WritableFile>> OpenFile(const std::string& relative_path) override {
    const std::string relative = WithToken(relative_path, token_);
    const std::string path = root_ + "/" + relative;
    LD_ASSIGN_OR_RETURN(auto file, fs_.OpenWrite(path, /*atomic=*/true));
    relative_[relative_path] = relative;
    return std::unique_ptr<WritableFile>(new TrackedFile(std::move(file), path, completed_));
  }

  Status Publish(const std::vector<DatasetFile>& files) override {
    nlohmann::json entries = nlohmann::json::array();
    std::set<std::string> current;
    int64_t total_rows = 0;
    for (const auto& f : files) {
      auto it = relative_.find(f.relative_path);
      if (it == relative_.end()) return Status::Internal("dataset file '" + f.relative_path + "' was not opened by this run");
      const std::string path = root_ + "/" + it->second;
      LD_ASSIGN_OR_RETURN(FileInfo info, fs_.Stat(path));
      entries.push_back({{"path", it->second}, {"size", info.size}, {"rows", f.rows}});
      current.insert(path);
      total_rows += f.rows;
    }
    // What the new manifest supersedes: the previous manifest's objects or, over a folder without
    // one, every object there (the dataset as the pre-manifest loaders wrote it).
    std::vector<std::string> superseded;
    auto previous = ReadManifest(fs_, root_);
    if (previous.ok() && previous->has_value()) {
      for (const auto& f : (*previous)->files) superseded.push_back(root_ + "/" + f.path);
    } else if (previous.ok()) {
      LD_ASSIGN_OR_RETURN(auto objects, fs_.ListObjects(root_));
      for (const auto& o : objects) superseded.push_back(o.path);
    }  // an unreadable previous manifest: delete nothing rather than guess
    const auto now = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch());
    nlohmann::json manifest = {{"format", kFormat}, {"version", kVersion}, {"run_id", run_id_}, {"token", token_},
                               {"published_at", FormatTimestamp(now.count())}, {"rows", total_rows}, {"files", entries}};
    LD_ASSIGN_OR_RETURN(auto out, fs_.OpenWrite(ManifestPath(root_), /*atomic=*/true));
    LD_RETURN_IF_ERROR(AppendAndPublish(out, manifest.dump(1) + "\n"));  // the one PUT that publishes the run
    published_ = true;
    const std::string manifest_path = ManifestPath(root_);
    for (const auto& path : superseded) {
      if (current.count(path) == 0 && path != manifest_path) (void)fs_.DeleteObject(path);  // best effort
    }
    return Status::OK();
  }

  void Abort() override {
    if (published_) return;
    for (const auto& path : *completed_) (void)fs_.DeleteObject(path);  // best effort
    completed_->clear();
  }

 private:
  ObjectFileSystem& fs_;
  std::string root_, run_id_, token_;
  std::map<std::string, std::string> relative_;  // as the loader names a file → with the run token
  std::shared_ptr<std::vector<std::string>> completed_ = std::make_shared<std::vector<std::string>>();
  bool published_ = false;
};

}  // namespace

std::unique_ptr<DatasetWrite> MakeManifestDatasetWrite(ObjectFileSystem& fs, const std::string& dir, const std::string& run_id) {
  return std::make_unique<ManifestDatasetWrite>(fs, dir, run_id);
}

Result<std::vector<FileInfo>> ApplyDatasetManifests(FileSystem& fs, const std::string& dir, std::vector<FileInfo> listing) {
  const std::string root = WithoutTrailingSlash(dir);
  std::map<std::string, int64_t> raw;
  for (const auto& f : listing) raw[f.path] = f.size;
  std::map<std::string, int64_t> published = raw;
  // A manifest above the listed folder (a partition folder of a dataset was listed), outermost first.
  std::vector<std::string> ancestors;
  for (auto p = ParentFolder(root); p.has_value(); p = ParentFolder(*p)) ancestors.push_back(*p);
  for (auto it = ancestors.rbegin(); it != ancestors.rend(); ++it) {
    LD_ASSIGN_OR_RETURN(auto m, ReadManifest(fs, *it));
    if (m.has_value()) {
      LD_RETURN_IF_ERROR(ApplyManifest(*it, *m, root, raw, published));
      break;  // it governs everything below it
    }
  }
  // Manifests in the listing (the folder's own, then deeper ones), outer before inner; one that an
  // outer manifest does not list is not part of the dataset.
  std::vector<std::string> folders;
  for (const auto& [path, size] : raw) {
    const size_t slash = path.rfind('/');
    if (slash != std::string::npos && std::string_view(path).substr(slash + 1) == kDatasetManifestName) {
      folders.push_back(path.substr(0, slash));
    }
  }
  std::stable_sort(folders.begin(), folders.end(), [](const std::string& a, const std::string& b) {
    return std::count(a.begin(), a.end(), '/') < std::count(b.begin(), b.end(), '/');
  });
  for (const auto& folder : folders) {
    if (published.count(ManifestPath(folder)) == 0) continue;
    LD_ASSIGN_OR_RETURN(auto m, ReadManifest(fs, folder));
    if (m.has_value()) LD_RETURN_IF_ERROR(ApplyManifest(folder, *m, folder, raw, published));
  }
  std::vector<FileInfo> out;
  out.reserve(published.size());
  for (const auto& [path, size] : published) out.push_back({path, size, false});
  return out;
}

}  // namespace logidata

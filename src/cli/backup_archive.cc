#include "cli/backup_archive.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/json_text.h"
#include "metadata/database.h"

namespace logidata {

namespace fs = std::filesystem;

Result<std::vector<std::string>> PlainEntries(const std::string& dir) {
  std::vector<std::string> entries;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    fs::file_status st = it->symlink_status(ec);
    std::string rel = fs::relative(it->path(), dir, ec).string();
    if (!fs::is_regular_file(st) && !fs::is_directory(st)) {
      return Status::IOError(rel + ": not a plain file or folder (links are refused in a backup)");
    }
    entries.push_back(rel);
  }
  if (ec) return Status::IOError(dir + ": " + ec.message());
  return entries;
}

Result<std::string> MakeStagingDir(const std::string& near, const std::string& tag) {
  std::string tmpl = near + "." + tag + "-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) return Status::IOError("cannot create a staging folder " + tmpl);
  return std::string(buf.data());
}

StagingGuard::~StagingGuard() {
  std::error_code ec;
  if (!dir.empty()) fs::remove_all(dir, ec);
}

namespace {
int64_t CountRows(Database& db, const char* table) {
  auto r = db.Query(std::string("SELECT COUNT(*) AS n FROM ") + table);
  return r.ok() && !r->rows.empty() ? r->rows[0].Int("n") : -1;
}
}  // namespace

std::string StoreCounts(Database& db) {
  return std::to_string(CountRows(db, "organizations")) + " organization(s), " +
         std::to_string(CountRows(db, "pipelines")) + " pipeline(s), " + std::to_string(CountRows(db, "connections")) +
         " connection(s), " + std::to_string(CountRows(db, "runs")) + " run(s)";
}

Result<nlohmann::json> ReadManifest(const std::string& staging) {
  std::string path = staging + "/" + kBackupManifest;
  std::ifstream in(path);
  if (!in) return Status::InvalidArgument(std::string(kBackupManifest) + ": missing: not a logidata backup");
  std::stringstream text;
  text << in.rdbuf();
  auto manifest = ParseJsonText(text.str());
  if (!manifest.ok()) return manifest.status().WithContext(kBackupManifest);
  if (!manifest->is_object() || manifest->value("format", "") != kBackupFormat) {
    return Status::InvalidArgument(std::string(kBackupManifest) + ": /format is not \"" + kBackupFormat + "\"");
  }
  if (!(*manifest)["version"].is_number_integer() || (*manifest)["version"].get<int>() > kBackupVersion) {
    return Status::Unsupported(std::string(kBackupManifest) + ": /version " + (*manifest)["version"].dump() +
                               " is newer than this logidata reads (" + std::to_string(kBackupVersion) + ")");
  }
  std::string store = manifest->value("metadata", "");
  if (store != "sqlite" && store != "postgres") {
    return Status::InvalidArgument(std::string(kBackupManifest) + ": /metadata must be sqlite or postgres");
  }
  return *manifest;
}

}  // namespace logidata

#include "cli/file_state_store.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/json_text.h"

namespace logidata::cli {

Status FileStateStore::Load() {
  std::lock_guard<std::mutex> lock(mu_);
  std::ifstream in(path_);
  if (!in) return Status::OK();  // no state yet
  std::stringstream ss;
  ss << in.rdbuf();
  auto doc = ParseJsonText(ss.str());
  if (!doc.ok()) return Status::DataError("state file '" + path_ + "' is corrupt: " + doc.status().message());
  for (const auto& [k, v] : doc->items()) {
    if (v.is_string()) committed_[k] = v.get<std::string>();
  }
  return Status::OK();
}

Result<std::optional<std::string>> FileStateStore::Get(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = committed_.find(key);
  if (it == committed_.end()) return std::optional<std::string>();
  return std::optional<std::string>(it->second);
}

Status FileStateStore::Put(const std::string& key, const std::string& value) {
  std::lock_guard<std::mutex> lock(mu_);
  staged_[key] = value;
  return Status::OK();
}

Status FileStateStore::Commit() {
  std::lock_guard<std::mutex> lock(mu_);
  if (staged_.empty()) return Status::OK();
  for (auto& [k, v] : staged_) committed_[k] = v;
  staged_.clear();
  nlohmann::json doc(committed_);
  std::filesystem::path p(path_);
  std::error_code ec;
  std::filesystem::create_directories(p.parent_path(), ec);
  std::string tmp = path_ + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << doc.dump(2) << "\n";
    if (!out) return Status::IOError("cannot write state file '" + tmp + "'");
  }
  std::filesystem::rename(tmp, path_, ec);
  if (ec) return Status::IOError("cannot publish state file '" + path_ + "': " + ec.message());
  return Status::OK();
}

std::map<std::string, std::string> FileStateStore::Staged() {
  std::lock_guard<std::mutex> lock(mu_);
  return staged_;
}

}  // namespace logidata::cli

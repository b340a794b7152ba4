// FileStateStore: state kept between CLI runs of one pipeline (incremental watermarks) in a JSON
// file. Puts are staged and written atomically by Commit() after a successful run, so a failed run
// never moves a watermark. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "module/exec_context.h"

namespace logidata::cli {

class FileStateStore final : public StateStore {
 public:
  explicit FileStateStore(std::string path) : path_(std::move(path)) {}
  Status Load();
  Result<std::optional<std::string>> Get(const std::string& key) override;
  Status Put(const std::string& key, const std::string& value) override;
  std::map<std::string, std::string> Staged() override;
  // Writes staged values (temp file + rename).
  Status Commit();

 private:
  std::string path_;
  std::mutex mu_;
  std::map<std::string, std::string> committed_;
  std::map<std::string, std::string> staged_;
};

}  // namespace logidata::cli

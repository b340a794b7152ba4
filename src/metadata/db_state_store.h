// DbStateStore: the StateStore of one pipeline run over the pipeline_state table. Puts are staged
// in memory and written only by Commit (called when the run succeeded), so a failed run never
// moves a watermark. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "metadata/database.h"
#include "module/exec_context.h"

namespace logidata {

class DbStateStore final : public StateStore {
 public:
  DbStateStore(Database* db, std::string pipeline_id) : db_(db), pipeline_id_(std::move(pipeline_id)) {}
  Result<std::optional<std::string>> Get(const std::string& key) override;
  Status Put(const std::string& key, const std::string& value) override;
  std::map<std::string, std::string> Staged() override;
  // Writes the staged values in one transaction.
  Status Commit();

 private:
  Database* db_;
  std::string pipeline_id_;
  std::mutex mu_;
  std::map<std::string, std::string> staged_;
};

}  // namespace logidata

#include "metadata/db_state_store.h"

namespace logidata {

Result<std::optional<std::string>> DbStateStore::Get(const std::string& key) {
  auto r = db_->Query("SELECT state_value FROM pipeline_state WHERE pipeline_id = ? AND state_key = ?",
                      {pipeline_id_, key});
  if (!r.ok()) return r.status();
  if (r->rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(r->rows[0].Str("state_value"));
}

Status DbStateStore::Put(const std::string& key, const std::string& value) {
  std::lock_guard lock(mu_);
  staged_[key] = value;
  return Status::OK();
}

Status DbStateStore::Commit() {
  std::map<std::string, std::string> staged;
  {
    std::lock_guard lock(mu_);
    staged.swap(staged_);
  }
  if (staged.empty()) return Status::OK();
  return db_->Transact([&](DbConnection& c) -> Status {
    for (const auto& [k, v] : staged) {
      auto del = c.Query("DELETE FROM pipeline_state WHERE pipeline_id = ? AND state_key = ?", {pipeline_id_, k});
      if (!del.ok()) return del.status();
      auto ins = c.Query("INSERT INTO pipeline_state (pipeline_id, state_key, state_value, updated_at) VALUES (?, ?, ?, ?)",
                         {pipeline_id_, k, v, NowIso8601()});
      if (!ins.ok()) return ins.status();
    }
    return Status::OK();
  });
}

std::map<std::string, std::string> DbStateStore::Staged() {
  std::lock_guard<std::mutex> lock(mu_);
  return staged_;
}

}  // namespace logidata

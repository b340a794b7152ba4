#include "scheduler/scheduler_leader.h"

#include <spdlog/spdlog.h>

namespace logidata {

SchedulerLeader::SchedulerLeader(std::string database_url) : url_(std::move(database_url)) {
  postgres_ = url_.rfind("postgres", 0) == 0;
}

bool SchedulerLeader::Check() {
  if (!postgres_) return true;
  std::lock_guard lock(mu_);
  if (!session_) {
    auto opened = OpenDatabase(url_, 1);
    if (!opened.ok()) {
      spdlog::warn("scheduler leader: cannot open its session: {}", opened.status().ToString());
      return false;
    }
    session_ = std::move(opened).value();
  }
  // Held by this very session? (A reconnected session has lost it: pg_locks says so.)
  auto held = session_->Query(
      "SELECT COUNT(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND classid = ? AND "
      "objid = ? AND objsubid = 2 AND granted",
      {int64_t{kLockClass}, int64_t{kLockObject}});
  if (!held.ok()) {
    session_.reset();  // reopened on the next pass; the lock died with the session
    return false;
  }
  if (held->rows[0].Int("n") > 0) return true;
  auto took = session_->Query("SELECT CASE WHEN pg_try_advisory_lock(CAST(? AS INTEGER), CAST(? AS INTEGER)) THEN 1 "
                              "ELSE 0 END AS ok",
                              {int64_t{kLockClass}, int64_t{kLockObject}});
  if (!took.ok()) {
    session_.reset();
    return false;
  }
  bool leader = took->rows[0].Int("ok") == 1;
  if (leader) spdlog::info("scheduler: this server is now the schedule leader");
  return leader;
}

}  // namespace logidata

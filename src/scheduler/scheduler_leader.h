// SchedulerLeader: which of several servers on one metadata store runs the scheduler. On
// PostgreSQL the leader holds a session-level advisory lock on its own dedicated connection (a pool
// of one, so the session is always the same); when that session dies the lock is freed and
// another server takes over on its next pass. On SQLite the store belongs to one process, which
// is always the leader. Leadership only narrows who fires: every fire is still a compare-and-set
// on next_fire_at, so a leader that lost its session without noticing cannot fire twice.
// Thread-safe (one caller at a time is expected: the scheduler thread).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "common/result.h"
#include "metadata/database.h"

namespace logidata {

class SchedulerLeader {
 public:
  // `database_url` empty or not PostgreSQL: an in-process leader.
  explicit SchedulerLeader(std::string database_url);
  // Whether this process leads now: checks the lock is still held by its session, else tries to
  // take it. A lost or unreachable session answers false (and is reopened on a later call).
  bool Check();
  bool in_process() const { return !postgres_; }

  // The lock key: two int4 halves of "logidata-scheduler".
  static constexpr int kLockClass = 0x4c644174;  // "LdAt"
  static constexpr int kLockObject = 0x53636864;  // "Schd"

 private:
  std::string url_;
  bool postgres_ = false;
  std::mutex mu_;
  std::unique_ptr<Database> session_;
};

}  // namespace logidata

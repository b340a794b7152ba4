// PgLoadSession: one PostgreSQL connection and one open transaction that every load.postgres
// node of a run writing through the same connection shares, so their outputs publish together
// (all or none). Each loader joins in Open and registers a publish step (merge a staging table,
// swap a replaced table, write its ledger row); the first loader whose Commit comes runs every
// member's step and then COMMIT, later members only see the outcome. Any failure or Abort rolls
// the whole transaction back, which is also what the server does when our process dies.
//
// Thread-safety: members serialise every use of the connection through mu(); Publish and Abort
// take it themselves.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "connectors/postgres/pg_connection.h"
#include "module/exec_context.h"

namespace logidata {

class PgLoadSession {
 public:
  // The run's session for `config` (shared through ctx.shared), or a private one when the
  // operator runs without a run around it.
  static Result<std::shared_ptr<PgLoadSession>> ForRun(const ExecContext& ctx, const ConnectionConfig& config);

  std::mutex& mu() { return mu_; }
  // REQUIRES: mu() held.
  PgConnection& conn() { return *conn_; }

  // REQUIRES: mu() held. Makes sure the ledger table exists. It is created, when missing, on a
  // short autocommit connection of its own: created inside the data transaction, the table's
  // uncommitted catalog rows would block every other loader into the database until this run
  // ends (and two first loads at once would collide on the type's unique name).
  Status EnsureLedger();

  // REQUIRES: mu() held. Adds a member; `publish` runs inside the transaction, under mu(), just before COMMIT.
  void Join(std::string node_id, std::function<Status()> publish);

  // Runs every member's publish step, then COMMIT. Idempotent: later calls return the first
  // outcome. A failed step rolls everything back and names the member.
  Status Publish();
  // Rolls back unless already published. Safe to call repeatedly and after Publish.
  void Abort();

  // REQUIRES: mu() held.
  size_t members() const { return members_.size(); }

 private:
  PgLoadSession(std::unique_ptr<PgConnection> conn, ConnectionConfig config)
      : conn_(std::move(conn)), config_(std::move(config)) {}

  std::mutex mu_;
  std::unique_ptr<PgConnection> conn_;
  ConnectionConfig config_;  // for the ledger DDL, which runs on a connection of its own
  struct Member {
    std::string node_id;
    std::function<Status()> publish;
  };
  std::vector<Member> members_;
  bool ledger_ready_ = false;
  bool open_ = true;                     // transaction still open
  std::optional<Status> outcome_;        // set once Publish ran
};

}  // namespace logidata

// PgConnection: one libpq connection opened from a ConnectionConfig, with errors turned into
// Status (Unavailable for an unreachable server, Unauthenticated for a rejected login,
// InvalidArgument for SQL errors, DataError for bad data) and never containing the password.
// Not thread-safe: one user at a time (callers serialise).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include <libpq-fe.h>

#include "common/result.h"
#include "connectors/cancel_watch.h"
#include "module/connection.h"

namespace logidata {

// Owns a PGresult.
struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResultPtr = std::unique_ptr<PGresult, PgResultDeleter>;

class PgConnection {
 public:
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Connects, retrying an unreachable server `retries` times with backoff. Options honoured:
  // sslmode (or tls_mode), connect_timeout (seconds, default 10), application_name.
  static Result<std::unique_ptr<PgConnection>> Connect(const ConnectionConfig& config, int retries = 2);

  PGconn* get() { return conn_; }
  // Runs a statement without parameters; any result but OK is an error.
  Status Exec(const std::string& sql);
  // Runs a statement with text parameters; returns the result (tuples or command OK).
  Result<PgResultPtr> Query(const std::string& sql, const std::vector<std::string>& params = {},
                            bool binary_results = false);
  // The error for a failed result or connection, with `context` in front.
  Status ErrorFrom(const PGresult* result, const std::string& context) const;
  const std::string& name() const { return name_; }
  // Cancels the statement in progress (PQcancel) when `flag` rises, for as long as this
  // connection lives; the statement then fails with Cancelled. A null flag does nothing.
  void CancelWhen(const std::atomic<bool>* flag);

 private:
  PgConnection(PGconn* conn, std::string name) : conn_(conn), name_(std::move(name)) {}
  PGconn* conn_;
  std::string name_;
  PGcancel* cancel_ = nullptr;
  std::unique_ptr<CancelWatch> cancel_watch_;  // destroyed before cancel_ and conn_
};

}  // namespace logidata

#include "connectors/postgres/pg_load_session.h"

#include "connectors/load_ledger.h"

namespace logidata {

Result<std::shared_ptr<PgLoadSession>> PgLoadSession::ForRun(const ExecContext& ctx, const ConnectionConfig& config) {
  auto make = [&]() -> Result<std::shared_ptr<void>> {
    LD_ASSIGN_OR_RETURN(auto conn, PgConnection::Connect(config));
    // Only the load phase can be cancelled: the run's stop flag no longer rises once the
    // executor starts publishing, so a COMMIT is never interrupted half-way.
    conn->CancelWhen(ctx.cancelled);
    LD_RETURN_IF_ERROR(conn->Exec("BEGIN"));
    return std::shared_ptr<void>(std::shared_ptr<PgLoadSession>(new PgLoadSession(std::move(conn), config)));
  };
  if (ctx.shared == nullptr) {
    LD_ASSIGN_OR_RETURN(auto alone, make());
    return std::static_pointer_cast<PgLoadSession>(alone);
  }
  // Connections are named per organization, so the name identifies the target database.
  LD_ASSIGN_OR_RETURN(auto shared, ctx.shared->GetOrCreate("postgres:" + config.name, make));
  return std::static_pointer_cast<PgLoadSession>(shared);
}

Status PgLoadSession::EnsureLedger() {
  if (ledger_ready_) return Status::OK();
  auto exists = [&](PgConnection& c) -> Result<bool> {
    LD_ASSIGN_OR_RETURN(PgResultPtr r, c.Query("SELECT to_regclass($1) IS NOT NULL", {kLoadLedgerTable}));
    return std::string(PQgetvalue(r.get(), 0, 0)) == "t";
  };
  LD_ASSIGN_OR_RETURN(bool present, exists(*conn_));
  if (!present) {
    LD_ASSIGN_OR_RETURN(auto ddl, PgConnection::Connect(config_));
    // CREATE … IF NOT EXISTS can still fail when another run creates the table at the same
    // moment; what matters is that it exists afterwards. Checked on the DDL connection: inside
    // the data transaction the catalog snapshot may not have seen the commit yet.
    Status created = ddl->Exec(LoadLedger::CreateSql(SqlDialect::kPostgres));
    LD_ASSIGN_OR_RETURN(present, exists(*ddl));
    if (!present) return created.ok() ? Status::IOError("load.postgres: the ledger table was not created") : created;
  }
  ledger_ready_ = true;
  return Status::OK();
}

void PgLoadSession::Join(std::string node_id, std::function<Status()> publish) {
  members_.push_back({std::move(node_id), std::move(publish)});
}

Status PgLoadSession::Publish() {
  std::lock_guard<std::mutex> lock(mu_);
  if (outcome_.has_value()) return *outcome_;
  if (!open_) return *(outcome_ = Status::Cancelled("load.postgres: the shared transaction was already rolled back"));
  for (const Member& m : members_) {
    Status st = m.publish();
    if (!st.ok()) {
      (void)conn_->Exec("ROLLBACK");
      open_ = false;
      std::string others;
      for (const Member& o : members_) others += (others.empty() ? "" : ", ") + o.node_id;
      return *(outcome_ = st.WithContext("publishing node '" + m.node_id +
                                         "' (rolled back the transaction shared by: " + others + ")"));
    }
  }
  Status st = conn_->Exec("COMMIT");
  open_ = false;
  outcome_ = st;
  conn_.reset();
  return st;
}

void PgLoadSession::Abort() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!open_ || conn_ == nullptr) return;
  if (PQtransactionStatus(conn_->get()) == PQTRANS_ACTIVE) {
    // A COPY was interrupted mid-stream: end it so ROLLBACK can be sent.
    PQputCopyEnd(conn_->get(), "load aborted");
    while (PGresult* r = PQgetResult(conn_->get())) PQclear(r);
  }
  (void)conn_->Exec("ROLLBACK");
  open_ = false;
  conn_.reset();
}

}  // namespace logidata

// The ClickHouse session of the load.sql task. ClickHouse (18.16) has no transactions and no bound
// query parameters: each statement is one HTTP request that takes effect on its own, Begin,
// Commit and Rollback do nothing, and a statement with parameters is refused (load.sql checks
// the whole script before running any). Scripts are split like MySQL's (backquoted identifiers,
// backslash escapes in strings, the same comments). Not thread-safe.
#include "connectors/clickhouse/clickhouse_client.h"
#include "connectors/sql_task_session.h"

namespace logidata {

namespace {

class ClickhouseScriptSession final : public SqlScriptSession {
 public:
  explicit ClickhouseScriptSession(ClickhouseClient client) : client_(std::move(client)) {}
  Status Begin() override { return Status::OK(); }

  Result<int64_t> Run(const BoundQuery& statement) override {
    if (!statement.values.empty()) return Status::InvalidArgument(kClickhouseNoParameters);
    LD_RETURN_IF_ERROR(client_.Execute(statement.sql).status());
    return int64_t{-1};  // the HTTP interface does not report affected rows
  }

  Status Commit() override { return Status::OK(); }
  void Rollback() override {}

 private:
  ClickhouseClient client_;
};

}  // namespace

const char kClickhouseNoParameters[] =
    "ClickHouse has no bound query parameters, so a load.sql script on a ClickHouse connection cannot use run "
    "parameters (:name); they are never spliced into SQL";

Result<std::unique_ptr<SqlScriptSession>> OpenClickhouseScriptSession(const ConnectionConfig& config,
                                                                      const std::atomic<bool>* cancelled) {
  LD_ASSIGN_OR_RETURN(ClickhouseClient client, ClickhouseClient::Make(config, cancelled));
  return std::unique_ptr<SqlScriptSession>(new ClickhouseScriptSession(std::move(client)));
}

}  // namespace logidata

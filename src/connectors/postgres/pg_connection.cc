#include "connectors/postgres/pg_connection.h"

#include <cstring>

#include "connectors/connection_lookup.h"
#include "net/egress_resolver.h"

namespace logidata {

namespace {

std::string OptionText(const nlohmann::json& options, const char* key, const std::string& fallback) {
  if (!options.is_object() || !options.contains(key)) return fallback;
  const auto& v = options[key];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  return fallback;
}

std::string Trimmed(const char* message) {
  std::string s = message == nullptr ? "" : message;
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

bool IsAuthFailure(const std::string& message) {
  return message.find("password authentication failed") != std::string::npos ||
         message.find("no password supplied") != std::string::npos ||
         message.find("authentication failed") != std::string::npos ||
         message.find("no pg_hba.conf entry") != std::string::npos;
}

// Sent when a tenant's connection has no secret: a server that asks for a password rejects it,
// instead of libpq answering with a password taken from the server's environment.
constexpr const char* kNoPassword = "logidata-no-password-given";

}  // namespace

PgConnection::~PgConnection() {
  cancel_watch_.reset();
  if (cancel_ != nullptr) PQfreeCancel(cancel_);
  if (conn_ != nullptr) PQfinish(conn_);
}

void PgConnection::CancelWhen(const std::atomic<bool>* flag) {
  if (flag == nullptr || cancel_watch_ != nullptr) return;
  cancel_ = PQgetCancel(conn_);
  if (cancel_ == nullptr) return;
  // PQcancel is safe from another thread: it opens its own connection to send the request.
  cancel_watch_ = std::make_unique<CancelWatch>(flag, [c = cancel_] {
    char error[256];
    (void)PQcancel(c, error, sizeof error);
  });
}

Result<std::unique_ptr<PgConnection>> PgConnection::Connect(const ConnectionConfig& config, int retries) {
  std::string host = config.host.empty() ? "127.0.0.1" : config.host;
  std::string port = std::to_string(config.port == 0 ? 5432 : config.port);
  std::string sslmode = OptionText(config.options, "sslmode", OptionText(config.options, "tls_mode", "prefer"));
  std::string timeout = OptionText(config.options, "connect_timeout", "10");
  std::string app = OptionText(config.options, "application_name", "logidata");
  // Keepalives so a silently dropped network fails a stream instead of hanging it; UTC so
  // timestamptz text and watermarks do not depend on the server's zone.
  std::vector<const char*> keys = {"host", "port", "dbname", "user", "password", "sslmode", "connect_timeout",
                                   "application_name", "keepalives", "keepalives_idle", "keepalives_interval",
                                   "keepalives_count", "options"};
  std::vector<const char*> values = {host.c_str(), port.c_str(), config.database.c_str(), config.user.c_str(),
                                     config.secret.c_str(), sslmode.c_str(), timeout.c_str(), app.c_str(), "1", "30",
                                     "10", "3", "-c TimeZone=UTC"};
  const std::string where = "PostgreSQL connection '" + config.name + "' (" + host + ":" + port + ")";
  std::string hostaddr;
  if (config.egress != nullptr) {
    // Connect to the address that was checked (hostaddr); host stays for TLS verification and
    // SNI, so a name rebound after the check cannot move the connection.
    LD_ASSIGN_OR_RETURN(auto addresses,
                        ResolveForEgress(config.host, std::stoi(port), *config.egress, "PostgreSQL connection '" + config.name + "'"));
    hostaddr = addresses.front();
    keys.push_back("hostaddr");
    values.push_back(hostaddr.c_str());
    // A tenant's connection never borrows the server's own credentials: libpq would otherwise fill
    // an empty password from PGPASSWORD or ~/.pgpass (which may hold the metadata store's).
    keys.push_back("passfile");
    values.push_back("/dev/null");
    if (config.secret.empty()) values[4] = kNoPassword;
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  for (int attempt = 0;; ++attempt) {
    PGconn* conn = PQconnectdbParams(keys.data(), values.data(), 0);
    if (conn != nullptr && PQstatus(conn) == CONNECTION_OK) {
      return std::unique_ptr<PgConnection>(new PgConnection(conn, config.name));
    }
    std::string message = conn == nullptr ? "out of memory" : Trimmed(PQerrorMessage(conn));
    if (conn != nullptr) PQfinish(conn);
    if (IsAuthFailure(message)) {
      return Status::Unauthenticated(where + ": login rejected: " + message);
    }
    if (message.find("does not exist") != std::string::npos) {
      return Status::NotFound(where + ": " + message);
    }
    if (attempt >= retries) {
      return Status::Unavailable(where + ": cannot connect after " + std::to_string(attempt + 1) +
                                 " attempt(s): " + message);
    }
    SleepBackoff(attempt);
  }
}

Status PgConnection::ErrorFrom(const PGresult* result, const std::string& context) const {
  std::string message = Trimmed(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn_));
  if (message.empty()) message = Trimmed(PQerrorMessage(conn_));
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string text = context + ": " + message;
  // Once our own PQcancel went out, whatever fails next is its consequence — the cancelled
  // statement, or a later one in the transaction it aborted (25P02) — not an error of the run.
  if (cancel_watch_ != nullptr && cancel_watch_->fired()) return Status::Cancelled(text + " (the run was stopped)");
  if (PQstatus(conn_) != CONNECTION_OK) return Status::Unavailable(text + " (connection lost)");
  if (state == nullptr) return Status::IOError(text);
  std::string sqlstate(state);
  text += " [SQLSTATE " + sqlstate + "]";
  // query_canceled by our own PQcancel (a statement_timeout has the same code, and stays Unavailable).
  if (sqlstate == "57014" && text.find("user request") != std::string::npos) return Status::Cancelled(text);
  if (sqlstate.rfind("22", 0) == 0 || sqlstate.rfind("23", 0) == 0) return Status::DataError(text);
  if (sqlstate.rfind("08", 0) == 0 || sqlstate.rfind("57", 0) == 0 || sqlstate.rfind("53", 0) == 0) {
    return Status::Unavailable(text);
  }
  if (sqlstate.rfind("42501", 0) == 0) return Status::PermissionDenied(text);
  if (sqlstate == "42P01") return Status::NotFound(text);
  return Status::InvalidArgument(text);
}

Status PgConnection::Exec(const std::string& sql) {
  PgResultPtr r(PQexec(conn_, sql.c_str()));
  ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return Status::OK();
  return ErrorFrom(r.get(), "PostgreSQL '" + name_ + "'");
}

Result<PgResultPtr> PgConnection::Query(const std::string& sql, const std::vector<std::string>& params,
                                        bool binary_results) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p.c_str());
  PgResultPtr r(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                             nullptr, binary_results ? 1 : 0));
  ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return r;
  return ErrorFrom(r.get(), "PostgreSQL '" + name_ + "'");
}

}  // namespace logidata

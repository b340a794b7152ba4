#include "connectors/mysql/mysql_connection.h"

#include <errmsg.h>
#include <mysqld_error.h>

#include "connectors/connection_lookup.h"
#include "net/egress_resolver.h"

namespace logidata {

namespace {

unsigned int OptionUint(const nlohmann::json& options, const char* key, unsigned int fallback) {
  if (options.is_object() && options.contains(key) && options[key].is_number_integer()) {
    return options[key].get<unsigned int>();
  }
  return fallback;
}

}  // namespace

Status MysqlStatus(unsigned int error_number, const std::string& message) {
  switch (error_number) {
    case ER_ACCESS_DENIED_ERROR:
    case ER_DBACCESS_DENIED_ERROR:
      return Status::Unauthenticated(message);
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case CR_UNKNOWN_HOST:
    case ER_LOCK_WAIT_TIMEOUT:
    case ER_LOCK_DEADLOCK:
    case ER_CON_COUNT_ERROR:
      return Status::Unavailable(message);
    case ER_NO_SUCH_TABLE:
    case ER_BAD_DB_ERROR:
      return Status::NotFound(message);
    case ER_DUP_ENTRY:
    case ER_TRUNCATED_WRONG_VALUE_FOR_FIELD:
    case ER_WARN_DATA_OUT_OF_RANGE:
    case ER_DATA_TOO_LONG:
    case ER_BAD_NULL_ERROR:
    case ER_TRUNCATED_WRONG_VALUE:
    case ER_DIVISION_BY_ZERO:
      return Status::DataError(message);
    case ER_TABLEACCESS_DENIED_ERROR:
    case ER_COLUMNACCESS_DENIED_ERROR:
    case ER_SPECIFIC_ACCESS_DENIED_ERROR:
      return Status::PermissionDenied(message);
    default:
      return Status::InvalidArgument(message);
  }
}

MysqlConnection::~MysqlConnection() {
  cancel_watch_.reset();
  if (mysql_ != nullptr) mysql_close(mysql_);
}

void MysqlConnection::CancelWhen(const std::atomic<bool>* flag) {
  if (flag == nullptr || cancel_watch_ != nullptr) return;
  cancel_watch_ = std::make_unique<CancelWatch>(flag, [m = mysql_] { (void)mariadb_cancel(m); });
}

Result<std::unique_ptr<MysqlConnection>> MysqlConnection::Connect(const ConnectionConfig& config, int retries) {
  std::string host = config.host.empty() ? "127.0.0.1" : config.host;
  unsigned int port = config.port == 0 ? 3306 : static_cast<unsigned int>(config.port);
  const std::string where = "MySQL connection '" + config.name + "' (" + host + ":" + std::to_string(port) + ")";
  std::string ssl_mode = config.options.is_object() ? config.options.value("ssl_mode", std::string("disable")) : "disable";
  std::string connect_host = host;
  if (config.egress != nullptr) {
    LD_ASSIGN_OR_RETURN(auto addresses, ResolveForEgress(config.host, static_cast<int>(port), *config.egress,
                                                         "MySQL connection '" + config.name + "'"));
    // Connect to the checked address, so a name rebound after the check cannot move the
    // connection ("localhost" would also mean the Unix socket). With ssl_mode=verify the name is
    // kept: the certificate check needs it, and binds the connection to a server holding it.
    if (ssl_mode != "verify") connect_host = addresses.front();
  }
  for (int attempt = 0;; ++attempt) {
    MYSQL* m = mysql_init(nullptr);
    if (m == nullptr) return Status::ResourceExhausted("mysql_init failed");
    unsigned int connect_timeout = OptionUint(config.options, "connect_timeout", 10);
    unsigned int read_timeout = OptionUint(config.options, "read_timeout", 600);
    unsigned int write_timeout = OptionUint(config.options, "write_timeout", 600);
    mysql_optionsv(m, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
    mysql_optionsv(m, MYSQL_OPT_READ_TIMEOUT, &read_timeout);
    mysql_optionsv(m, MYSQL_OPT_WRITE_TIMEOUT, &write_timeout);
    const std::string& ssl = ssl_mode;
    if (ssl == "require" || ssl == "verify") {
      my_bool enforce = 1;
      mysql_optionsv(m, MYSQL_OPT_SSL_ENFORCE, &enforce);
      my_bool verify = ssl == "verify" ? 1 : 0;
      mysql_optionsv(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
    }
    mysql_optionsv(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    // A server (which a tenant chooses) may answer any query with "send me a local file"
    // (LOAD DATA LOCAL INFILE); never honour it, or it could read the Logidata server's files.
    unsigned int no_local_infile = 0;
    mysql_optionsv(m, MYSQL_OPT_LOCAL_INFILE, &no_local_infile);
    mysql_optionsv(m, MYSQL_INIT_COMMAND,
                   "SET SESSION time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'");
    if (mysql_real_connect(m, connect_host.c_str(), config.user.c_str(), config.secret.c_str(),
                           config.database.empty() ? nullptr : config.database.c_str(), port, nullptr, 0) != nullptr) {
      return std::unique_ptr<MysqlConnection>(new MysqlConnection(m, config.name));
    }
    unsigned int err = mysql_errno(m);
    std::string message = mysql_error(m);
    mysql_close(m);
    Status s = MysqlStatus(err, where + ": " + message);
    if (!s.IsUnavailable()) {
      return s.code() == StatusCode::kUnauthenticated ? Status::Unauthenticated(where + ": login rejected: " + message) : s;
    }
    if (attempt >= retries) {
      return Status::Unavailable(where + ": cannot connect after " + std::to_string(attempt + 1) + " attempt(s): " + message);
    }
    SleepBackoff(attempt);
  }
}

Status MysqlConnection::Error(const std::string& context) const {
  if (cancelled()) return Status::Cancelled(context + ": cancelled (MySQL '" + name_ + "')");
  return MysqlStatus(mysql_errno(mysql_), context + ": " + mysql_error(mysql_) + " (MySQL '" + name_ + "')");
}

Status MysqlConnection::StmtError(MYSQL_STMT* stmt, const std::string& context) const {
  if (cancelled()) return Status::Cancelled(context + ": cancelled (MySQL '" + name_ + "')");
  if (mysql_stmt_errno(stmt) == 0) {
    // Some client-side failures (a connection dropped mid-fetch) only reach the connection.
    if (mysql_errno(mysql_) != 0) return Error(context);
    return Status::Unavailable(context + ": connection to the server lost (MySQL '" + name_ + "')");
  }
  return MysqlStatus(mysql_stmt_errno(stmt), context + ": " + mysql_stmt_error(stmt) + " (MySQL '" + name_ + "')");
}

Status MysqlConnection::Exec(const std::string& sql) {
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) return Error("MySQL statement failed");
  // Drain any result so the connection is free again.
  if (MYSQL_RES* r = mysql_store_result(mysql_)) mysql_free_result(r);
  return Status::OK();
}

}  // namespace logidata

#include "connectors/connection_tester.h"

#include "connectors/azure/azure_blob_client.h"
#include "connectors/clickhouse/clickhouse_client.h"
#include "connectors/http/http_auth.h"
#include "connectors/http/http_client.h"
#include "connectors/mysql/mysql_connection.h"
#include "connectors/postgres/pg_connection.h"
#include "connectors/rabbitmq/amqp_session.h"
#include "connectors/s3/s3_client.h"
#include "connectors/sqlite/sqlite_database.h"

namespace logidata {

namespace {

Status TestPostgres(const ConnectionConfig& config) {
  LD_ASSIGN_OR_RETURN(auto conn, PgConnection::Connect(config, /*retries=*/0));
  return conn->Exec("SELECT 1");
}

Status TestMysql(const ConnectionConfig& config) {
  LD_ASSIGN_OR_RETURN(auto conn, MysqlConnection::Connect(config, /*retries=*/0));
  if (mysql_ping(conn->get()) != 0) return conn->Error("ping");
  return Status::OK();
}

// SELECT 1 checks the address (egress rules), the credentials and the database.
Status TestClickhouse(const ConnectionConfig& config) {
  LD_ASSIGN_OR_RETURN(ClickhouseClient client, ClickhouseClient::Make(config));
  client.set_timeout(10);
  return client.Execute("SELECT 1").status();
}

// Connecting logs in to the virtual host and opens a channel: address (egress rules),
// credentials and virtual host are all checked.
Status TestRabbitmq(const ConnectionConfig& config) {
  return AmqpSession::Connect(config, "test connection").status();
}

Status TestSqlite(const ConnectionConfig& config, const PathSandbox* sandbox) {
  LD_ASSIGN_OR_RETURN(auto db, SqliteDatabase::Open(config, /*create=*/false, sandbox, FileAccess::kRead));
  return Status::OK();
}

Status TestHttp(const ConnectionConfig& config) {
  HttpClientOptions options;
  options.max_retries = 0;
  options.timeout_seconds = 10;
  options.egress = config.egress;
  options.max_response_bytes = int64_t{1} << 20;  // reaching the server is what counts
  HttpClient client(options);
  LD_ASSIGN_OR_RETURN(HttpAuth auth, HttpAuth::FromConnection(config));
  HttpClientRequest req;
  std::string path = config.options.is_object() ? config.options.value("test_path", std::string()) : "";
  req.url = HttpBaseUrl(config) + path;
  LD_RETURN_IF_ERROR(auth.Apply(client, req));
  auto r = client.Send(req);
  // Reaching the server is what counts; a 404 on the base URL still proves that.
  if (!r.ok() && r.status().IsNotFound() && path.empty()) return Status::OK();
  return r.status();
}

}  // namespace

Status TestConnection(const ConnectionConfig& config, const PathSandbox* sandbox) {
  Status s;
  if (config.type == "postgres" || config.type == "postgresql") s = TestPostgres(config);
  else if (config.type == "mysql" || config.type == "mariadb") s = TestMysql(config);
  else if (config.type == "clickhouse") s = TestClickhouse(config);
  else if (config.type == "rabbitmq") s = TestRabbitmq(config);
  else if (config.type == "sqlite") s = TestSqlite(config, sandbox);
  else if (config.type == "http" || config.type == "rest") s = TestHttp(config);
  else if (config.type == "s3") s = TestS3Connection(config);
  else if (config.type == "azure_blob") s = TestAzureBlobConnection(config);
  else return Status::InvalidArgument("connection '" + config.name + "' has unknown type '" + config.type + "'");
  if (!s.ok()) return s.WithContext("connection test failed");
  return s;
}

}  // namespace logidata

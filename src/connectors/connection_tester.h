// TestConnection: the "test connection" check behind the connections page and the CLI. Opens a
// real session with the connection's type (PostgreSQL, MySQL/MariaDB, SQLite, HTTP, S3,
// ClickHouse, Azure Blob, RabbitMQ), runs the cheapest meaningful request and returns OK or an
// error that says what failed in words a user can act on (unreachable, login rejected, database
// missing, …), never including the secret.
// Thread-safe; blocks for at most about the connect timeout.
#pragma once

#include "common/status.h"
#include "io/path_sandbox.h"
#include "module/connection.h"

namespace logidata {

// With a sandbox (server mode), an SQLite database must lie inside the organization's files.
Status TestConnection(const ConnectionConfig& config, const PathSandbox* sandbox = nullptr);

}  // namespace logidata

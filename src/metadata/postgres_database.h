// PostgresDatabase: the metadata store on PostgreSQL through libpq, with a fixed pool of
// connections; `?` placeholders become $1, $2, …. Broken connections are re-opened on next use.
// Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "metadata/database.h"

namespace logidata {

Result<std::unique_ptr<Database>> OpenPostgresDatabase(const std::string& url, int pool_size);

}  // namespace logidata

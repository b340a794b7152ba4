// SqliteDatabase: the embedded metadata store (one file, WAL journal, a small pool of
// connections so readers never wait for each other). Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "metadata/database.h"

namespace logidata {

Result<std::unique_ptr<Database>> OpenSqliteDatabase(const std::string& path, int pool_size);

}  // namespace logidata

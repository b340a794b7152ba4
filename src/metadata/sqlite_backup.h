// SQLite online backup: a consistent copy of a metadata store file while servers keep using it.
// Uses SQLite's backup API on a connection of its own, copying every page inside one read
// transaction, so the copy is one committed state of the store (WAL included) and writers are
// never blocked for long in WAL mode. Thread-safe (no shared state).
#pragma once

#include <string>

#include "common/status.h"

namespace logidata {

// Copies the database at `from` into a new file `to` (mode 0600).
// REQUIRES: `to` does not exist (AlreadyExists otherwise); `from` is an SQLite database
// (InvalidArgument naming the file otherwise).
Status CopySqliteOnline(const std::string& from, const std::string& to);

}  // namespace logidata

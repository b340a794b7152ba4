// `logidata backup` and `logidata restore`: a consistent copy of the metadata store (SQLite online
// backup, or pg_dump for PostgreSQL) and the organizations' files in one archive, and its restore
// into a fresh data folder or an empty PostgreSQL database. The master key is never in the
// archive (cli/backup_archive.h); restore checks that the key here decrypts every secret.
#pragma once

#include <CLI/CLI.hpp>

namespace logidata {

void AddBackupCommands(CLI::App& app);

}  // namespace logidata

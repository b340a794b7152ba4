// RestoreBackup: unpacks an archive of `logidata backup` into a fresh data folder (SQLite) or an
// empty PostgreSQL database, then proves the master key here decrypts every restored secret.
// Servers on the target must be stopped. Thread-compatible.
#pragma once

#include <string>

#include "common/status.h"

namespace logidata {

struct RestoreRequest {
  std::string from;             // the archive
  std::string data_dir;         // receives logidata.db (SQLite) and files/ (unless files_dir)
  std::string database_url;     // PostgreSQL target; empty = SQLite in data_dir
  std::string files_dir;        // default <data_dir>/files
  std::string master_key_file;  // as MasterKeySource: LOGIDATA_MASTER_KEY, this file, <data_dir>/master.key
};

// Refuses before writing anything when: the archive is not a logidata backup or holds links; its
// store kind does not match the target; the target already has a store, tables or files; or no
// master key is here (the backup never holds it). After restoring, DataError when some secret
// does not decrypt with the key ring here (naming the first and the key ids the data needs).
Status RestoreBackup(const RestoreRequest& request);

}  // namespace logidata

// The backup archive of `logidata backup` / `logidata restore`: a gzip'd tar holding
//   logidata-backup.json   the manifest (format, version, store kind, schema version, key ids)
//   metadata.sqlite        the embedded store, copied with SQLite's online backup API, or
//   metadata.pgdump        a `pg_dump --format=custom` snapshot of the PostgreSQL store
//   files/…                the organizations' files folder (unless --no-files)
// The master key is never in it: the secrets inside stay encrypted under it, and the manifest
// names only the key ids (public fingerprints) needed to read them. Thread-compatible.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace logidata {

class Database;

inline constexpr const char* kBackupManifest = "logidata-backup.json";
inline constexpr const char* kBackupSqlite = "metadata.sqlite";
inline constexpr const char* kBackupPgDump = "metadata.pgdump";
inline constexpr const char* kBackupFiles = "files";
inline constexpr const char* kBackupFormat = "logidata-backup";
inline constexpr int kBackupVersion = 1;

// The files and folders under `dir`, as "relative/path" — IOError naming the first entry that is
// neither (a symlink, a device…): an archive must not plant links that lead out of the folder.
Result<std::vector<std::string>> PlainEntries(const std::string& dir);

// A fresh folder "<near>.<tag>-XXXXXX" beside `near` (same filesystem, so renames work).
Result<std::string> MakeStagingDir(const std::string& near, const std::string& tag);

// Removes a staging folder on every path out.
struct StagingGuard {
  std::string dir;
  ~StagingGuard();
};

// "N organization(s), N pipeline(s), N connection(s), N run(s)" of a store.
std::string StoreCounts(Database& db);

// Reads and checks the manifest of an unpacked archive.
Result<nlohmann::json> ReadManifest(const std::string& staging);

}  // namespace logidata

#include "cli/restore_backup.h"

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>

#include "auth/secret_box.h"
#include "cli/backup_archive.h"
#include "cli/external_program.h"
#include "metadata/database.h"
#include "metadata/pg_tool_target.h"
#include "metadata/secret_rotation.h"
#include "metadata/sqlite_backup.h"

namespace logidata {
namespace {

namespace fs = std::filesystem;

std::string Join(const nlohmann::json& ids) {
  std::string out;
  if (!ids.is_array()) return out;
  for (const auto& id : ids) out += (out.empty() ? "" : ", ") + (id.is_string() ? id.get<std::string>() : id.dump());
  return out;
}

// The key ring the restored store will be read with, without creating one: a missing key is
// exactly the mistake a restore must stop at, before a server starts and makes a new key.
Result<std::vector<std::string>> ExistingKeys(const RestoreRequest& r, const nlohmann::json& manifest) {
  MasterKeySource source{r.data_dir, r.master_key_file};
  std::string path = source.FilePath();
  std::error_code ec;
  if (!path.empty() && !fs::exists(path, ec)) {
    std::string ids = Join(manifest.value("key_ids", nlohmann::json::array()));
    return Status::NotFound("no master key at " + path +
                            ": the backup does not hold it. Put the key ring of the backed-up server there (or set "
                            "LOGIDATA_MASTER_KEY / --master-key-file) first" +
                            (ids.empty() ? "" : "; its secrets need key id(s) " + ids));
  }
  return LoadMasterKeys(source);
}

Status CheckTargetEmpty(const RestoreRequest& r, bool postgres, const std::string& files) {
  std::error_code ec;
  if (postgres) {
    LD_ASSIGN_OR_RETURN(auto db, OpenDatabase(r.database_url, 1));
    LD_ASSIGN_OR_RETURN(DbResult t, db->Query("SELECT COUNT(*) AS n FROM information_schema.tables WHERE "
                                              "table_schema = current_schema()"));
    if (!t.rows.empty() && t.rows[0].Int("n") > 0) {
      return Status::AlreadyExists("--database-url: the database already has tables; restore into an empty database");
    }
  } else if (fs::exists(r.data_dir + "/logidata.db", ec)) {
    return Status::AlreadyExists(r.data_dir + "/logidata.db: a store is already here; restore into a fresh data folder");
  }
  if (fs::exists(files, ec) && !fs::is_empty(files, ec)) {
    return Status::AlreadyExists(files + ": not empty; restore into a fresh data folder");
  }
  return Status::OK();
}

// Moves the unpacked files/ into place (renamed when on the same filesystem, copied otherwise).
Status PlaceFiles(const std::string& unpacked, const std::string& files) {
  std::error_code ec;
  fs::create_directories(fs::path(files).parent_path(), ec);
  if (fs::exists(files, ec)) fs::remove(files, ec);  // empty (checked before)
  fs::rename(unpacked, files, ec);
  if (!ec) return Status::OK();
  ec.clear();
  fs::copy(unpacked, files, fs::copy_options::recursive, ec);
  if (ec) return Status::IOError(files + ": cannot copy the restored files: " + ec.message());
  return Status::OK();
}

}  // namespace

Status RestoreBackup(const RestoreRequest& r) {
  bool postgres = !r.database_url.empty();
  if (postgres && r.database_url.rfind("postgres", 0) != 0) {
    return Status::InvalidArgument("--database-url: expected a postgresql:// URL");
  }
  std::error_code ec;
  fs::create_directories(r.data_dir, ec);
  if (ec) return Status::IOError(r.data_dir + ": cannot create: " + ec.message());
  ::chmod(r.data_dir.c_str(), 0700);
  std::string data_dir = fs::absolute(r.data_dir).lexically_normal().string();
  std::string files = r.files_dir.empty() ? data_dir + "/files" : r.files_dir;

  // Unpacked inside the data folder, so files/ is renamed into place rather than copied.
  LD_ASSIGN_OR_RETURN(std::string staging, MakeStagingDir(data_dir + "/restore", "staging"));
  StagingGuard guard{staging};
  LD_RETURN_IF_ERROR(RunProgram({{"tar", "--extract", "--gzip", "--file", fs::absolute(r.from).string(), "--directory",
                                  staging, "--no-same-owner", "--no-same-permissions"}}));
  LD_RETURN_IF_ERROR(PlainEntries(staging).status().WithContext(r.from));
  LD_ASSIGN_OR_RETURN(nlohmann::json manifest, ReadManifest(staging));
  bool from_postgres = manifest["metadata"] == "postgres";
  if (from_postgres != postgres) {
    return Status::InvalidArgument(std::string("this backup holds a ") + (from_postgres ? "PostgreSQL" : "SQLite") +
                                   " store: restore it " +
                                   (from_postgres ? "with --database-url into an empty PostgreSQL database"
                                                  : "without --database-url, into a data folder") +
                                   " (moving between the two is not supported)");
  }
  std::string dump = staging + "/" + (postgres ? kBackupPgDump : kBackupSqlite);
  if (!fs::is_regular_file(dump, ec)) return Status::InvalidArgument(r.from + ": the metadata dump is missing");
  LD_ASSIGN_OR_RETURN(std::vector<std::string> ring, ExistingKeys(r, manifest));
  LD_RETURN_IF_ERROR(CheckTargetEmpty(r, postgres, files));

  std::string target = postgres ? r.database_url : data_dir + "/logidata.db";
  if (postgres) {
    // One transaction: a failure leaves the database as empty as it was.
    PgToolTarget pg = ForPgTools(r.database_url);
    LD_RETURN_IF_ERROR(RunProgram({{"pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                                    "--single-transaction", "--dbname", pg.url, dump},
                                   pg.env}));
  } else {
    LD_RETURN_IF_ERROR(CopySqliteOnline(dump, target));
  }
  if (manifest.value("files", false) && fs::is_directory(staging + "/" + kBackupFiles, ec)) {
    LD_RETURN_IF_ERROR(PlaceFiles(staging + "/" + kBackupFiles, files));
  }

  LD_ASSIGN_OR_RETURN(auto db, OpenDatabase(target, 2));
  SecretBox box(ring);
  LD_ASSIGN_OR_RETURN(SecretCheck check, CheckSecrets(*db, &box));
  std::printf("restored %s (%s metadata at schema version %lld, backed up %s): %s; %lld secret(s) decrypt with the "
              "master key here\n",
              r.from.c_str(), postgres ? "PostgreSQL" : "SQLite",
              static_cast<long long>(manifest.value("schema_version", 0)), manifest.value("created_at", "?").c_str(),
              StoreCounts(*db).c_str(), static_cast<long long>(check.decrypted));
  if (check.failed > 0) {
    std::string ids;
    for (const std::string& id : check.key_ids) ids += (ids.empty() ? "" : ", ") + id;
    return Status::DataError(std::to_string(check.failed) + " restored secret(s) do not decrypt with the master key "
                             "here (first: " + check.first_failure + "); the data needs key id(s) " + ids +
                             ": put that key ring in place before starting a server");
  }
  return Status::OK();
}

}  // namespace logidata

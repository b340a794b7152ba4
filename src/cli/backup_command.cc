#include "cli/backup_command.h"

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "cli/backup_archive.h"
#include "cli/external_program.h"
#include "cli/restore_backup.h"
#include "metadata/database.h"
#include "metadata/pg_tool_target.h"
#include "metadata/secret_rotation.h"
#include "metadata/sqlite_backup.h"

namespace logidata {
namespace {

namespace fs = std::filesystem;

struct BackupOptions {
  std::string out;
  std::string data_dir = "./var";
  std::string database_url;
  std::string files_dir;  // default <data_dir>/files
  bool no_files = false;
};

Status Backup(const BackupOptions& o) {
  std::error_code ec;
  if (fs::exists(o.out, ec)) return Status::AlreadyExists(o.out + ": already exists (a backup never overwrites)");
  bool postgres = !o.database_url.empty();
  if (postgres && o.database_url.rfind("postgres", 0) != 0) {
    return Status::InvalidArgument("--database-url: expected a postgresql:// URL");
  }
  std::string live = postgres ? o.database_url : o.data_dir + "/logidata.db";
  if (!postgres && !fs::exists(live, ec)) return Status::NotFound(live + ": no metadata store here (give --data-dir)");
  // The live store, read only: schema version, counts and the key ids its secrets name.
  LD_ASSIGN_OR_RETURN(auto db, OpenDatabase(live, 2));
  auto version = db->Query("SELECT MAX(version) AS v FROM schema_migrations");
  if (!version.ok()) return version.status().WithContext(live + ": not a logidata metadata store");
  LD_ASSIGN_OR_RETURN(SecretCheck keys, CheckSecrets(*db, nullptr));

  std::string out = fs::absolute(o.out).string();
  LD_ASSIGN_OR_RETURN(std::string staging, MakeStagingDir(out, "staging"));
  StagingGuard guard{staging};
  std::string dump = staging + "/" + (postgres ? kBackupPgDump : kBackupSqlite);
  if (postgres) {
    // pg_dump reads one snapshot (a repeatable-read transaction): consistent while servers run.
    PgToolTarget target = ForPgTools(o.database_url);
    LD_RETURN_IF_ERROR(RunProgram({{"pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", dump,
                                    "--dbname", target.url},
                                   target.env}));
  } else {
    LD_RETURN_IF_ERROR(CopySqliteOnline(live, dump));
  }
  std::string files = o.files_dir.empty() ? o.data_dir + "/files" : o.files_dir;
  bool with_files = !o.no_files && fs::is_directory(files, ec);
  nlohmann::json manifest = {{"format", kBackupFormat},
                             {"version", kBackupVersion},
                             {"created_at", NowIso8601()},
                             {"logidata_version", "0.1.0"},
                             {"metadata", postgres ? "postgres" : "sqlite"},
                             {"schema_version", version->rows.empty() ? 0 : version->rows[0].Int("v")},
                             {"master_key_included", false},
                             {"key_ids", keys.key_ids},
                             {"files", with_files}};
  std::ofstream(staging + "/" + kBackupManifest) << manifest.dump(2) << "\n";

  std::string partial = out + ".partial";
  std::vector<std::string> tar = {"tar", "--create", "--gzip", "--file", partial, "--directory", staging,
                                  kBackupManifest, postgres ? kBackupPgDump : kBackupSqlite};
  if (with_files) {
    fs::path abs = fs::absolute(files).lexically_normal();
    if (abs.filename().empty()) abs = abs.parent_path();
    tar.insert(tar.end(), {"--directory", abs.parent_path().string()});
    // Stored as files/… whatever the folder is called on this machine.
    if (abs.filename() != kBackupFiles) {
      tar.push_back("--transform=s,^" + abs.filename().string() + "\\(/\\|$\\),files\\1,");
    }
    tar.push_back(abs.filename().string());
  }
  // Exit code 1: a file changed while it was read (an upload in progress): kept as read.
  Status packed = RunProgram({tar, {}, {0, 1}});
  if (!packed.ok()) {
    fs::remove(partial, ec);
    return packed;
  }
  ::chmod(partial.c_str(), 0600);  // encrypted secrets, but also every pipeline and the files
  fs::rename(partial, out, ec);
  if (ec) return Status::IOError(out + ": " + ec.message());
  std::printf("backup %s: %s metadata at schema version %lld (%s)%s\n", out.c_str(), postgres ? "PostgreSQL" : "SQLite",
              static_cast<long long>(manifest["schema_version"].get<int64_t>()), StoreCounts(*db).c_str(),
              with_files ? ", files folder included" : "");
  std::string ids;
  for (const std::string& id : keys.key_ids) ids += (ids.empty() ? "" : ", ") + id;
  std::printf("the master key is NOT in the backup: keep it safe apart from it%s\n",
              ids.empty() ? "" : (" (secrets are encrypted with key id(s) " + ids + ")").c_str());
  return Status::OK();
}

void AddStoreOptions(CLI::App* cmd, BackupOptions* o) {
  cmd->add_option("--data-dir", o->data_dir, "Data folder of the server")->capture_default_str();
  cmd->add_option("--database-url", o->database_url, "PostgreSQL URL of the metadata store (default: SQLite)")
      ->envname("LOGIDATA_DATABASE_URL");
  cmd->add_option("--files-dir", o->files_dir, "The organizations' files folder (default <data-dir>/files)");
}

}  // namespace

void AddBackupCommands(CLI::App& app) {
  auto o = std::make_shared<BackupOptions>();
  CLI::App* backup = app.add_subcommand(
      "backup", "Writes a consistent backup of the metadata store and files (servers may keep running).");
  backup->add_option("--out", o->out, "Archive to write (.tar.gz); never overwritten")->required();
  AddStoreOptions(backup, o.get());
  backup->add_flag("--no-files", o->no_files, "Leave the organizations' files folder out");
  backup->callback([o] {
    Status st = Backup(*o);
    if (st.ok()) std::exit(0);
    std::fprintf(stderr, "logidata backup: %s\n", st.ToString().c_str());
    std::exit(1);
  });

  auto r = std::make_shared<BackupOptions>();
  auto key_file = std::make_shared<std::string>();
  CLI::App* restore = app.add_subcommand(
      "restore", "Restores a backup into a fresh data folder or an empty PostgreSQL database (servers stopped).");
  restore->add_option("--from", r->out, "Archive written by `logidata backup`")->required()->check(CLI::ExistingFile);
  AddStoreOptions(restore, r.get());
  restore->add_option("--master-key-file", *key_file, "Master key ring file, as the server will be given")
      ->envname("LOGIDATA_MASTER_KEY_FILE");
  restore->callback([r, key_file] {
    Status st = RestoreBackup({r->out, r->data_dir, r->database_url, r->files_dir, *key_file});
    if (st.ok()) std::exit(0);
    std::fprintf(stderr, "logidata restore: %s\n", st.ToString().c_str());
    std::exit(1);
  });
}

}  // namespace logidata

// Entry point of the `logidata` binary: engine commands (run, validate, preview, profile, modules) and the
// platform commands (server, worker).
#include <CLI/CLI.hpp>

#include "cli/allocator_tuning.h"
#include "cli/commands.h"
#include "cli/profile_command.h"
#if __has_include("cli/server_command.h")
#include "cli/server_command.h"
#define LOGIDATA_HAS_SERVER 1
#endif
#if __has_include("cli/keys_command.h")
#include "cli/keys_command.h"
#define LOGIDATA_HAS_KEYS 1
#endif
#if __has_include("cli/backup_command.h")
#include "cli/backup_command.h"
#define LOGIDATA_HAS_BACKUP 1
#endif
#if __has_include("cli/worker_command.h")
#include "cli/worker_command.h"
#define LOGIDATA_HAS_WORKER 1
#endif

int main(int argc, char** argv) {
  logidata::cli::UseSmallMmapThreshold();  // `run` raises it for large budgets (allocator_tuning.h)
  CLI::App app{"Logidata: fast, frugal ETL/ELT pipelines", "logidata"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "logidata 0.1.0");
  int exit_code = logidata::cli::kExitOk;
  logidata::cli::AddRunCommand(app, &exit_code);
  logidata::cli::AddValidateCommand(app, &exit_code);
  logidata::cli::AddPreviewCommand(app, &exit_code);
  logidata::cli::AddProfileCommand(app, &exit_code);
  logidata::cli::AddModulesCommand(app, &exit_code);
  logidata::cli::AddTriggerCommand(app, &exit_code);
#ifdef LOGIDATA_HAS_SERVER
  logidata::AddServerCommand(app);
#endif
#ifdef LOGIDATA_HAS_WORKER
  logidata::AddWorkerCommand(app);
#endif
#ifdef LOGIDATA_HAS_KEYS
  logidata::AddKeysCommand(app);
#endif
#ifdef LOGIDATA_HAS_BACKUP
  logidata::AddBackupCommands(app);
#endif
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : logidata::cli::kExitUsage;
  }
  return exit_code;
}

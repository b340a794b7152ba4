#include "cli/worker_command.h"

#include <cstdio>
#include <cstdlib>

#include "cli/tenant_options.h"
#include "server/server_app.h"

namespace logidata {

void AddWorkerCommand(CLI::App& app) {
  auto config = std::make_shared<WorkerConfig>();
  CLI::App* cmd = app.add_subcommand("worker", "Executes queued runs from a PostgreSQL metadata store (queue mode).");
  cmd->add_option("--database-url", config->database_url, "PostgreSQL URL of the metadata store")
      ->envname("LOGIDATA_DATABASE_URL")
      ->required();
  cmd->add_option("--data-dir", config->data_dir, "Folder of the master key file (unless LOGIDATA_MASTER_KEY is set)")
      ->capture_default_str();
  cmd->add_option("--slots", config->slots, "Runs executing at once")->capture_default_str();
  cmd->add_option("--master-key-file", config->master_key_file, "Master key ring file (see `logidata server`)")
      ->envname("LOGIDATA_MASTER_KEY_FILE");
  AddTenantConfinementOptions(cmd, {&config->files_dir, &config->files_roots, &config->allow_egress});
  cmd->callback([config] {
    Status st = RunWorker(*config);
    if (!st.ok()) {
      std::fprintf(stderr, "logidata worker: %s\n", st.ToString().c_str());
      std::exit(1);
    }
  });
}

}  // namespace logidata

#include "cli/worker_command.h"

#include <cstdio>
#include <cstdlib>

#include "cli/log_format_option.h"
#include "cli/tenant_options.h"
#include "server/json_log_formatter.h"
#include "server/server_app.h"

namespace logidata {

void AddWorkerCommand(CLI::App& app) {
  auto config = std::make_shared<WorkerConfig>();
  auto log_format = std::make_shared<std::string>("text");
  CLI::App* cmd = app.add_subcommand("worker", "Executes queued runs from a PostgreSQL metadata store (queue mode).");
  cmd->add_option("--database-url", config->database_url, "PostgreSQL URL of the metadata store")
      ->envname("LOGIDATA_DATABASE_URL")
      ->required();
  cmd->add_option("--data-dir", config->data_dir, "Folder of the master key file (unless LOGIDATA_MASTER_KEY is set)")
      ->capture_default_str();
  cmd->add_option("--slots", config->slots, "Runs executing at once")->capture_default_str();
  cmd->add_option("--run-memory", config->run_memory_bytes,
                  "Engine memory budget of each run, e.g. 2G (default: half of RAM divided by --slots)")
      ->transform(CLI::AsSizeValue(false));
  cmd->add_option("--master-key-file", config->master_key_file, "Master key ring file (see `logidata server`)")
      ->envname("LOGIDATA_MASTER_KEY_FILE");
  cmd->add_option("--metrics-listen", config->metrics_listen,
                  "HOST:PORT serving this worker's /metrics (Prometheus) and /health; off when empty")
      ->envname("LOGIDATA_WORKER_METRICS_LISTEN");
  cmd->add_option("--port-file", config->port_file, "Write the bound --metrics-listen port to this file");
  cmd->add_option("--lease-seconds", config->lease_seconds,
                  "Lease of a claimed run: renewed every third of it; a run whose worker stops renewing is "
                  "re-queued once it expires")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  cmd->add_option("--poll-ms", config->poll_ms, "Queue poll interval besides LISTEN/NOTIFY wake-ups")
      ->check(CLI::Range(10, 60000))
      ->capture_default_str();
  cmd->add_option("--drain-seconds", config->drain_seconds,
                  "On SIGTERM/SIGINT: how long runs in flight may finish before they are handed back to the queue")
      ->check(CLI::Range(0, 86400))
      ->capture_default_str();
  AddTenantConfinementOptions(cmd, {&config->files_dir, &config->files_roots, &config->allow_egress});
  AddLogFormatOption(cmd, log_format.get());
  cmd->callback([config, log_format] {
    Status st = SetLogFormat(*log_format);
    if (st.ok()) st = RunWorker(*config);
    if (!st.ok()) {
      std::fprintf(stderr, "logidata worker: %s\n", st.ToString().c_str());
      std::exit(1);
    }
  });
}

}  // namespace logidata

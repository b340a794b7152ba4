#include "cli/server_command.h"

#include <cstdio>
#include <cstdlib>

#include "cli/log_format_option.h"
#include "cli/tenant_options.h"
#include "server/json_log_formatter.h"
#include "server/rate_limiter.h"
#include "server/server_app.h"

namespace logidata {

void AddServerCommand(CLI::App& app) {
  auto config = std::make_shared<ServerConfig>();
  auto origins = std::make_shared<std::vector<std::string>>();
  auto log_format = std::make_shared<std::string>("text");
  CLI::App* cmd = app.add_subcommand("server", "Runs the platform server: REST API, WebSocket and web UI.");
  cmd->add_option("--host", config->host, "Address to listen on")->capture_default_str();
  cmd->add_option("--port", config->port, "Port to listen on (0 = any free port)")->capture_default_str();
  cmd->add_option("--threads", config->threads, "Network threads (0 = all cores)")->capture_default_str();
  cmd->add_option("--data-dir", config->data_dir, "Data folder (SQLite store, master key, files)")->capture_default_str();
  cmd->add_option("--database-url", config->database_url, "PostgreSQL URL for the metadata store (default: SQLite)")
      ->envname("LOGIDATA_DATABASE_URL");
  cmd->add_option("--web-root", config->web_root, "Folder of the built web UI")->capture_default_str();
  cmd->add_option("--max-body", config->max_body_bytes, "Largest request body in bytes")->capture_default_str();
  cmd->add_option("--cors-origin", *origins, "Browser origin allowed to call the API (repeatable)");
  cmd->add_option("--run-memory", config->run_memory_bytes,
                  "Engine memory budget of each run, e.g. 2G (default: half of RAM divided by --run-slots)")
      ->transform(CLI::AsSizeValue(false));
  cmd->add_option("--run-slots", config->run_slots, "Runs executing at once in the server (0 = workers only)")
      ->capture_default_str();
  cmd->add_option("--lease-seconds", config->lease_seconds,
                  "Lease of a run executing in the server (see `logidata worker --lease-seconds`)")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  cmd->add_option("--access-log", config->access_log, "stdout, off, or a file path")->capture_default_str();
  cmd->add_flag("--allow-registration", config->allow_registration,
                "Let anyone create an account (and an organization of their own); off by default: admins invite")
      ->envname("LOGIDATA_ALLOW_REGISTRATION");
  cmd->add_flag("!--no-registration", config->allow_registration, "Disable self-registration (the default)");
  cmd->add_option("--master-key-file", config->master_key_file,
                  "Master key ring file (one hex key per line, the first encrypts), e.g. outside the data folder")
      ->envname("LOGIDATA_MASTER_KEY_FILE");
  cmd->add_option("--port-file", config->port_file, "Write the bound port to this file once listening");
  cmd->add_option("--max-connections", config->max_connections,
                  "Open connections at once (more are answered 503); 0 = no cap")->capture_default_str();
  cmd->add_option("--header-timeout", config->header_timeout_seconds,
                  "Seconds a request header may take once it starts (slow clients are cut off)")->capture_default_str();
  cmd->add_option_function<std::string>(
         "--rate-limit",
         [config](const std::string& text) {
           auto per_second = ParseRatePerSecond(text);
           if (!per_second.ok()) throw CLI::ValidationError("--rate-limit", per_second.status().message());
           config->rate_limit_per_second = *per_second;
         },
         "API requests per user, API key or client address, e.g. 50/s, 600/min; off = none")
      ->default_str("50/s");
  cmd->add_option("--rate-limit-burst", config->rate_limit_burst, "Requests allowed at once before --rate-limit applies")
      ->capture_default_str();
  cmd->add_option("--metrics-token", config->metrics_token, "Require 'Authorization: Bearer TOKEN' on /metrics")
      ->envname("LOGIDATA_METRICS_TOKEN");
  cmd->add_option("--metrics-listen", config->metrics_listen,
                  "Serve /metrics and /health on this HOST:PORT instead of the API port");
  AddTenantConfinementOptions(cmd, {&config->files_dir, &config->files_roots, &config->allow_egress});
  cmd->add_option("--engine-calls-per-org", config->engine_calls_per_org,
                  "Previews and checks one organization may run at once")->capture_default_str();
  cmd->add_option("--engine-call-timeout", config->engine_call_seconds, "Time limit of one preview or check, in seconds")
      ->capture_default_str();
  AddLogFormatOption(cmd, log_format.get());
  cmd->callback([config, origins, log_format] {
    config->cors_origins.insert(origins->begin(), origins->end());
    Status st = SetLogFormat(*log_format);
    if (st.ok()) st = RunServer(*config);
    if (!st.ok()) {
      std::fprintf(stderr, "logidata server: %s\n", st.ToString().c_str());
      std::exit(1);
    }
  });
}

}  // namespace logidata

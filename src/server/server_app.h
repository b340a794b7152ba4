// ServerApp: assembles `logidata server` — data folder, metadata store and migrations, master key,
// auth, run executor, cron trigger, routes, HTTP/WebSocket server — and runs it until SIGINT or
// SIGTERM, then shuts down gracefully (requests drained, runs in flight handed back to the queue).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "common/status.h"

namespace logidata {

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8080;
  int threads = 0;                  // network threads; 0 = all cores
  std::string data_dir = "./var";
  std::string database_url;         // empty = SQLite in data_dir
  std::string web_root = "web/dist";
  int64_t max_body_bytes = 8 << 20;
  std::set<std::string> cors_origins;
  int run_slots = 2;                // runs executing at once in this process; 0 = workers only
  int64_t run_memory_bytes = 0;     // engine memory budget of each run; 0 = half of RAM shared by the slots
  std::string access_log = "stdout";  // stdout | off | <file path>
  bool allow_registration = false;  // self-registration at /auth/register; admins invite otherwise
  std::string master_key_file;      // master key ring outside the data folder (see MasterKeySource)
  std::string port_file;            // written with the bound port once listening (tests)
  // Server limits (docs/deployment.md, "Server limits").
  int max_connections = 1024;       // open connections at once; more are answered 503
  int header_timeout_seconds = 10;  // a request header must be complete this long after its first byte
  double rate_limit_per_second = 50;  // API requests per user, API key or (unauthenticated) address; 0 = off
  double rate_limit_burst = 200;
  std::string metrics_token;        // when set, /metrics needs "Authorization: Bearer <token>"
  std::string metrics_listen;       // HOST:PORT serving /metrics and /health apart from the API (not on it)
  // Organizations' files live in <files_dir>/<org-id>/ (default <data_dir>/files); extra roots
  // are "name=/dir[:ro|:rw]" (--files-root).
  std::string files_dir;
  std::vector<std::string> files_roots;
  // CIDR blocks tenants' connections, REST calls and webhooks may reach although they are
  // loopback, private, link-local… (--allow-egress; see EgressPolicy). Public addresses need none.
  std::vector<std::string> allow_egress;
  int engine_calls_per_org = 4;     // previews and checks one organization may run at once
  int engine_call_seconds = 120;    // time limit of one preview or check
  int lease_seconds = 30;           // lease of a run attempt executing here (see RunExecutorOptions)
};

// Blocks until the server stops. Errors: cannot open the database, bind the port, ….
Status RunServer(const ServerConfig& config);

struct WorkerConfig {
  std::string database_url;
  std::string data_dir = "./var";   // for the master key file when LOGIDATA_MASTER_KEY is unset
  std::string master_key_file;      // master key ring outside the data folder (see MasterKeySource)
  int slots = 2;
  int64_t run_memory_bytes = 0;     // as ServerConfig::run_memory_bytes
  std::string files_dir;
  std::vector<std::string> files_roots;
  std::vector<std::string> allow_egress;  // as ServerConfig::allow_egress
  std::string metrics_listen;       // HOST:PORT serving this worker's /metrics and /health; empty = none
  std::string port_file;            // written with the bound metrics port (tests)
  int lease_seconds = 30;           // lease of a claimed run attempt; renewed every third of it
  int poll_ms = 1000;               // queue poll besides LISTEN/NOTIFY
  int drain_seconds = 30;           // on SIGTERM: how long runs in flight may finish before hand-back
};

// Queue mode: executes queued runs from the PostgreSQL store until SIGINT or SIGTERM.
Status RunWorker(const WorkerConfig& config);

}  // namespace logidata

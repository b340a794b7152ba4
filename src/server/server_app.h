// ServerApp: assembles `logidata server` — data folder, metadata store and migrations, master key,
// auth, run executor, cron trigger, routes, HTTP/WebSocket server — and runs it until SIGINT or
// SIGTERM, then shuts down gracefully (requests drained, runs in flight marked interrupted).
#pragma once

#include <set>
#include <string>

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
  std::string access_log = "stdout";  // stdout | off | <file path>
  bool allow_registration = true;
  std::string port_file;            // written with the bound port once listening (tests)
};

// Blocks until the server stops. Errors: cannot open the database, bind the port, ….
Status RunServer(const ServerConfig& config);

struct WorkerConfig {
  std::string database_url;
  std::string data_dir = "./var";   // for the master key file when LOGIDATA_MASTER_KEY is unset
  int slots = 2;
  std::string files_dir;
};

// Queue mode: executes queued runs from the PostgreSQL store until SIGINT or SIGTERM.
Status RunWorker(const WorkerConfig& config);

}  // namespace logidata

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
  // Server limits (docs/deployment.md, "Server limits").
  int max_connections = 1024;       // open connections at once; more are answered 503
  int header_timeout_seconds = 10;  // a request header must be complete this long after its first byte
  double rate_limit_per_second = 50;  // API requests per user, API key or (unauthenticated) address; 0 = off
  double rate_limit_burst = 200;
  std::string metrics_token;        // when set, /metrics needs "Authorization: Bearer <token>"
  std::string metrics_listen;       // HOST:PORT serving /metrics and /health apart from the API (not on it)
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

#include "server/server_app.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <spdlog/spdlog.h>

#include "auth/auth_service.h"
#include "auth/secret_box.h"
#include "auth/token_codec.h"
#include "io/tenant_files.h"
#include "metadata/database.h"
#include "metadata/migrations.h"
#include "metadata/org_egress_store.h"
#include "metadata/server_key_store.h"
#include "notify/run_notifier.h"
#include "scheduler/run_executor.h"
#include "scheduler/schedule_trigger.h"
#include "server/access_log_sink.h"
#include "server/api_handler.h"
#include "server/event_hub.h"
#include "server/http_server.h"
#include "server/remote_run_watcher.h"
#include "server/response_cache.h"
#include "server/route_support.h"
#include "server/server_metrics.h"
#include "server/server_run_events.h"
#include "server/tenant_call_gate.h"
#include "server/ws_handler.h"

namespace logidata {
namespace {

Status EnsureDir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("cannot create data folder '" + dir + "': " + ec.message());
  ::chmod(dir.c_str(), 0700);
  return Status::OK();
}

// How runs and attempts name the process executing them ("worker-4711"). In a container every
// process is pid 1, so there the host name (container id, Kubernetes pod name) tells replicas
// apart: "worker-logidata-worker-5d9c7-x2x8q".
std::string ProcessName(const std::string& role) {
  pid_t pid = ::getpid();
  if (pid == 1) {
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) == 0 && host[0] != '\0') return role + "-" + host;
  }
  return role + "-" + std::to_string(pid);
}

struct Store {
  std::unique_ptr<Database> db;
  std::unique_ptr<SecretBox> secrets;  // the master key ring
};

// The organizations' sandbox: their folders below files_dir, the granted roots, and never the
// data folder itself.
Result<FilesPolicy> MakeFilesPolicy(const std::string& data_dir, const std::string& files_dir,
                                    const std::vector<std::string>& roots) {
  FilesPolicy policy;
  policy.files_dir = std::filesystem::absolute(files_dir.empty() ? data_dir + "/files" : files_dir);
  LD_RETURN_IF_ERROR(EnsureDir(policy.files_dir.string()));
  for (const std::string& spec : roots) {
    LD_ASSIGN_OR_RETURN(SandboxRoot root, ParseSandboxRoot(spec));
    policy.extra_roots.push_back(std::move(root));
  }
  policy.forbidden.push_back(std::filesystem::absolute(data_dir));
  // Checks every root once now, so a typo fails at start rather than in the first run.
  LD_RETURN_IF_ERROR(PathSandbox::Create(policy.files_dir / "_check", policy.extra_roots, policy.forbidden).status());
  std::error_code ec;
  std::filesystem::remove(policy.files_dir / "_check", ec);
  return policy;
}

Result<Store> OpenStore(const std::string& data_dir, const std::string& database_url, int pool,
                        const std::string& master_key_file) {
  LD_RETURN_IF_ERROR(EnsureDir(data_dir));
  Store store;
  std::string target = database_url.empty() ? data_dir + "/logidata.db" : database_url;
  LD_ASSIGN_OR_RETURN(store.db, OpenDatabase(target, pool));
  LD_ASSIGN_OR_RETURN(int64_t version, RunMigrations(*store.db));
  spdlog::info("metadata store {} at schema version {}",
               store.db->dialect() == DbDialect::kPostgres ? "PostgreSQL" : "SQLite (" + target + ")", version);
  LD_ASSIGN_OR_RETURN(store.secrets, OpenSecretBox({data_dir, master_key_file}));
  return store;
}

// The JWT signing key: LOGIDATA_JWT_KEY (64 hex characters) if set, else a random key kept in the
// metadata store under the master key ring. It is never derived from the master key, so the
// master key alone does not let anyone sign tokens, and either can be rotated on its own.
Result<std::string> LoadJwtKey(Database& db, const SecretBox& secrets) {
  if (const char* env = std::getenv("LOGIDATA_JWT_KEY"); env && *env) {
    auto key = HexDecode(env);
    if (!key || key->size() != 32) return Status::InvalidArgument("LOGIDATA_JWT_KEY must be 64 hex characters");
    return *key;
  }
  return LoadOrCreateServerKey(db, secrets, "jwt");
}

struct HostPort {
  std::string host;
  int port = 0;
};

// "HOST:PORT", "[v6]:PORT" or ":PORT" (then `default_host`).
Result<HostPort> ParseHostPort(const std::string& text, const std::string& default_host) {
  size_t colon = text.rfind(':');
  auto bad = [&] { return Status::InvalidArgument("--metrics-listen: expected HOST:PORT, got '" + text + "'"); };
  if (colon == std::string::npos) return bad();
  HostPort out;
  out.host = text.substr(0, colon);
  if (out.host.size() >= 2 && out.host.front() == '[' && out.host.back() == ']') out.host = out.host.substr(1, out.host.size() - 2);
  if (out.host.empty()) out.host = default_host;
  std::string port = text.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) return bad();
  out.port = std::stoi(port);
  if (out.port > 65535) return bad();
  return out;
}

// The server's egress allow-list (--allow-egress, LOGIDATA_ALLOW_EGRESS) under every organization's.
Result<OrgEgressPolicies> MakeEgressPolicies(Database* db, const std::vector<std::string>& allow) {
  auto policy = EgressPolicy::WithAllowList(allow);
  if (!policy.ok()) return policy.status().WithContext("--allow-egress");
  if (!allow.empty()) {
    std::string list;
    for (const CidrBlock& b : policy->allowed()) list += (list.empty() ? "" : ", ") + b.ToString();
    spdlog::info("egress allowed to internal addresses in {}", list);
  }
  return OrgEgressPolicies(db, std::move(*policy));
}

std::shared_ptr<spdlog::logger> MakeAccessLog(const std::string& where) {
  if (where == "off" || where.empty()) return nullptr;
  auto logger = std::make_shared<spdlog::logger>("access", std::make_shared<AccessLogSink>(where));
  logger->set_pattern("%v");
  return logger;
}

// A worker's RunEvents: only the metrics (its changes reach clients through the database).
class WorkerRunEvents final : public RunEvents {
 public:
  explicit WorkerRunEvents(ServerMetrics* metrics) : metrics_(metrics) {}
  void Finished(const std::string& status, double seconds, int64_t rows) override {
    metrics_->RecordExecution(status, seconds, rows);
  }

 private:
  ServerMetrics* metrics_;
};

}  // namespace

Status RunServer(const ServerConfig& config) {
  int threads = config.threads > 0 ? config.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  LD_ASSIGN_OR_RETURN(Store store, OpenStore(config.data_dir, config.database_url, threads + config.run_slots + 12,
                                             config.master_key_file));
  Database* db = store.db.get();
  const SecretBox& secrets = *store.secrets;
  LD_ASSIGN_OR_RETURN(std::string jwt_key, LoadJwtKey(*db, secrets));
  AuthService auth(db, std::move(jwt_key));
  LD_RETURN_IF_ERROR(auth.BootstrapAdmin(std::cerr));

  bool postgres = db->dialect() == DbDialect::kPostgres;
  ServerMetrics metrics;
  EventHub hub;
  // Other processes (workers) change runs behind our back only with PostgreSQL.
  ResponseCache cache(postgres ? std::chrono::milliseconds(1000) : std::chrono::milliseconds(60000));
  ServerRunEvents events(&hub, &metrics, &cache);

  LD_ASSIGN_OR_RETURN(FilesPolicy files, MakeFilesPolicy(config.data_dir, config.files_dir, config.files_roots));
  TenantCallGate engine_calls(config.engine_calls_per_org, std::chrono::seconds(config.engine_call_seconds));
  // Everything done for a tenant connects only where its organization's egress policy allows.
  LD_ASSIGN_OR_RETURN(OrgEgressPolicies egress, MakeEgressPolicies(db, config.allow_egress));
  // Declared before the executor: runs it stops on shutdown still queue their notifications.
  RunNotifierOptions notifier_options = RunNotifier::OptionsFromEnvironment();
  notifier_options.egress = &egress;
  auto notifier = std::make_unique<RunNotifier>(db, &secrets, notifier_options);
  std::unique_ptr<RunExecutor> executor;
  RunExecutorOptions exec_options;
  exec_options.slots = config.run_slots;
  exec_options.memory_per_run = config.run_memory_bytes;
  exec_options.worker_id = ProcessName("server");
  exec_options.files = files;
  exec_options.egress = &egress;
  exec_options.single_process = !postgres;
  exec_options.lease_seconds = config.lease_seconds;
  if (postgres) exec_options.listen_url = config.database_url;  // woken by runs queued anywhere
  exec_options.on_finished = [n = notifier.get()](const std::string& org_id, const std::string& run_id) {
    n->RunEnded(org_id, run_id);
  };
  exec_options.on_lost = [n = notifier.get()](const std::string& org_id, const std::string& run_id) {
    n->RunEnded(org_id, run_id, "run.interrupted");
  };
  exec_options.on_anomaly = [n = notifier.get()](const std::string& org_id, const std::string& run_id) {
    n->RunEnded(org_id, run_id, "run.anomaly");
  };
  // With PostgreSQL, workers and other servers execute runs too: poll them for live updates.
  std::unique_ptr<RemoteRunWatcher> watcher;
  if (postgres) {
    watcher = std::make_unique<RemoteRunWatcher>(db, &hub, &events, exec_options.worker_id);
    watcher->Start();
  }
  if (config.run_slots > 0) {
    executor = std::make_unique<RunExecutor>(db, &secrets, &events, exec_options);
    LD_RETURN_IF_ERROR(executor->Start());
  } else if (!postgres) {
    // Nobody else can run them: a SQLite store is private to this process. They wait, re-queued,
    // for a server with run slots.
    (void)RecoverOrphanedRuns(*db, /*all_running=*/true, "the server stopped while the run was in progress");
  }
  ScheduleTrigger trigger(db, [&](const std::string& org_id, const nlohmann::json& run) {
    events.RunChanged(org_id, run);
    if (executor) executor->Wake();
  }, 1000, postgres ? config.database_url : "");  // one schedule leader per PostgreSQL store
  trigger.Start();

  ApiServices services;
  services.db = db;
  services.auth = &auth;
  services.secrets = &secrets;
  services.events = &hub;
  services.metrics = &metrics;
  services.executor = executor.get();
  services.list_cache = &cache;
  services.run_events = &events;
  services.notifier = notifier.get();
  services.data_dir = config.data_dir;
  services.files = &files;
  services.engine_calls = &engine_calls;
  services.egress = &egress;
  services.allow_registration = config.allow_registration;
  services.metrics_token = config.metrics_token;
  services.metrics_on_api = config.metrics_listen.empty();
  Router router;
  RegisterAllRoutes(router, services);

  ApiHandlerOptions handler_options;
  handler_options.cors_origins = config.cors_origins;
  handler_options.web_root = config.web_root;
  handler_options.rate_limit = {config.rate_limit_per_second, config.rate_limit_burst};
  auto access_log = MakeAccessLog(config.access_log);
  ApiHandler handler(services, &router, handler_options, access_log);
  RunsWsHandler ws(&auth, db, &hub);
  auth.SetRevocationListener([&ws](const std::string& user_id) { ws.CloseUser(user_id); });

  HttpServerOptions http_options;
  http_options.host = config.host;
  http_options.port = config.port;
  http_options.threads = threads;
  http_options.max_body_bytes = config.max_body_bytes;
  http_options.max_connections = config.max_connections;
  http_options.header_timeout_seconds = config.header_timeout_seconds;
  HttpServer server(http_options, &handler, &ws);
  // --metrics-listen: /metrics and /health on a port of their own (say, reachable only from the
  // monitoring network), served by one thread; the API port no longer has /metrics.
  Router monitoring_router;
  std::unique_ptr<ApiHandler> monitoring_handler;
  std::unique_ptr<HttpServer> monitoring;
  Result<HostPort> where = ParseHostPort(config.metrics_listen, config.host);
  if (!config.metrics_listen.empty() && where.ok()) {
    RegisterMonitoringRoutes(monitoring_router, services);
    monitoring_handler = std::make_unique<ApiHandler>(services, &monitoring_router, ApiHandlerOptions{}, access_log);
    HttpServerOptions o;
    o.host = where->host;
    o.port = where->port;
    o.threads = 1;
    o.blocking_threads = 1;
    o.max_body_bytes = 64 * 1024;
    o.max_connections = 64;
    o.header_timeout_seconds = config.header_timeout_seconds;
    monitoring = std::make_unique<HttpServer>(o, monitoring_handler.get(), nullptr);
  }
  Status listening = server.Listen();
  if (listening.ok() && !config.metrics_listen.empty()) listening = where.ok() ? monitoring->Listen() : where.status();
  if (!listening.ok()) {
    trigger.Stop();
    if (watcher) watcher->Stop();
    if (executor) executor->Stop();
    return listening;
  }
  if (!config.port_file.empty()) {
    std::ofstream(config.port_file + ".tmp") << server.port() << "\n";
    std::filesystem::rename(config.port_file + ".tmp", config.port_file);
  }
  spdlog::info("logidata server listening on http://{}:{} ({} threads, {} run slots)", config.host, server.port(),
               threads, config.run_slots);
  std::thread monitoring_thread;
  if (monitoring) {
    spdlog::info("metrics and health served apart from the API on port {} (--metrics-listen {})", monitoring->port(),
                 config.metrics_listen);
    monitoring_thread = std::thread([&monitoring] { monitoring->Run(/*handle_signals=*/false); });
  }
  server.Run(/*handle_signals=*/true);
  if (monitoring) {
    monitoring->Stop();
    monitoring_thread.join();
  }
  spdlog::info("shutting down: stopping schedules and runs");
  trigger.Stop();
  if (watcher) watcher->Stop();
  if (executor) executor->Stop();
  notifier.reset();  // sends what the last runs queued (bounded), while logging still works
  spdlog::shutdown();
  return Status::OK();
}

Status RunWorker(const WorkerConfig& config) {
  if (config.database_url.rfind("postgres", 0) != 0) {
    return Status::InvalidArgument("--database-url: queue-mode workers need a PostgreSQL URL");
  }
  LD_ASSIGN_OR_RETURN(Store store,
                      OpenStore(config.data_dir, config.database_url, config.slots + 4, config.master_key_file));
  const SecretBox& secrets = *store.secrets;
  RunExecutorOptions options;
  options.slots = config.slots;
  options.memory_per_run = config.run_memory_bytes;
  options.worker_id = ProcessName("worker");
  options.lease_seconds = config.lease_seconds;
  options.poll_ms = config.poll_ms;
  options.listen_url = config.database_url;
  LD_ASSIGN_OR_RETURN(options.files, MakeFilesPolicy(config.data_dir, config.files_dir, config.files_roots));
  options.single_process = false;
  LD_ASSIGN_OR_RETURN(OrgEgressPolicies egress, MakeEgressPolicies(store.db.get(), config.allow_egress));
  options.egress = &egress;
  RunNotifierOptions notifier_options = RunNotifier::OptionsFromEnvironment();
  notifier_options.egress = &egress;
  RunNotifier notifier(store.db.get(), &secrets, notifier_options);
  options.on_finished = [&notifier](const std::string& org_id, const std::string& run_id) {
    notifier.RunEnded(org_id, run_id);
  };
  options.on_lost = [&notifier](const std::string& org_id, const std::string& run_id) {
    notifier.RunEnded(org_id, run_id, "run.interrupted");
  };
  options.on_anomaly = [&notifier](const std::string& org_id, const std::string& run_id) {
    notifier.RunEnded(org_id, run_id, "run.anomaly");
  };
  // Block the stop signals before threads start so only sigwait below sees them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // The worker's own /metrics counts the runs it executes; /health says whether its store answers.
  ServerMetrics metrics;
  WorkerRunEvents events(&metrics);
  ApiServices services;
  services.db = store.db.get();
  services.metrics = &metrics;
  Router router;
  std::unique_ptr<ApiHandler> handler;
  std::unique_ptr<HttpServer> monitoring;
  std::thread monitoring_thread;
  if (!config.metrics_listen.empty()) {
    LD_ASSIGN_OR_RETURN(HostPort where, ParseHostPort(config.metrics_listen, "127.0.0.1"));
    RegisterMonitoringRoutes(router, services);
    handler = std::make_unique<ApiHandler>(services, &router, ApiHandlerOptions{}, nullptr);
    HttpServerOptions o;
    o.host = where.host;
    o.port = where.port;
    o.threads = 1;
    o.blocking_threads = 1;
    o.max_body_bytes = 64 * 1024;
    o.max_connections = 64;
    monitoring = std::make_unique<HttpServer>(o, handler.get(), nullptr);
    LD_RETURN_IF_ERROR(monitoring->Listen());
    if (!config.port_file.empty()) {
      std::ofstream(config.port_file + ".tmp") << monitoring->port() << "\n";
      std::filesystem::rename(config.port_file + ".tmp", config.port_file);
    }
    spdlog::info("worker metrics and health on {}:{}", where.host, monitoring->port());
    monitoring_thread = std::thread([&monitoring] { monitoring->Run(/*handle_signals=*/false); });
  }
  RunExecutor executor(store.db.get(), &secrets, &events, options);
  LD_RETURN_IF_ERROR(executor.Start());
  spdlog::info("logidata worker {} waiting for queued runs ({} slots, lease {} s)", options.worker_id, options.slots,
               options.lease_seconds);
  int sig = 0;
  sigwait(&set, &sig);
  // Graceful drain: claim nothing more, let runs in flight finish, hand back what is left.
  spdlog::info("worker draining (signal {}): up to {} s for {} run(s) in flight", sig, config.drain_seconds,
               executor.active_runs());
  executor.Drain(std::chrono::seconds(config.drain_seconds));
  if (monitoring) {
    monitoring->Stop();
    monitoring_thread.join();
  }
  return Status::OK();
}

}  // namespace logidata

// ApiServices: the shared objects route handlers work with, created once by the server command
// and alive for the whole process. Plain aggregate of non-owning pointers; each pointee
// documents its own thread-safety (all are thread-safe).
#pragma once

#include <atomic>
#include <string>

namespace logidata {

class Database;
class AuthService;
class SecretBox;
class EventHub;
class ServerMetrics;
class RunExecutor;
class ModuleRegistry;
class ResponseCache;
class RunEvents;
class RunNotifier;
class OrgEgressPolicies;
class TenantCallGate;
struct FilesPolicy;

struct ApiServices {
  Database* db = nullptr;
  AuthService* auth = nullptr;
  const SecretBox* secrets = nullptr;
  EventHub* events = nullptr;
  ServerMetrics* metrics = nullptr;
  RunExecutor* executor = nullptr;  // null when runs execute only in external workers
  ResponseCache* list_cache = nullptr;
  RunEvents* run_events = nullptr;  // live updates of runs changed by the API
  RunNotifier* notifier = nullptr;  // test messages of notification settings
  const OrgEgressPolicies* egress = nullptr;  // where each organization's work may connect
  const FilesPolicy* files = nullptr;      // each organization's sandbox on the server's disk
  TenantCallGate* engine_calls = nullptr;  // per-organization limit and time limit of engine calls
  std::string data_dir;
  std::string version = "0.1.0";
  bool allow_registration = true;
  std::string metrics_token;   // non-empty: /metrics needs "Authorization: Bearer <token>"
  bool metrics_on_api = true;  // false when --metrics-listen serves /metrics on its own port
};

}  // namespace logidata

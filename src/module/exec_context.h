// ExecContext: what a running operator may use from its surroundings — logging, cancellation,
// memory budget and spill folder, connections, run parameters, state kept between runs.
// One ExecContext per node per run; its members are thread-safe unless noted.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/result.h"
#include "io/file_system.h"
#include "io/path_sandbox.h"
#include "module/connection.h"

namespace logidata {

enum class LogLevel { kDebug, kInfo, kWarn, kError };
std::string_view LogLevelName(LogLevel level);

// Receives structured log lines of a run (CLI: JSON lines on stderr/file; server: persisted and
// streamed over the WebSocket). Thread-safe.
class RunLogger {
 public:
  virtual ~RunLogger() = default;
  virtual void Log(LogLevel level, const std::string& node_id, const std::string& message) = 0;
};

// Key/value state that survives between runs of one pipeline (incremental-load watermarks).
// Thread-safe. Keys are namespaced by the caller ("<node_id>/watermark").
class StateStore {
 public:
  virtual ~StateStore() = default;
  virtual Result<std::optional<std::string>> Get(const std::string& key) = 0;
  // Staged: becomes visible to later runs only if the run succeeds.
  virtual Status Put(const std::string& key, const std::string& value) = 0;
  // The values Put during this run and not yet committed. Database loaders record them in their
  // load ledger, in the same transaction as the rows, so a retried run that skips a committed
  // load restores the watermark that load described instead of moving past it.
  virtual std::map<std::string, std::string> Staged() { return {}; }
};

using ParameterMap = std::map<std::string, std::string>;

// Objects the nodes of one run share, by key. Loaders that write through the same database
// connection share one transaction through it ("postgres:<connection>"), so they publish
// together: all of them or none. Thread-safe; lives as long as the run.
class RunSharedObjects {
 public:
  // The object under `key`, made by `make` on first use. A failed `make` is not remembered.
  Result<std::shared_ptr<void>> GetOrCreate(const std::string& key,
                                            const std::function<Result<std::shared_ptr<void>>()>& make) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = objects_.find(key);
    if (it != objects_.end()) return it->second;
    auto made = make();
    if (made.ok()) objects_[key] = *made;
    return made;
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<void>> objects_;
};

struct ExecContext {
  std::string run_id;
  std::string pipeline_id;
  std::string node_id;
  int num_threads = 1;
  // Bytes this operator's state may hold before it must spill to `spill_dir`.
  int64_t memory_budget_bytes = int64_t{1} << 30;
  std::filesystem::path spill_dir;
  const std::atomic<bool>* cancelled = nullptr;
  RunLogger* logger = nullptr;
  ConnectionResolver* connections = nullptr;
  StateStore* state = nullptr;
  FileSystem* fs = nullptr;  // never null while running
  // Server mode: the files this organization may touch (null in the CLI). `fs` already enforces
  // it; modules that open files without `fs` (SQLite) resolve through it themselves.
  const PathSandbox* sandbox = nullptr;
  const ParameterMap* params = nullptr;
  // The pipeline's schema_drift policy is `evolve`: a database loader whose target table exists
  // adds the input columns the table lacks (ALTER TABLE … ADD COLUMN) before loading.
  bool evolve_target_columns = false;
  // Shared by the nodes of this run (null when an operator runs alone, as in unit tests).
  RunSharedObjects* shared = nullptr;

  bool IsCancelled() const { return cancelled != nullptr && cancelled->load(std::memory_order_relaxed); }
  Status CheckCancelled() const { return IsCancelled() ? Status::Cancelled("run cancelled") : Status::OK(); }
  void Log(LogLevel level, const std::string& message) const {
    if (logger != nullptr) logger->Log(level, node_id, message);
  }
};

}  // namespace logidata

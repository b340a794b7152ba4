// RunEvents: where an executor reports what happens to runs, for live updates and metrics. The
// server forwards them to WebSocket subscribers and Prometheus; a queue-mode worker ignores them
// (its changes reach clients through the database). Implementations are thread-safe and quick.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace logidata {

class RunEvents {
 public:
  virtual ~RunEvents() = default;
  virtual void RunChanged(const std::string& org_id, const nlohmann::json& run) {}
  virtual void NodeProgress(const std::string& org_id, const std::string& run_id, const nlohmann::json& nodes) {}
  virtual void Log(const std::string& org_id, const std::string& run_id, const nlohmann::json& entry) {}
  virtual void Finished(const std::string& status, double seconds, int64_t rows) {}
};

}  // namespace logidata

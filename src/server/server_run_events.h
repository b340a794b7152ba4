// ServerRunEvents: RunEvents of the server process — forwards run changes, node progress and log
// lines to WebSocket channels ("run:<id>", "runs:<org id>"), counts finished runs in the metrics
// and drops cached lists that show a run's status. Thread-safe.
#pragma once

#include "scheduler/run_events.h"
#include "server/event_hub.h"
#include "server/response_cache.h"
#include "server/server_metrics.h"

namespace logidata {

class ServerRunEvents final : public RunEvents {
 public:
  ServerRunEvents(EventHub* hub, ServerMetrics* metrics, ResponseCache* cache)
      : hub_(hub), metrics_(metrics), cache_(cache) {}
  void RunChanged(const std::string& org_id, const nlohmann::json& run) override;
  void NodeProgress(const std::string& org_id, const std::string& run_id, const nlohmann::json& nodes) override;
  void Log(const std::string& org_id, const std::string& run_id, const nlohmann::json& entry) override;
  void Finished(const std::string& status, double seconds, int64_t rows) override;

 private:
  EventHub* hub_;
  ServerMetrics* metrics_;
  ResponseCache* cache_;
};

}  // namespace logidata

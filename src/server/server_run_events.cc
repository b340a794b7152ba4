#include "server/server_run_events.h"

namespace logidata {

void ServerRunEvents::RunChanged(const std::string& org_id, const nlohmann::json& run) {
  cache_->Invalidate();
  std::string msg = nlohmann::json{{"type", "run.status"}, {"run", run}}.dump();
  hub_->Publish("runs:" + org_id, msg);
  hub_->Publish("run:" + run.value("id", ""), msg);
}

void ServerRunEvents::NodeProgress(const std::string&, const std::string& run_id, const nlohmann::json& nodes) {
  hub_->Publish("run:" + run_id, nlohmann::json{{"type", "node.progress"}, {"run_id", run_id}, {"nodes", nodes}}.dump());
}

void ServerRunEvents::Log(const std::string&, const std::string& run_id, const nlohmann::json& entry) {
  hub_->Publish("run:" + run_id, nlohmann::json{{"type", "log"}, {"run_id", run_id}, {"entry", entry}}.dump(
                                     -1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void ServerRunEvents::Finished(const std::string& status, double seconds, int64_t rows) {
  metrics_->RecordExecution(status, seconds, rows);
}

}  // namespace logidata

#include "connectors/rabbitmq/seen_message_ids.h"

#include <nlohmann/json.hpp>

namespace logidata {

Status SeenMessageIds::Load(const std::string& serialized) {
  auto doc = nlohmann::json::parse(serialized, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_array()) return Status::DataError("the saved message ids are not a JSON array");
  order_.clear();
  set_.clear();
  for (const auto& id : doc) {
    if (!id.is_string()) return Status::DataError("the saved message ids hold a non-string");
    Add(id.get<std::string>());
  }
  return Status::OK();
}

std::string SeenMessageIds::Serialize() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& id : order_) out.push_back(id);
  // Ids come from publishers: replace invalid UTF-8 rather than fail the run on it.
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool SeenMessageIds::Add(const std::string& id) {
  if (!set_.insert(id).second) return false;
  order_.push_back(id);
  while (static_cast<int64_t>(order_.size()) > capacity_) {
    set_.erase(order_.front());
    order_.pop_front();
  }
  return true;
}

}  // namespace logidata

#include "server/event_hub.h"

#include <vector>

namespace logidata {

int64_t EventHub::Subscribe(const std::string& channel, Callback callback) {
  std::lock_guard lock(mu_);
  int64_t token = next_++;
  subscribers_.emplace(channel, std::make_pair(token, std::move(callback)));
  channels_[token] = channel;
  return token;
}

void EventHub::Unsubscribe(int64_t token) {
  std::lock_guard lock(mu_);
  auto it = channels_.find(token);
  if (it == channels_.end()) return;
  auto range = subscribers_.equal_range(it->second);
  for (auto s = range.first; s != range.second; ++s) {
    if (s->second.first == token) {
      subscribers_.erase(s);
      break;
    }
  }
  channels_.erase(it);
}

void EventHub::Publish(const std::string& channel, const std::string& message) {
  std::vector<Callback> targets;
  {
    std::lock_guard lock(mu_);
    auto range = subscribers_.equal_range(channel);
    for (auto s = range.first; s != range.second; ++s) targets.push_back(s->second.second);
  }
  for (auto& cb : targets) cb(message);
}

bool EventHub::HasSubscribers() {
  std::lock_guard lock(mu_);
  return !subscribers_.empty();
}

bool EventHub::HasSubscribers(const std::string& channel) {
  std::lock_guard lock(mu_);
  return subscribers_.count(channel) > 0;
}

}  // namespace logidata

// EventHub: in-process publish/subscribe of live updates by channel name ("run:<id>",
// "runs:<org id>"). Subscribers get the serialized JSON message; callbacks must be quick (the
// WebSocket sink only queues). Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace logidata {

class EventHub {
 public:
  using Callback = std::function<void(const std::string& message)>;
  // Returns a token for Unsubscribe.
  int64_t Subscribe(const std::string& channel, Callback callback);
  void Unsubscribe(int64_t token);
  void Publish(const std::string& channel, const std::string& message);
  // Whether anybody listens at all, or on one channel (pollers skip work nobody would see).
  bool HasSubscribers();
  bool HasSubscribers(const std::string& channel);

 private:
  std::mutex mu_;
  int64_t next_ = 1;
  std::multimap<std::string, std::pair<int64_t, Callback>> subscribers_;
  std::map<int64_t, std::string> channels_;
};

}  // namespace logidata

// PgListener: LISTEN on one PostgreSQL channel over a dedicated libpq connection and call back on
// every notification, so executors wake the moment a run is queued instead of at their next poll.
// If the connection drops it reconnects every second (executors keep polling meanwhile, so a lost
// notification only delays a run by the poll interval). Start/Stop from one thread.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

namespace logidata {

class PgListener {
 public:
  PgListener(std::string url, std::string channel, std::function<void()> on_notify)
      : url_(std::move(url)), channel_(std::move(channel)), on_notify_(std::move(on_notify)) {}
  ~PgListener() { Stop(); }

  void Start();
  void Stop();
  // True while LISTEN is in effect (for tests and logs).
  bool listening() const { return listening_; }

 private:
  void Loop();
  std::string url_, channel_;
  std::function<void()> on_notify_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> listening_{false};
  int wake_pipe_[2] = {-1, -1};
  std::thread thread_;
};

}  // namespace logidata

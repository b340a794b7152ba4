// RemoteRunWatcher: live updates for runs executed by other processes (queue-mode `logidata
// worker`s or other servers sharing the PostgreSQL store), which this server's executor never
// hears about. While anybody is subscribed, it polls the runs being executed elsewhere every
// `interval` and forwards what changed — status, node progress (node_metrics) and new log lines
// (run_logs) — to RunEvents like the local executor does. Start/Stop from one thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "metadata/database.h"
#include "scheduler/run_events.h"
#include "server/event_hub.h"

namespace logidata {

class RemoteRunWatcher {
 public:
  // `local_worker`: the worker id of this process's executor (its runs are reported directly).
  RemoteRunWatcher(Database* db, EventHub* hub, RunEvents* events, std::string local_worker,
                   std::chrono::milliseconds interval = std::chrono::milliseconds(250))
      : db_(db), hub_(hub), events_(events), local_worker_(std::move(local_worker)), interval_(interval) {}
  ~RemoteRunWatcher() { Stop(); }

  void Start();
  void Stop();

 private:
  struct Seen {
    std::string org_id;
    std::string status;
    std::string nodes;  // serialized node metrics last published
    int64_t log_seq = 0;
  };
  void Loop();
  void Poll();
  void Forward(const std::string& run_id, Seen& seen, bool final);
  void ForwardStatus(const std::string& run_id, Seen& seen, bool final);
  void ForwardProgressAndLogs(const std::string& run_id, Seen& seen);

  Database* db_;
  EventHub* hub_;
  RunEvents* events_;
  std::string local_worker_;
  std::chrono::milliseconds interval_;
  std::map<std::string, Seen> seen_;  // runs in flight elsewhere, by id
  // Ended runs whose final state was published lately (the poll looks back 10 s).
  std::map<std::string, std::chrono::steady_clock::time_point> published_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace logidata

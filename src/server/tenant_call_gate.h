// TenantCallGate: bounds the engine calls (preview, validate, schema, expression and connection
// checks) one organization may have in flight, and how long each may take, so one tenant cannot
// hold the network threads every organization shares. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace logidata {

class TenantCallGate {
 public:
  TenantCallGate(int calls_per_org, std::chrono::milliseconds time_limit)
      : calls_per_org_(calls_per_org), time_limit_(time_limit) {}

  // Holds one of the organization's slots until destroyed.
  class Pass {
   public:
    Pass(TenantCallGate* gate, std::string org) : gate_(gate), org_(std::move(org)) {}
    Pass(Pass&& other) noexcept : gate_(other.gate_), org_(std::move(other.org_)) { other.gate_ = nullptr; }
    Pass(const Pass&) = delete;
    ~Pass();

   private:
    TenantCallGate* gate_;
    std::string org_;
  };

  // Empty when the organization already has `calls_per_org` calls running (answer 429).
  std::optional<Pass> Enter(const std::string& org_id);
  std::chrono::milliseconds time_limit() const { return time_limit_; }

 private:
  std::mutex mu_;
  std::map<std::string, int> running_;
  const int calls_per_org_;
  const std::chrono::milliseconds time_limit_;
};

// Sets a flag once `limit` has passed, unless destroyed first; engine calls poll the flag and
// stop. One short-lived thread per call: these calls are few and each takes milliseconds or more.
class CallDeadline {
 public:
  explicit CallDeadline(std::chrono::milliseconds limit);
  ~CallDeadline();
  CallDeadline(const CallDeadline&) = delete;
  CallDeadline& operator=(const CallDeadline&) = delete;

  const std::atomic<bool>* flag() const { return &expired_; }
  bool expired() const { return expired_.load(); }

 private:
  std::atomic<bool> expired_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread timer_;
};

}  // namespace logidata

// CancelWatch: calls a function once when a run's stop flag rises, from one shared background
// thread that looks at every registered flag each 50 ms.
//
// Why: a blocking client call — a libpq query, a MariaDB read, a long COPY — cannot look at the
// flag itself while it waits on the server. The callback interrupts it from outside (PQcancel,
// mariadb_cancel), so a cancelled or failed run stops within the 2 s the orchestrator promises
// instead of when the query ends.
//
// Thread safety: construction and destruction from any thread. After the destructor returns the
// callback is not running and never will. Callbacks run on the shared thread one at a time, without
// its lock held; a callback must not destroy its own CancelWatch.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

namespace logidata {

class CancelWatch {
 public:
  // A null `flag` watches nothing.
  CancelWatch(const std::atomic<bool>* flag, std::function<void()> on_raise);
  ~CancelWatch();
  CancelWatch(const CancelWatch&) = delete;
  CancelWatch& operator=(const CancelWatch&) = delete;

  // True once the callback ran.
  bool fired() const { return fired_.load(); }

 private:
  friend class CancelWatchRegistry;
  const std::atomic<bool>* flag_;
  std::function<void()> on_raise_;
  std::atomic<bool> fired_{false};
  uint64_t id_ = 0;
};

}  // namespace logidata

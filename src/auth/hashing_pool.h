// HashingPool: bounds how many argon2id computations run at once. Each one takes tens of
// milliseconds and ~64 MiB, so a login flood must not run hundreds of them side by side (memory)
// nor occupy every thread that serves requests. Callers wait for a free slot; when too many are
// already waiting the call fails fast with ResourceExhausted (the route answers 429).
// Callers should themselves be off the network threads (auth routes are dispatched to the
// server's blocking pool). Thread-safe.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>

#include "common/result.h"

namespace logidata {

class HashingPool {
 public:
  // REQUIRES: max_running >= 1, max_waiting >= 0.
  HashingPool(int max_running, int max_waiting) : max_running_(max_running), max_waiting_(max_waiting) {}

  Result<std::string> Hash(const std::string& password);
  // False for a wrong password or a malformed hash; ResourceExhausted when the pool is saturated.
  Result<bool> Verify(const std::string& encoded_hash, const std::string& password);

  // From LOGIDATA_HASH_THREADS (default: the number of cores, at most 4) and a queue of 64.
  static HashingPool& Shared();

 private:
  Status Enter();
  void Leave();

  int max_running_;
  int max_waiting_;
  std::mutex mu_;
  std::condition_variable cv_;
  int running_ = 0;
  int waiting_ = 0;
};

}  // namespace logidata

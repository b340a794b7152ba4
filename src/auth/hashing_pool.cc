#include "auth/hashing_pool.h"

#include <algorithm>
#include <cstdlib>
#include <thread>

#include "auth/password_hasher.h"

namespace logidata {

Status HashingPool::Enter() {
  std::unique_lock lock(mu_);
  if (running_ >= max_running_) {
    if (waiting_ >= max_waiting_) return Status::ResourceExhausted("too many sign-in attempts in progress; try again later");
    ++waiting_;
    cv_.wait(lock, [&] { return running_ < max_running_; });
    --waiting_;
  }
  ++running_;
  return Status::OK();
}

void HashingPool::Leave() {
  {
    std::lock_guard lock(mu_);
    --running_;
  }
  cv_.notify_one();
}

Result<std::string> HashingPool::Hash(const std::string& password) {
  LD_RETURN_IF_ERROR(Enter());
  auto hash = HashPassword(password);
  Leave();
  return hash;
}

Result<bool> HashingPool::Verify(const std::string& encoded_hash, const std::string& password) {
  LD_RETURN_IF_ERROR(Enter());
  bool ok = VerifyPassword(encoded_hash, password);
  Leave();
  return ok;
}

HashingPool& HashingPool::Shared() {
  static HashingPool pool = [] {
    const char* env = std::getenv("LOGIDATA_HASH_THREADS");
    int n = env ? std::atoi(env) : 0;
    if (n <= 0) n = std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, 4);
    return HashingPool(n, 64);
  }();
  return pool;
}

}  // namespace logidata

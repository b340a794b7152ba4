#include "auth/login_limiter.h"

namespace logidata {

bool LoginLimiter::Allow(const std::string& address) {
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  if (attempts_.size() > 100000) attempts_.clear();  // bound memory under address floods
  auto& q = attempts_[address];
  while (!q.empty() && now - q.front() > window_) q.pop_front();
  if (static_cast<int>(q.size()) >= max_) return false;
  q.push_back(now);
  return true;
}

}  // namespace logidata

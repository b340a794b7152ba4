// LoginLimiter: in-memory sliding-window rate limit of login attempts per client address, so
// password guessing is slow even across many accounts (per-account lockout lives in the users
// table). Thread-safe.
#pragma once

#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace logidata {

class LoginLimiter {
 public:
  LoginLimiter(int max_attempts, std::chrono::seconds window) : max_(max_attempts), window_(window) {}
  // Records an attempt; false when the address already used its budget for the window.
  bool Allow(const std::string& address);

 private:
  int max_;
  std::chrono::seconds window_;
  std::mutex mu_;
  std::unordered_map<std::string, std::deque<std::chrono::steady_clock::time_point>> attempts_;
};

}  // namespace logidata

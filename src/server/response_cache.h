// ResponseCache: serialized list responses (e.g. GET /pipelines) keyed by organization and query,
// dropped whenever anything they depend on changes in this process (Invalidate) and after a short
// time-to-live for changes made by other processes (queue-mode workers). Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

namespace logidata {

class ResponseCache {
 public:
  explicit ResponseCache(std::chrono::milliseconds ttl) : ttl_(ttl) {}
  std::optional<std::string> Get(const std::string& key) const;
  // Stores `value` unless an Invalidate happened since `generation` was read.
  void Put(const std::string& key, std::string value, uint64_t generation);
  uint64_t generation() const { return generation_.load(); }
  void Invalidate();

 private:
  struct Entry {
    std::string value;
    std::chrono::steady_clock::time_point at;
  };
  std::chrono::milliseconds ttl_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  std::atomic<uint64_t> generation_{0};
};

}  // namespace logidata

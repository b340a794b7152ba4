#include "server/response_cache.h"

#include <mutex>

namespace logidata {

std::optional<std::string> ResponseCache::Get(const std::string& key) const {
  std::shared_lock lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end() || std::chrono::steady_clock::now() - it->second.at > ttl_) return std::nullopt;
  return it->second.value;
}

void ResponseCache::Put(const std::string& key, std::string value, uint64_t generation) {
  std::unique_lock lock(mu_);
  if (generation != generation_.load()) return;
  if (entries_.size() > 10000) entries_.clear();
  entries_[key] = {std::move(value), std::chrono::steady_clock::now()};
}

void ResponseCache::Invalidate() {
  std::unique_lock lock(mu_);
  generation_.fetch_add(1);
  entries_.clear();
}

}  // namespace logidata

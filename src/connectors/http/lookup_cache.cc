#include "connectors/http/lookup_cache.h"

namespace logidata {

LookupCache::Ticket LookupCache::Acquire(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  if (it != index_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    return {it->second->future, nullptr};
  }
  Ticket t;
  t.fetch = std::make_shared<std::promise<OutcomePtr>>();
  t.future = t.fetch->get_future().share();
  lru_.push_front({key, t.future});
  index_[key] = lru_.begin();
  EvictLocked();
  return t;
}

void LookupCache::Fulfil(const std::string& key, const Ticket& ticket, OutcomePtr outcome) {
  const bool keep = outcome->cacheable;
  ticket.fetch->set_value(std::move(outcome));
  if (keep) return;
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  // Only drop our own entry: it may have been evicted and the key fetched anew since.
  if (it != index_.end() && it->second->future.valid() &&
      it->second->future.wait_for(std::chrono::seconds(0)) == std::future_status::ready &&
      it->second->future.get().get() == ticket.future.get().get()) {
    lru_.erase(it->second);
    index_.erase(it);
  }
}

void LookupCache::EvictLocked() {
  // Evicting a pending entry is safe: its waiters hold the future, and its fetcher the promise.
  while (static_cast<int64_t>(lru_.size()) > capacity_) {
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
}

int64_t LookupCache::size() const {
  std::lock_guard lock(mu_);
  return static_cast<int64_t>(lru_.size());
}

}  // namespace logidata

// LookupCache: the in-run LRU cache of a lookup node — key → the outcome of its request. A key
// being fetched is in the cache already, as a pending entry: a second thread asking for it waits
// for the first request instead of sending its own, so each distinct key costs one request while
// it stays cached. Holds at most `capacity` keys; the least recently used is dropped first.
// Thread-safe.
#pragma once

#include <cstdint>
#include <future>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "types/value.h"

namespace logidata {

// What one key's request gave.
struct LookupOutcome {
  enum class Kind { kFound, kMissing, kError };
  Kind kind = Kind::kMissing;
  std::vector<Value> values;  // kFound: one per field, typed
  Status error;               // kError, and kMissing when a 404 said so
  long http_status = 0;       // of the final response; 0 when none came
  // Worth remembering: a definite answer (found, missing, a 4xx). Transport failures and
  // exhausted retries are not, so a later row with the same key tries again.
  bool cacheable = true;
};
using OutcomePtr = std::shared_ptr<const LookupOutcome>;

class LookupCache {
 public:
  explicit LookupCache(int64_t capacity) : capacity_(capacity) {}

  // Either a pending or ready outcome to wait for (`fetch` null), or a promise the caller must
  // fulfil with Fulfil (`future` then refers to it).
  struct Ticket {
    std::shared_future<OutcomePtr> future;
    std::shared_ptr<std::promise<OutcomePtr>> fetch;
  };
  Ticket Acquire(const std::string& key);
  // Completes the fetch of `key`; drops it from the cache when the outcome is not cacheable.
  void Fulfil(const std::string& key, const Ticket& ticket, OutcomePtr outcome);

  int64_t size() const;

 private:
  struct Entry {
    std::string key;
    std::shared_future<OutcomePtr> future;
  };
  void EvictLocked();

  const int64_t capacity_;
  mutable std::mutex mu_;
  std::list<Entry> lru_;  // front = most recently used
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

}  // namespace logidata

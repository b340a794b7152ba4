#include "types/freed_heap.h"

#include <malloc.h>

#include <mutex>

namespace logidata {

namespace {

constexpr int64_t kReturnStep = int64_t{64} << 20;

std::mutex g_returning;

}  // namespace

void ReturnFreedHeapAfterDrop(int64_t usage, std::atomic<int64_t>* high_since_return) {
  int64_t high = high_since_return->load(std::memory_order_relaxed);
  while (usage > high && !high_since_return->compare_exchange_weak(high, usage, std::memory_order_relaxed)) {
  }
  if (high - usage < kReturnStep) return;
  std::unique_lock<std::mutex> lock(g_returning, std::try_to_lock);
  if (!lock.owns_lock()) return;  // another thread is returning the same pages
  high_since_return->store(usage, std::memory_order_relaxed);
  malloc_trim(0);
}

}  // namespace logidata

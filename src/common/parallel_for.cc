#include "common/parallel_for.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace logidata {

void ParallelFor(int tasks, int threads, const std::function<void(int)>& fn) {
  threads = std::max(1, std::min(threads, tasks));
  if (threads == 1) {
    for (int t = 0; t < tasks; ++t) fn(t);
    return;
  }
  std::atomic<int> next{0};
  auto work = [&] {
    for (int t = next.fetch_add(1); t < tasks; t = next.fetch_add(1)) fn(t);
  };
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
}

}  // namespace logidata

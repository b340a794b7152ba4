#include "common/parallel_for.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace logidata {

void ParallelForWithWorker(int tasks, int threads, const std::function<void(int task, int worker)>& fn) {
  threads = std::max(1, std::min(threads, tasks));
  if (threads == 1) {
    for (int t = 0; t < tasks; ++t) fn(t, 0);
    return;
  }
  std::atomic<int> next{0};
  auto work = [&](int worker) {
    for (int t = next.fetch_add(1); t < tasks; t = next.fetch_add(1)) fn(t, worker);
  };
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back(work, i);
  work(0);
  for (auto& t : pool) t.join();
}

void ParallelFor(int tasks, int threads, const std::function<void(int)>& fn) {
  ParallelForWithWorker(tasks, threads, [&fn](int task, int) { fn(task); });
}

}  // namespace logidata

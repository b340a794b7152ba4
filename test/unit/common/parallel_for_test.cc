// ParallelFor: every task runs exactly once, at any thread count, also when nested.
#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "common/parallel_for.h"

namespace logidata {
namespace {

TEST(ParallelForTest, RunsEveryTaskOnce) {
  for (int threads : {1, 2, 8}) {
    std::vector<std::atomic<int>> runs(1000);
    ParallelFor(1000, threads, [&](int t) { runs[static_cast<size_t>(t)]++; });
    for (const auto& r : runs) ASSERT_EQ(r.load(), 1) << threads << " threads";
  }
  ParallelFor(0, 4, [](int) { FAIL() << "no task to run"; });
}

TEST(ParallelForTest, NestedCallsFinish) {
  std::atomic<int> inner{0};
  ParallelFor(16, 4, [&](int) { ParallelFor(50, 4, [&](int) { inner++; }); });
  EXPECT_EQ(inner.load(), 16 * 50);
}

}  // namespace
}  // namespace logidata

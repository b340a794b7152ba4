// Each run of the server or a worker gets its own engine memory budget: the configured one, or
// half of RAM divided by the runs executing at once (not half of RAM per run).
#include <gtest/gtest.h>

#include "pipeline/run_pipeline.h"
#include "scheduler/run_executor.h"

namespace logidata {
namespace {

TEST(RunMemoryTest, ConfiguredBudgetIsUsedAsIs) {
  RunExecutorOptions options;
  options.slots = 4;
  options.memory_per_run = int64_t{256} << 20;
  EXPECT_EQ(MemoryPerRun(options), int64_t{256} << 20);
}

TEST(RunMemoryTest, DefaultSharesHalfOfMemoryAmongTheSlots) {
  RunExecutorOptions options;
  for (int slots : {1, 2, 8}) {
    options.slots = slots;
    EXPECT_EQ(MemoryPerRun(options), DefaultMemoryBudget() / slots) << slots << " slots";
  }
  options.slots = 0;  // a server with workers only still gets a sane figure
  EXPECT_EQ(MemoryPerRun(options), DefaultMemoryBudget());
}

}  // namespace
}  // namespace logidata

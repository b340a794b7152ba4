#include "cli/allocator_tuning.h"

#include <malloc.h>

namespace logidata::cli {

namespace {
constexpr int64_t kLargeBudget = int64_t{2} << 30;
}  // namespace

void UseSmallMmapThreshold() { mallopt(M_MMAP_THRESHOLD, 128 * 1024); }

void TuneAllocatorForBudget(int64_t memory_budget_bytes) {
  if (memory_budget_bytes >= kLargeBudget) mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
}

}  // namespace logidata::cli

// transform.aggregate: group by zero or more columns and compute aggregates per group.
//
// Parallelism: each thread aggregates its batches into its own KeyTable + Accumulators
// (Consume, concurrent); FinishPort merges the thread states; Produce emits the groups.
// Memory: when the state of all threads exceeds ExecContext::memory_budget_bytes, the states
// freeze and later rows are written to hash-partitioned spill files; Produce then aggregates
// partition by partition and folds in the frozen groups of that partition.
// Output: group columns, then one column per aggregate, in config order.
#pragma once

#include "module/module_descriptor.h"

namespace logidata {

ModuleDescriptor AggregateModule();

}  // namespace logidata

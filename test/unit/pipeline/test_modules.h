// Small modules for executor and validator tests: they exercise every part of the operator
// contract (parallel sources, streaming transforms, blocking nodes, build/probe ports, ordered
// sinks, failures) without depending on the real modules.
#pragma once

#include <atomic>
#include <mutex>
#include <vector>

#include "module/module_registry.h"

namespace logidata::testing {

// What the "collect" sinks saw, keyed by node id; shared by a test and its modules.
struct Collected {
  std::mutex mu;
  std::map<std::string, std::vector<int64_t>> values;  // in delivery order
  std::map<std::string, bool> committed;
  std::map<std::string, bool> aborted;
  std::map<std::string, std::vector<int>> required_columns;  // SetRequiredColumns calls
};

// extract.numbers {count, batch, parallel, first_batch_delay_ms}: int64 column "n" = 0..count-1.
// extract.flaky {open_failures, block_open, stall_ms, rows}: Open fails Unavailable
//   `open_failures` times, or blocks until the run stops; each of `rows` rows waits `stall_ms`.
// transform.double {}: n -> n * 2 (streaming).
// transform.keep_even {}: drops odd n (streaming; may emit empty batches).
// transform.total {}: blocking; one row with the sum of n. Uses the memory budget.
// transform.lookup: ports probe (0) + build (1, required first); emits probe rows whose n is in build.
//   Uses the memory budget.
// transform.merge: variadic input, passes batches through.
// transform.fail {at}: fails when it sees n == at.
// load.collect {ordered}: records every n, in delivery order.
// extract.wide {}: columns n, a, b (3 rows); records SetRequiredColumns.
// transform.first_column {}: outputs input column 0 only; reads only that column.
Status RegisterTestModules(ModuleRegistry& registry, Collected* collected);

}  // namespace logidata::testing

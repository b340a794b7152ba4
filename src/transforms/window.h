// transform.window: SQL window functions over `partition_by` and `order_by` — ranking
// (row_number, rank, dense_rank, ntile), offsets (lag, lead), first_value/last_value and running
// or moving sum, avg, min, max and count over ROWS frames. Every input row comes out once, with
// one new column per function.
//
// Parallelism: Consume (concurrent) tags each row with its input position and splits it by the
// hash of its partition key into kSpillPartitions buckets, per thread. Produce takes whole
// buckets on up to kSpillPartitions threads at once: within a bucket, partitions come out in
// order of their first input row, rows sorted by the order keys, ties in input order — so the
// output is the same at any thread count and budget.
// Memory: when the buffered rows of all threads exceed ExecContext::memory_budget_bytes, every
// thread writes its buckets to hash-partitioned spill files; Produce then reads one bucket at a
// time. One bucket (about 1/16 of the input, or all rows of one giant partition) must fit.
#pragma once

#include "module/module_descriptor.h"

namespace logidata {

ModuleDescriptor WindowModule();

}  // namespace logidata

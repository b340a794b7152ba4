// transform.join: hash join of "left" (port 0, the probe side, streamed) with "right" (port 1,
// the build side, read completely first: PortsRequiredBefore(0) = {1}).
// Types: inner, left, right, full (unmatched rows padded with nulls), semi and anti (left rows
// with / without a match, left columns only). Several key pairs; key types are unified with
// CommonSuperType; null keys never match.
//
// Parallelism: build batches are buffered per thread (Consume, concurrent) and one hash table is
// built in FinishPort(1); probing runs concurrently against the read-only table. Matched build
// rows are flagged with relaxed atomics so right/full joins emit the unmatched ones in Produce.
// Memory: when the build side exceeds the budget, both sides are hash-partitioned to spill files
// and Produce joins them partition by partition (grace hash join).
#pragma once

#include "module/module_descriptor.h"

namespace logidata {

ModuleDescriptor JoinModule();

}  // namespace logidata

// transform.sort: orders rows by several keys (asc/desc, nulls first/last). Stable: rows with
// equal keys keep their input order (batch sequence, then row), also after parallel input.
//
// Parallelism: Consume (concurrent) buffers batches per thread; FinishPort sorts; Produce gathers
// output chunks concurrently (each chunk carries its own sequence).
// Memory: a thread whose buffered rows push the total over the budget sorts them into a run
// file; if any run exists, FinishPort turns the rest into runs too and Produce merges all runs
// (external merge sort), breaking ties by input position so the result stays stable. The merge
// state is shared: each chunk is merged under a lock and numbered, so Produce stays safe and
// ordered on any number of threads.
#pragma once

#include "module/module_descriptor.h"

namespace logidata {

ModuleDescriptor SortModule();

}  // namespace logidata

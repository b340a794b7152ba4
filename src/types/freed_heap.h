// Returning freed heap pages to the kernel while a blocking operator drains what it held.
//
// With a large mmap threshold (cli/allocator_tuning.h), buffers of up to 32 MiB come from
// malloc's arenas. Freeing one leaves its pages resident in the arena of the thread that
// allocated it, and another thread's arena does not reuse them. A blocking operator that emits
// what it held (window, sort, join, aggregate) frees hundreds of MB that way while the operator
// downstream allocates anew, so RSS grows by what was freed: J8 peaked at 510 to 590 MB RSS, and
// at 420 to 440 MB with the returns below (three per run, about 20 ms each, no slower overall).
//
// The trigger is the draining operator's own memory, not the process total: a Parquet writer
// downstream frees a row group at a time, and returning those pages made J7 0.8 s slower in page
// faults as each next row group touched them again.
#pragma once

#include <atomic>
#include <cstdint>

namespace logidata {

// Call after a produce step of an operator that holds memory, with its MemoryUsage() and its
// high-water mark since the last return (updated here; start it at 0). Cheap unless the operator
// has released a step (64 MiB) below that mark; then one caller walks the heaps with
// malloc_trim. The step bounds the cost: a heap walk, and page faults when the memory is used
// again, a handful of times per run.
void ReturnFreedHeapAfterDrop(int64_t usage, std::atomic<int64_t>* high_since_return);

}  // namespace logidata

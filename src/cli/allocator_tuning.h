// How glibc's malloc serves the engine's batch buffers, set per command from its memory budget.
//   Fixed 128 KiB mmap threshold (the default for every command): every buffer over 128 KiB is
//     its own mapping, returned to the kernel when freed, so RSS tracks what is live. glibc would
//     otherwise raise the threshold each time a large block is freed, after which freed buffers
//     stay resident as heap fragments (J7 at --memory 64M: 474 MB RSS with the sliding threshold,
//     340 MB with the fixed one). The price is a page fault and a zeroed page for every 4 KiB of
//     every new buffer: J1z spent ~2.4 s of ~8 s in the kernel.
//   32 MiB threshold when the budget is large (2 GiB or more, as the default of half of RAM is on
//     most machines; a run that asks for tight memory passes less): batch buffers (CSV chunks,
//     columns, Parquet column chunks, up to tens of MB) come from the heap and are reused. J1z,
//     J4 and J7 spend about 1.5 s less in the kernel each, J1z and J6 run in half the time under
//     load, for 6 to 35 % more RSS (J8: 548 -> 630 MB), all under DuckDB's (docs/benchmarks.md)
//     once freed heap pages are returned while blocking operators drain (types/freed_heap.h;
//     J8 then 440 MB). 1 and 4 MiB thresholds kept most of the faults (J1z: 2.1 s of kernel).
//   The server and the workers keep 128 KiB: several runs share their memory.
// Call from the main thread before the run starts.
#pragma once

#include <cstdint>

namespace logidata::cli {

void UseSmallMmapThreshold();
void TuneAllocatorForBudget(int64_t memory_budget_bytes);

}  // namespace logidata::cli

// ParallelFor: runs fn(0) … fn(tasks - 1) on up to `threads` threads, the caller's among them, and
// returns when all have run. Threads are made per call: callers use it for coarse work (a row
// group's columns, a sort's runs), where a thread's start is noise. Thread-safe.
#pragma once

#include <functional>

namespace logidata {

void ParallelFor(int tasks, int threads, const std::function<void(int)>& fn);
// The same, telling `fn` which worker runs the task: 0 (the caller) to threads - 1, one task at a
// time per worker, so a task can use scratch that belongs to its worker.
void ParallelForWithWorker(int tasks, int threads, const std::function<void(int task, int worker)>& fn);

}  // namespace logidata

#include "connectors/http/request_pacer.h"

#include <algorithm>
#include <thread>

namespace logidata {

bool RequestPacer::Wait(const std::atomic<bool>* cancelled) {
  if (per_second_ <= 0) return true;
  using Clock = std::chrono::steady_clock;
  const auto interval = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / per_second_));
  Clock::time_point slot;
  {
    // Reserve the next free slot under the lock, sleep outside it: waiters queue up in slot
    // order without holding each other up.
    std::lock_guard lock(mu_);
    slot = std::max(Clock::now(), next_);
    next_ = slot + interval;
  }
  // Sleep in short steps so a cancelled run does not sit out a long queue.
  while (Clock::now() < slot) {
    if (cancelled != nullptr && cancelled->load(std::memory_order_relaxed)) return false;
    std::this_thread::sleep_until(std::min(slot, Clock::now() + std::chrono::milliseconds(100)));
  }
  return true;
}

}  // namespace logidata

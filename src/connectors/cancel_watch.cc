#include "connectors/cancel_watch.h"

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace logidata {

// The watches and the one thread that polls them. Never destroyed (a static that lives until the
// process ends), so no watch can outlive it and no exit-time ordering matters.
class CancelWatchRegistry {
 public:
  static CancelWatchRegistry& Get() {
    static auto* registry = new CancelWatchRegistry();
    return *registry;
  }

  uint64_t Add(CancelWatch* watch) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!started_) {
      started_ = true;
      std::thread([this] { Loop(); }).detach();
    }
    uint64_t id = ++next_id_;
    watches_[id] = watch;
    return id;
  }

  // Waits while the watch's callback runs, so the callback never outlives its watch.
  void Remove(uint64_t id) {
    std::unique_lock<std::mutex> lock(mu_);
    done_cv_.wait(lock, [&] { return running_ != id; });
    watches_.erase(id);
  }

 private:
  // Callbacks run without mu_ held: a PQcancel to an unreachable server can take seconds, and
  // connections being opened or closed meanwhile must not wait for it.
  void Loop() {
    for (;;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      std::vector<uint64_t> raised;
      {
        std::lock_guard<std::mutex> lock(mu_);
        for (auto& [id, watch] : watches_) {
          if (!watch->fired_.load() && watch->flag_->load(std::memory_order_relaxed)) raised.push_back(id);
        }
      }
      for (uint64_t id : raised) {
        std::function<void()> callback;
        {
          std::lock_guard<std::mutex> lock(mu_);
          auto it = watches_.find(id);
          if (it == watches_.end()) continue;  // removed meanwhile
          it->second->fired_.store(true);
          callback = it->second->on_raise_;
          running_ = id;
        }
        if (callback) callback();
        {
          std::lock_guard<std::mutex> lock(mu_);
          running_ = 0;
        }
        done_cv_.notify_all();
      }
    }
  }

  std::mutex mu_;
  std::condition_variable done_cv_;
  uint64_t running_ = 0;  // the watch whose callback runs now (0: none)
  bool started_ = false;
  uint64_t next_id_ = 0;
  std::map<uint64_t, CancelWatch*> watches_;
};

CancelWatch::CancelWatch(const std::atomic<bool>* flag, std::function<void()> on_raise)
    : flag_(flag), on_raise_(std::move(on_raise)) {
  if (flag_ != nullptr) id_ = CancelWatchRegistry::Get().Add(this);
}

CancelWatch::~CancelWatch() {
  if (id_ != 0) CancelWatchRegistry::Get().Remove(id_);
}

}  // namespace logidata

#include "connectors/cancel_watch.h"

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

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

  // Holding mu_ while callbacks run makes Remove wait for a callback in progress.
  void Remove(uint64_t id) {
    std::lock_guard<std::mutex> lock(mu_);
    watches_.erase(id);
  }

 private:
  void Loop() {
    for (;;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& [id, watch] : watches_) {
        if (watch->fired_.load() || !watch->flag_->load(std::memory_order_relaxed)) continue;
        watch->fired_.store(true);
        if (watch->on_raise_) watch->on_raise_();
      }
    }
  }

  std::mutex mu_;
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

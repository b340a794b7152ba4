#include "server/tenant_call_gate.h"

namespace logidata {

TenantCallGate::Pass::~Pass() {
  if (gate_ == nullptr) return;
  std::lock_guard lock(gate_->mu_);
  auto it = gate_->running_.find(org_);
  if (it != gate_->running_.end() && --it->second <= 0) gate_->running_.erase(it);
}

std::optional<TenantCallGate::Pass> TenantCallGate::Enter(const std::string& org_id) {
  std::lock_guard lock(mu_);
  int& running = running_[org_id];
  if (running >= calls_per_org_) return std::nullopt;
  ++running;
  return Pass(this, org_id);
}

CallDeadline::CallDeadline(std::chrono::milliseconds limit) {
  timer_ = std::thread([this, limit] {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, limit, [this] { return done_; })) expired_.store(true);
  });
}

CallDeadline::~CallDeadline() {
  {
    std::lock_guard lock(mu_);
    done_ = true;
  }
  cv_.notify_all();
  timer_.join();
}

}  // namespace logidata

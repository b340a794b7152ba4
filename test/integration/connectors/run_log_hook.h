// LogHook: a RunObserver that keeps a run's log lines and calls `on_log` for each (on the
// executor's threads), so a test can act at a precise moment of a run — e.g. raise SIGKILL right
// after a load logged its commit. Shared by the CDC and RabbitMQ suites. Thread-safe.
#pragma once

#include <functional>
#include <mutex>
#include <string>

#include "pipeline/run_pipeline.h"

namespace logidata::testing {

class LogHook final : public RunObserver {
 public:
  explicit LogHook(std::function<void(const std::string& node, const std::string& message)> on_log = nullptr)
      : on_log_(std::move(on_log)) {}
  void OnLog(LogLevel, const std::string& node_id, const std::string& message) override {
    std::lock_guard<std::mutex> lock(mu_);
    lines_ += node_id + ": " + message + "\n";
    if (on_log_) on_log_(node_id, message);
  }
  std::string Lines() {
    std::lock_guard<std::mutex> lock(mu_);
    return lines_;
  }

 private:
  std::function<void(const std::string&, const std::string&)> on_log_;
  std::mutex mu_;
  std::string lines_;
};

}  // namespace logidata::testing

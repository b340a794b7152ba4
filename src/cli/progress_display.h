// ProgressDisplay: shows a run's progress on the terminal — a live bar redrawn in place when
// stderr is a terminal — and writes log lines as text or JSON. Thread-safe (executor threads call
// it concurrently).
#pragma once

#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "pipeline/run_pipeline.h"

namespace logidata::cli {

struct ProgressDisplayOptions {
  bool live = true;          // draw the bar (only when stderr is a terminal)
  bool json_logs = false;    // log lines as JSON objects instead of text
  LogLevel min_level = LogLevel::kInfo;
  std::FILE* log_file = nullptr;  // also append JSON log lines here
  std::string run_id;
  std::vector<std::string> node_order;  // for display
};

class ProgressDisplay final : public RunObserver {
 public:
  explicit ProgressDisplay(ProgressDisplayOptions options);
  ~ProgressDisplay() override;

  void OnNodeStatus(const std::string& node_id, NodeStatus status, const std::string& error) override;
  void OnProgress(const std::map<std::string, NodeMetrics>& nodes) override;
  void OnLog(LogLevel level, const std::string& node_id, const std::string& message) override;
  // Removes the live line (call before printing the summary).
  void Finish();

 private:
  void ClearLine();  // REQUIRES: mu_ held
  void WriteLog(LogLevel level, const std::string& node_id, const std::string& message);  // REQUIRES: mu_ held

  ProgressDisplayOptions options_;
  bool tty_;
  std::mutex mu_;
  bool line_shown_ = false;
  int spinner_ = 0;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace logidata::cli

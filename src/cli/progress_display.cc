#include "cli/progress_display.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>

#include <nlohmann/json.hpp>

#include "cli/table_printer.h"

namespace logidata::cli {

namespace {

std::string NowIso() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm;
  gmtime_r(&t, &tm);
  char buf[64];  // room for any int the fields can hold: no truncation
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

int TerminalWidth() {
  struct winsize ws;
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20) return ws.ws_col;
  return 100;
}

std::string ShortCount(int64_t n) {
  char buf[32];
  if (n >= 1'000'000'000) std::snprintf(buf, sizeof buf, "%.2fG", static_cast<double>(n) / 1e9);
  else if (n >= 1'000'000) std::snprintf(buf, sizeof buf, "%.2fM", static_cast<double>(n) / 1e6);
  else if (n >= 10'000) std::snprintf(buf, sizeof buf, "%.1fK", static_cast<double>(n) / 1e3);
  else std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(n));
  return buf;
}

}  // namespace

ProgressDisplay::ProgressDisplay(ProgressDisplayOptions options)
    : options_(std::move(options)), tty_(isatty(STDERR_FILENO) != 0), start_(std::chrono::steady_clock::now()) {}

ProgressDisplay::~ProgressDisplay() { Finish(); }

void ProgressDisplay::ClearLine() {
  if (line_shown_) {
    std::fputs("\r\033[2K", stderr);
    line_shown_ = false;
  }
}

void ProgressDisplay::Finish() {
  std::lock_guard<std::mutex> lock(mu_);
  ClearLine();
  std::fflush(stderr);
}

void ProgressDisplay::WriteLog(LogLevel level, const std::string& node_id, const std::string& message) {
  if (options_.log_file != nullptr || options_.json_logs) {
    nlohmann::json line = {{"ts", NowIso()}, {"level", std::string(LogLevelName(level))}, {"run_id", options_.run_id},
                           {"node", node_id}, {"msg", message}};
    std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    if (options_.log_file != nullptr) {
      std::fputs(text.c_str(), options_.log_file);
      std::fflush(options_.log_file);
    }
    if (options_.json_logs && level >= options_.min_level) {
      ClearLine();
      std::fputs(text.c_str(), stderr);
    }
  }
  if (!options_.json_logs && level >= options_.min_level) {
    ClearLine();
    const char* tag = level == LogLevel::kError ? "error" : level == LogLevel::kWarn ? "warn" : "info";
    std::fprintf(stderr, "%s [%s] %s\n", tag, node_id.empty() ? "run" : node_id.c_str(), message.c_str());
  }
}

void ProgressDisplay::OnLog(LogLevel level, const std::string& node_id, const std::string& message) {
  std::lock_guard<std::mutex> lock(mu_);
  WriteLog(level, node_id, message);
}

void ProgressDisplay::OnNodeStatus(const std::string& node_id, NodeStatus status, const std::string& error) {
  std::lock_guard<std::mutex> lock(mu_);
  if (status == NodeStatus::kFailed) {
    WriteLog(LogLevel::kError, node_id, "failed: " + error);
  } else {
    WriteLog(LogLevel::kDebug, node_id, std::string(NodeStatusName(status)));
  }
}

void ProgressDisplay::OnProgress(const std::map<std::string, NodeMetrics>& nodes) {
  if (!tty_ || !options_.live) return;
  std::lock_guard<std::mutex> lock(mu_);
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  // Overall fraction: the mean over sources that know theirs.
  double sum = 0;
  int known = 0;
  for (const auto& [id, m] : nodes) {
    if (m.progress >= 0) {
      sum += std::min(1.0, m.progress);
      ++known;
    }
  }
  static const char* kSpin[] = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};
  std::string line = std::string(kSpin[spinner_++ % 10]) + " " + FormatSeconds(elapsed) + " ";
  if (known > 0) {
    double fraction = sum / known;
    const int width = 24;
    int filled = static_cast<int>(fraction * width);
    line += "[" + std::string(static_cast<size_t>(filled), '#') + std::string(static_cast<size_t>(width - filled), '-') + "] ";
    char pct[16];
    std::snprintf(pct, sizeof pct, "%3.0f%% ", fraction * 100);
    line += pct;
  }
  std::vector<std::string> order = options_.node_order;
  if (order.empty()) {
    for (const auto& [id, m] : nodes) order.push_back(id);
  }
  for (const auto& id : order) {
    auto it = nodes.find(id);
    if (it == nodes.end() || it->second.status == NodeStatus::kPending) continue;
    const NodeMetrics& m = it->second;
    const char* mark = m.status == NodeStatus::kSucceeded ? "✓" : m.status == NodeStatus::kFailed ? "✗" : "";
    line += " " + id + mark + " " + ShortCount(m.rows_out > 0 ? m.rows_out : m.rows_in);
  }
  // Cut to the terminal width (counting code points).
  int width = TerminalWidth() - 1;
  std::string cut;
  int w = 0;
  for (unsigned char c : line) {
    if ((c & 0xC0) != 0x80 && ++w > width) break;
    cut.push_back(static_cast<char>(c));
  }
  std::fprintf(stderr, "\r\033[2K%s", cut.c_str());
  std::fflush(stderr);
  line_shown_ = true;
}

}  // namespace logidata::cli

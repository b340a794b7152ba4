// TablePrinter: aligned plain-text tables for the terminal (run summaries, previews).
// Not thread-safe.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace logidata::cli {

class TablePrinter {
 public:
  explicit TablePrinter(std::vector<std::string> headers, std::vector<bool> right_aligned = {});
  void AddRow(std::vector<std::string> cells);
  // Cells wider than `max_width` display characters are cut with "…".
  void Print(std::ostream& out, size_t max_width = 40) const;

 private:
  std::vector<std::string> headers_;
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

// "1.2 GB", "3.4 MB", "512 B"
std::string FormatBytes(int64_t bytes);
// "12,345,678"
std::string FormatCount(int64_t n);
// "850 ms", "3.21 s", "2m 05s"
std::string FormatSeconds(double seconds);

}  // namespace logidata::cli

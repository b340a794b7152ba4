#include "cli/table_printer.h"

#include <algorithm>
#include <cstdio>

namespace logidata::cli {

namespace {

// Display width of UTF-8 text (code points; good enough for tables).
size_t Width(const std::string& s) {
  size_t w = 0;
  for (unsigned char c : s) w += (c & 0xC0) != 0x80;
  return w;
}

std::string Fit(const std::string& s, size_t max_width) {
  std::string clean;
  for (char c : s) clean.push_back(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
  if (Width(clean) <= max_width) return clean;
  std::string out;
  size_t w = 0;
  for (size_t i = 0; i < clean.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(clean[i]);
    if ((c & 0xC0) != 0x80) {
      if (w + 1 >= max_width) break;
      ++w;
    }
    out.push_back(clean[i]);
  }
  return out + "…";
}

}  // namespace

TablePrinter::TablePrinter(std::vector<std::string> headers, std::vector<bool> right_aligned)
    : headers_(std::move(headers)), right_(std::move(right_aligned)) {
  right_.resize(headers_.size(), false);
}

void TablePrinter::AddRow(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

void TablePrinter::Print(std::ostream& out, size_t max_width) const {
  std::vector<size_t> widths(headers_.size());
  for (size_t c = 0; c < headers_.size(); ++c) widths[c] = Width(Fit(headers_[c], max_width));
  for (const auto& row : rows_) {
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], Width(Fit(row[c], max_width)));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t c = 0; c < cells.size(); ++c) {
      std::string cell = Fit(cells[c], max_width);
      std::string pad(widths[c] - Width(cell), ' ');
      if (c > 0) out << "  ";
      out << (right_[c] ? pad + cell : cell + (c + 1 < cells.size() ? pad : ""));
    }
    out << "\n";
  };
  line(headers_);
  std::vector<std::string> rule;
  for (size_t w : widths) rule.push_back(std::string(w, '-'));
  line(rule);
  for (const auto& row : rows_) line(row);
}

std::string FormatBytes(int64_t bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  return buf;
}

std::string FormatCount(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return n < 0 ? "-" + out : out;
}

std::string FormatSeconds(double seconds) {
  char buf[32];
  if (seconds < 1) std::snprintf(buf, sizeof buf, "%.0f ms", seconds * 1000);
  else if (seconds < 60) std::snprintf(buf, sizeof buf, "%.2f s", seconds);
  else std::snprintf(buf, sizeof buf, "%dm %02ds", static_cast<int>(seconds) / 60, static_cast<int>(seconds) % 60);
  return buf;
}

}  // namespace logidata::cli

#include "types/schema.h"

#include <algorithm>

namespace logidata {

int Schema::FieldIndex(std::string_view name) const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

namespace {
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (std::tolower(a[i - 1]) == std::tolower(b[j - 1]) ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}
}  // namespace

Result<int> Schema::RequireField(std::string_view name) const {
  int idx = FieldIndex(name);
  if (idx >= 0) return idx;
  std::string msg = "column '" + std::string(name) + "' does not exist";
  const Field* best = nullptr;
  size_t best_distance = 3;
  for (const auto& f : fields_) {
    size_t d = EditDistance(name, f.name);
    if (d < best_distance) { best_distance = d; best = &f; }
  }
  if (best != nullptr) msg += " (did you mean '" + best->name + "'?)";
  msg += "; available: ";
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (i > 0) msg += ", ";
    msg += fields_[i].name;
  }
  return Status::NotFound(msg);
}

std::vector<std::string> Schema::FieldNames() const {
  std::vector<std::string> names;
  names.reserve(fields_.size());
  for (const auto& f : fields_) names.push_back(f.name);
  return names;
}

std::string Schema::ToString() const {
  std::string out;
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (i > 0) out += ", ";
    out += fields_[i].name + ": " + fields_[i].type.ToString();
  }
  return out;
}

std::string Schema::ToJson() const {
  std::string out = "[";
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (i > 0) out += ",";
    std::string escaped;
    for (char c : fields_[i].name) {
      if (c == '"' || c == '\\') escaped.push_back('\\');
      escaped.push_back(c);
    }
    out += "{\"name\":\"" + escaped + "\",\"type\":\"" + fields_[i].type.ToString() +
           "\",\"nullable\":" + (fields_[i].nullable ? "true" : "false") + "}";
  }
  return out + "]";
}

}  // namespace logidata

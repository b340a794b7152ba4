#include "formats/json/unknown_keys.h"

namespace logidata {

void UnknownKeys::Merge(const UnknownKeys& other) {
  for (const Key& k : other.keys_) {
    bool found = false;
    for (Key& mine : keys_) {
      if (mine.name == k.name) {
        mine.records += k.records;
        if (k.position < mine.position) {
          mine.first = k.first;
          mine.position = k.position;
        }
        found = true;
        break;
      }
    }
    if (found) continue;
    if (keys_.size() < kMaxNames) {
      keys_.push_back(k);
    } else {
      other_records_ += k.records;
    }
  }
  other_records_ += other.other_records_;
}

std::string UnknownKeys::Message(int64_t infer_rows) const {
  std::string out = std::to_string(keys_.size()) + (keys_.size() == 1 ? " field" : " fields") + " not in the schema inferred from ";
  out += infer_rows > 0 ? "the first " + std::to_string(infer_rows) + " records" : "the sampled records";
  out += keys_.size() == 1 ? " was not read: " : " were not read: ";
  for (size_t i = 0; i < keys_.size(); ++i) {
    const Key& k = keys_[i];
    if (i > 0) out += ", ";
    out += "'" + k.name + "' (first at " + k.first + ", in " + std::to_string(k.records) +
           (k.records == 1 ? " record)" : " records)");
  }
  if (other_records_ > 0) out += ", and more names in " + std::to_string(other_records_) + " records";
  return out + "; name them in `columns` with a type, or raise `infer_rows`";
}

}  // namespace logidata

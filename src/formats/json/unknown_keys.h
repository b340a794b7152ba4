// UnknownKeys: the fields of JSON records that are not columns of the schema inferred from the
// first `infer_rows` records — fields that first appear later in the data or in another file.
// The readers cannot add columns once batches are out, so they collect these names, where each
// was first seen and in how many records, and the run log reports them instead of dropping them
// silently. Thread-compatible: each decoding thread fills its own and merges it under the
// operator's lock.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace logidata {

class UnknownKeys {
 public:
  static constexpr size_t kMaxNames = 20;  // names kept; more are counted only

  // Notes one record holding field `name` at `position` (any number that grows in data order:
  // merged parts keep the earliest location). `where` is called for the location ("path:line")
  // only the first time this part notes a name, so callers pay for locating once per name.
  template <typename Where>
  void Add(std::string_view name, uint64_t position, Where&& where) {
    for (Key& k : keys_) {
      if (k.name == name) {
        ++k.records;
        return;
      }
    }
    if (keys_.size() >= kMaxNames) {
      ++other_records_;
      return;
    }
    keys_.push_back({std::string(name), where(), position, 1});
  }
  void Merge(const UnknownKeys& other);
  bool empty() const { return keys_.empty(); }
  // The warning for the run log: "2 fields not in the schema inferred from the first 100 records
  // were not read: 'coupon' (first at a.json:4001, in 2 records), …; name them in `columns` with a
  // type, or raise `infer_rows`". `infer_rows` <= 0: the sample size is not named.
  std::string Message(int64_t infer_rows) const;

 private:
  struct Key {
    std::string name;
    std::string first;  // path:line where a record first held it
    uint64_t position = 0;  // of `first`
    int64_t records = 0;
  };
  std::vector<Key> keys_;
  int64_t other_records_ = 0;  // records holding names beyond kMaxNames
};

}  // namespace logidata

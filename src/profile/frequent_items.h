// Frequent items (Misra–Gries with batched decrements, as in Apache DataSketches' frequent
// items sketch): the most common values of a stream with counts that are never over-estimated
// and under-estimated by at most max_error() <= n / (capacity / 2). Values with no more than
// capacity/2 distinct keys are counted exactly (max_error() == 0).
// Items are keyed by a 64-bit hash of the value; the value itself (text, or the raw bytes of a
// fixed-width value) is stored once, when the key enters the table. When the table is full,
// the median count is subtracted from every counter and the counters at or below zero are
// dropped, so each purge frees half the table (amortised O(1) per value). Merging adds the
// counters and the errors, then purges: the result obeys the same bound for the combined stream
// (Agarwal et al., "Mergeable summaries", 2012).
// Not thread-safe: one sketch per thread, merged at the end.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace logidata::profile {

class FrequentItems {
 public:
  static constexpr size_t kDefaultCapacity = 128;

  struct Item {
    uint64_t key = 0;
    int64_t count = 0;              // lower bound of the true count
    std::string text;               // the value, for text keys
    std::array<uint8_t, 16> raw{};  // the value, for fixed-width keys
  };

  // REQUIRES: capacity is a power of two >= 4.
  explicit FrequentItems(size_t capacity = kDefaultCapacity);

  // Counts one occurrence of a text value with hash `key`.
  void AddText(uint64_t key, std::string_view text) {
    ++total_;
    if (Slot* slot = Find(key)) {
      ++slot->count;
      return;
    }
    texts_[Insert(key, 1)->payload].assign(text);
  }
  // Counts one occurrence of a fixed-width value (its bytes, up to 16).
  void AddRaw(uint64_t key, const void* bytes, size_t size);
  // Counts one more occurrence of `key` if it is tracked; false when it is not (then the caller
  // must call AddText with the value, which it may need to compute first).
  bool Bump(uint64_t key) {
    Slot* slot = Find(key);
    if (slot == nullptr) return false;
    ++slot->count;
    ++total_;
    return true;
  }

  void Merge(const FrequentItems& other);

  // The tracked items, most frequent first (ties: by key, for a stable order), at most `limit`.
  std::vector<Item> Top(size_t limit) const;
  // How much any count may fall short of the truth (0 = exact).
  int64_t max_error() const { return offset_; }
  int64_t total() const { return total_; }

 private:
  // Slots hold plain numbers so that purges move 24 bytes per item; the values sit in payload
  // pools whose strings keep their buffers for the next value.
  struct Slot {
    uint64_t key = 0;  // 0: empty (key 0 is stored as 1)
    int64_t count = 0;
    uint32_t payload = 0;
  };

  static uint64_t Key(uint64_t key) { return key == 0 ? 1 : key; }
  Slot* Find(uint64_t key) {
    key = Key(key);
    const size_t mask = slots_.size() - 1;
    for (size_t i = key & mask;; i = (i + 1) & mask) {
      if (slots_[i].key == key) return &slots_[i];
      if (slots_[i].key == 0) return nullptr;
    }
  }
  // Adds `key` with `count` and a free payload (purging first when full). REQUIRES: key not tracked.
  Slot* Insert(uint64_t key, int64_t count);
  Slot* Place(const Slot& slot);
  void Purge();

  size_t capacity_;            // the most items tracked at once
  std::vector<Slot> slots_;    // open addressing, 2 × capacity slots
  std::vector<Slot> scratch_;  // reused by Purge
  std::vector<int64_t> counts_scratch_;
  std::vector<std::string> texts_;
  std::vector<std::array<uint8_t, 16>> raws_;
  std::vector<uint32_t> free_payloads_;
  size_t size_ = 0;
  int64_t offset_ = 0;  // the sum of the decrements so far
  int64_t total_ = 0;   // values counted
};

}  // namespace logidata::profile

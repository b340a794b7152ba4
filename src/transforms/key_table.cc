#include "transforms/key_table.h"

#include <cstring>

namespace logidata {

namespace {

constexpr size_t kInitialSlots = 1024;
// How far ahead batch lookups prefetch slots. (Also prefetching the key a slot points to needs a
// demand load of the slot, which measured slower.)
constexpr int64_t kSlotDistance = 32;

inline uint32_t Tag(uint64_t hash) { return static_cast<uint32_t>(hash >> 32); }

// Equality of two short byte strings of length n without a libc call (keys are mostly < 32 bytes).
inline bool BytesEqual(const char* a, const char* b, size_t n) {
  if (n >= 8) {
    uint64_t x, y;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      std::memcpy(&x, a + i, 8);
      std::memcpy(&y, b + i, 8);
      if (x != y) return false;
    }
    if (i == n) return true;
    std::memcpy(&x, a + n - 8, 8);
    std::memcpy(&y, b + n - 8, 8);
    return x == y;
  }
  if (n >= 4) {
    uint32_t x, y, z, w;
    std::memcpy(&x, a, 4);
    std::memcpy(&y, b, 4);
    std::memcpy(&z, a + n - 4, 4);
    std::memcpy(&w, b + n - 4, 4);
    return x == y && z == w;
  }
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace

KeyTable::KeyTable() { Clear(); }

void KeyTable::Clear() {
  slots_.assign(kInitialSlots, Slot{0, 0, 0});
  slots_.shrink_to_fit();
  mask_ = kInitialSlots - 1;
  arena_.clear();
  arena_.shrink_to_fit();
  key_offsets_.assign(1, 0);
  key_offsets_.shrink_to_fit();
  hashes_.clear();
  hashes_.shrink_to_fit();
}

int64_t KeyTable::MemoryBytes() const {
  return static_cast<int64_t>(slots_.capacity() * sizeof(Slot) + arena_.capacity() + key_offsets_.capacity() * 8 +
                              hashes_.capacity() * 8);
}

inline bool KeyTable::Matches(const Slot& s, std::string_view key) const {
  const uint64_t offset = s.where >> 24;
  uint64_t len = s.where & kLongKey;
  if (len == kLongKey) len = key_offsets_[s.group] - key_offsets_[s.group - 1];
  return len == key.size() && BytesEqual(arena_.data() + offset, key.data(), len);
}

void KeyTable::Grow() {
  std::vector<Slot, HugePageAllocator<Slot>> old;
  old.swap(slots_);
  slots_.assign(old.size() * 2, Slot{0, 0, 0});
  mask_ = slots_.size() - 1;
  for (const Slot& o : old) {
    if (o.group == 0) continue;
    size_t s = hashes_[o.group - 1] & mask_;
    while (slots_[s].group != 0) s = (s + 1) & mask_;
    slots_[s] = o;
  }
}

uint32_t KeyTable::Insert(std::string_view key, uint64_t hash, size_t slot) {
  const uint32_t group = static_cast<uint32_t>(hashes_.size());
  const uint64_t offset = arena_.size();
  const uint64_t len = key.size() < kLongKey ? key.size() : kLongKey;
  slots_[slot] = Slot{Tag(hash), group + 1, offset << 24 | len};
  arena_.insert(arena_.end(), key.begin(), key.end());
  key_offsets_.push_back(arena_.size());
  hashes_.push_back(hash);
  // Load factor at most 1/2 keeps probe sequences short.
  if (hashes_.size() * 2 > slots_.size()) Grow();
  return group;
}

uint32_t KeyTable::FindOrInsert(std::string_view key, uint64_t hash) {
  size_t s = hash & mask_;
  const uint32_t tag = Tag(hash);
  while (true) {
    const Slot& e = slots_[s];
    if (e.group == 0) return Insert(key, hash, s);
    if (e.tag == tag && Matches(e, key)) return e.group - 1;
    s = (s + 1) & mask_;
  }
}

int32_t KeyTable::Find(std::string_view key, uint64_t hash) const {
  size_t s = hash & mask_;
  const uint32_t tag = Tag(hash);
  while (true) {
    const Slot& e = slots_[s];
    if (e.group == 0) return -1;
    if (e.tag == tag && Matches(e, key)) return static_cast<int32_t>(e.group - 1);
    s = (s + 1) & mask_;
  }
}

inline void KeyTable::Prefetch(const EncodedKeys& keys, int64_t i) const {
  const int64_t n = keys.size();
  if (i + kSlotDistance < n) __builtin_prefetch(&slots_[keys.hashes[static_cast<size_t>(i + kSlotDistance)] & mask_]);
}

void KeyTable::FindOrInsert(const EncodedKeys& keys, uint32_t* groups) {
  const int64_t n = keys.size();
  const uint64_t* hashes = keys.hashes.data();
  for (int64_t i = 0; i < n; ++i) {
    Prefetch(keys, i);
    groups[i] = FindOrInsert(keys.key(i), hashes[i]);
  }
}

void KeyTable::Find(const EncodedKeys& keys, int32_t* groups) const {
  const int64_t n = keys.size();
  const uint64_t* hashes = keys.hashes.data();
  for (int64_t i = 0; i < n; ++i) {
    Prefetch(keys, i);
    groups[i] = Find(keys.key(i), hashes[i]);
  }
}

}  // namespace logidata

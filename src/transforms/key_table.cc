#include "transforms/key_table.h"

#include <cstring>

namespace logidata {

namespace {
constexpr size_t kInitialSlots = 1024;
inline uint64_t Tag(uint64_t hash) { return hash & 0xffffffff00000000ULL; }

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
  slots_.assign(kInitialSlots, 0);
  mask_ = kInitialSlots - 1;
  arena_.clear();
  key_offsets_.assign(1, 0);
  hashes_.clear();
}

int64_t KeyTable::MemoryBytes() const {
  return static_cast<int64_t>(slots_.capacity() * 8 + arena_.capacity() + key_offsets_.capacity() * 8 +
                              hashes_.capacity() * 8);
}

void KeyTable::Grow() {
  const size_t capacity = slots_.size() * 2;
  slots_.assign(capacity, 0);
  mask_ = capacity - 1;
  for (size_t g = 0; g < hashes_.size(); ++g) {
    size_t s = hashes_[g] & mask_;
    while (slots_[s] != 0) s = (s + 1) & mask_;
    slots_[s] = Tag(hashes_[g]) | (g + 1);
  }
}

uint32_t KeyTable::Insert(std::string_view key, uint64_t hash, size_t slot) {
  const uint32_t group = static_cast<uint32_t>(hashes_.size());
  slots_[slot] = Tag(hash) | (static_cast<uint64_t>(group) + 1);
  arena_.insert(arena_.end(), key.begin(), key.end());
  key_offsets_.push_back(arena_.size());
  hashes_.push_back(hash);
  // Load factor at most 1/2 keeps probe sequences short.
  if (hashes_.size() * 2 > slots_.size()) Grow();
  return group;
}

uint32_t KeyTable::FindOrInsert(std::string_view key, uint64_t hash) {
  size_t s = hash & mask_;
  const uint64_t tag = Tag(hash);
  while (true) {
    uint64_t e = slots_[s];
    if (e == 0) return Insert(key, hash, s);
    if ((e & 0xffffffff00000000ULL) == tag) {
      uint32_t g = static_cast<uint32_t>(e) - 1;
      const uint64_t b = key_offsets_[g];
      const uint64_t len = key_offsets_[g + 1] - b;
      if (len == key.size() && BytesEqual(arena_.data() + b, key.data(), len)) return g;
    }
    s = (s + 1) & mask_;
  }
}

int32_t KeyTable::Find(std::string_view key, uint64_t hash) const {
  size_t s = hash & mask_;
  const uint64_t tag = Tag(hash);
  while (true) {
    uint64_t e = slots_[s];
    if (e == 0) return -1;
    if ((e & 0xffffffff00000000ULL) == tag) {
      uint32_t g = static_cast<uint32_t>(e) - 1;
      const uint64_t b = key_offsets_[g];
      const uint64_t len = key_offsets_[g + 1] - b;
      if (len == key.size() && BytesEqual(arena_.data() + b, key.data(), len)) return static_cast<int32_t>(g);
    }
    s = (s + 1) & mask_;
  }
}

void KeyTable::FindOrInsert(const EncodedKeys& keys, uint32_t* groups) {
  const int64_t n = keys.size();
  const uint64_t* hashes = keys.hashes.data();
  for (int64_t i = 0; i < n; ++i) {
    if (i + 8 < n) __builtin_prefetch(&slots_[hashes[i + 8] & mask_]);
    groups[i] = FindOrInsert(keys.key(i), hashes[i]);
  }
}

void KeyTable::Find(const EncodedKeys& keys, int32_t* groups) const {
  const int64_t n = keys.size();
  const uint64_t* hashes = keys.hashes.data();
  for (int64_t i = 0; i < n; ++i) {
    if (i + 8 < n) __builtin_prefetch(&slots_[hashes[i + 8] & mask_]);
    groups[i] = Find(keys.key(i), hashes[i]);
  }
}

}  // namespace logidata

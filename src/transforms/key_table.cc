#include "transforms/key_table.h"

#include <cstring>

namespace logidata {

namespace {
constexpr size_t kInitialSlots = 1024;
inline uint64_t Tag(uint64_t hash) { return hash & 0xffffffff00000000ULL; }
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
      if (len == key.size() && std::memcmp(arena_.data() + b, key.data(), len) == 0) return g;
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
      if (len == key.size() && std::memcmp(arena_.data() + b, key.data(), len) == 0) return static_cast<int32_t>(g);
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

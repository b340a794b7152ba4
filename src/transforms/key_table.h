// KeyTable: an open-addressing hash table from encoded keys (see key_encoder.h) to dense group
// ids 0, 1, 2… in insertion order. Keys live in one contiguous arena; each 16-byte slot holds a
// 32-bit hash tag, the group id and the key's arena position and length, so a probe touches one
// slot and one key — and batch lookups prefetch slots ahead of time. The building block of the
// group-by, join and dedupe operators. Not thread-safe: one table per thread, merged by the
// caller.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "transforms/huge_page_allocator.h"
#include "transforms/key_encoder.h"

namespace logidata {

class KeyTable {
 public:
  KeyTable();

  int64_t size() const { return static_cast<int64_t>(hashes_.size()); }
  std::string_view key(int64_t group) const {
    return {arena_.data() + key_offsets_[static_cast<size_t>(group)],
            static_cast<size_t>(key_offsets_[static_cast<size_t>(group) + 1] - key_offsets_[static_cast<size_t>(group)])};
  }
  uint64_t hash(int64_t group) const { return hashes_[static_cast<size_t>(group)]; }

  // Group id of every key in `keys`, inserting new keys.
  void FindOrInsert(const EncodedKeys& keys, uint32_t* groups);
  uint32_t FindOrInsert(std::string_view key, uint64_t hash);
  // Group id of every key, or -1 when absent.
  void Find(const EncodedKeys& keys, int32_t* groups) const;
  int32_t Find(std::string_view key, uint64_t hash) const;

  // Bytes held (slots, arena, hashes).
  int64_t MemoryBytes() const;
  void Clear();

 private:
  struct Slot {
    uint32_t tag;     // high 32 bits of the hash
    uint32_t group;   // group id + 1; 0 = empty
    uint64_t where;   // arena offset << 24 | min(length, kLongKey)
  };
  static constexpr uint64_t kLongKey = (1u << 24) - 1;  // longer keys: length from key_offsets_

  void Grow();
  uint32_t Insert(std::string_view key, uint64_t hash, size_t slot);
  bool Matches(const Slot& s, std::string_view key) const;
  void Prefetch(const EncodedKeys& keys, int64_t i) const;

  std::vector<Slot, HugePageAllocator<Slot>> slots_;
  uint64_t mask_ = 0;
  std::vector<char, HugePageAllocator<char>> arena_;
  std::vector<uint64_t, HugePageAllocator<uint64_t>> key_offsets_;
  std::vector<uint64_t, HugePageAllocator<uint64_t>> hashes_;
};

}  // namespace logidata

// Buffer: a 64-byte-aligned, growable block of memory, or a read-only view of memory owned by
// someone else (an imported Arrow array, a memory-mapped file). Every owned allocation is counted
// by the process-wide MemoryTracker so runs can report peak memory and enforce budgets.
// A Buffer is mutated only by its builder; once shared (inside a Column) it is immutable and may
// be read from any thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

namespace logidata {

// Process-wide counters of bytes held by Buffers. Thread-safe.
class MemoryTracker {
 public:
  static void Allocated(int64_t bytes);
  static void Freed(int64_t bytes);
  static int64_t CurrentBytes();
  static int64_t PeakBytes();
  // Starts a new peak measurement from the current usage.
  static void ResetPeak();
};

class Buffer {
 public:
  static constexpr size_t kAlignment = 64;

  Buffer() = default;
  explicit Buffer(size_t capacity) { Reserve(capacity); }
  ~Buffer();
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  // Wraps foreign memory without copying; `owner` keeps it alive. The result is read-only.
  static std::shared_ptr<Buffer> Wrap(const void* data, size_t size, std::shared_ptr<void> owner);
  // Copies `size` bytes into a new owned buffer.
  static std::shared_ptr<Buffer> CopyOf(const void* data, size_t size);

  const uint8_t* data() const { return data_; }
  // REQUIRES: the buffer is owned (not Wrap()ed).
  uint8_t* mutable_data() { return data_; }
  template <typename T> const T* data_as() const { return reinterpret_cast<const T*>(data_); }
  template <typename T> T* mutable_data_as() { return reinterpret_cast<T*>(data_); }

  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  bool owned() const { return owner_ == nullptr; }

  // Grows capacity to at least `capacity` bytes (rounded up, amortised doubling).
  void Reserve(size_t capacity);
  // Sets the size, growing if needed; new bytes are zeroed when `zero_fill`.
  void Resize(size_t size, bool zero_fill = false);
  void Append(const void* bytes, size_t n) {
    if (n == 0) return;  // memcpy with a null destination is undefined even for zero bytes
    if (size_ + n > capacity_) Reserve(size_ + n);
    std::memcpy(data_ + size_, bytes, n);
    size_ += n;
  }
  // Returns memory beyond size() to the allocator when it is large.
  void ShrinkToFit();

 private:
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
  std::shared_ptr<void> owner_;  // non-null for wrapped memory
};

using BufferPtr = std::shared_ptr<Buffer>;

// Bit helpers for validity bitmaps and bool columns (Arrow: LSB first, 1 = valid/true).
inline bool GetBit(const uint8_t* bits, int64_t i) { return (bits[i >> 3] >> (i & 7)) & 1; }
inline void SetBit(uint8_t* bits, int64_t i) { bits[i >> 3] |= static_cast<uint8_t>(1u << (i & 7)); }
inline void ClearBit(uint8_t* bits, int64_t i) { bits[i >> 3] &= static_cast<uint8_t>(~(1u << (i & 7))); }
inline void SetBitTo(uint8_t* bits, int64_t i, bool v) {
  bits[i >> 3] = static_cast<uint8_t>((bits[i >> 3] & ~(1u << (i & 7))) | (static_cast<unsigned>(v) << (i & 7)));
}
inline int64_t BitmapBytes(int64_t bits) { return (bits + 7) / 8; }
int64_t CountSetBits(const uint8_t* bits, int64_t length);

}  // namespace logidata

#include "types/buffer.h"

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <new>

namespace logidata {

namespace {
std::atomic<int64_t> g_current{0};
std::atomic<int64_t> g_peak{0};
}  // namespace

void MemoryTracker::Allocated(int64_t bytes) {
  int64_t now = g_current.fetch_add(bytes, std::memory_order_relaxed) + bytes;
  int64_t peak = g_peak.load(std::memory_order_relaxed);
  while (now > peak && !g_peak.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
}
void MemoryTracker::Freed(int64_t bytes) { g_current.fetch_sub(bytes, std::memory_order_relaxed); }
int64_t MemoryTracker::CurrentBytes() { return g_current.load(std::memory_order_relaxed); }
int64_t MemoryTracker::PeakBytes() { return g_peak.load(std::memory_order_relaxed); }
void MemoryTracker::ResetPeak() { g_peak.store(g_current.load(std::memory_order_relaxed), std::memory_order_relaxed); }

Buffer::~Buffer() {
  if (owner_ == nullptr && data_ != nullptr) {
    std::free(data_);
    MemoryTracker::Freed(static_cast<int64_t>(capacity_));
  }
}

std::shared_ptr<Buffer> Buffer::Wrap(const void* data, size_t size, std::shared_ptr<void> owner) {
  auto buffer = std::make_shared<Buffer>();
  buffer->data_ = const_cast<uint8_t*>(static_cast<const uint8_t*>(data));
  buffer->size_ = size;
  buffer->capacity_ = size;
  buffer->owner_ = owner ? std::move(owner) : std::make_shared<int>(0);
  return buffer;
}

std::shared_ptr<Buffer> Buffer::CopyOf(const void* data, size_t size) {
  auto buffer = std::make_shared<Buffer>(size);
  if (size > 0) buffer->Append(data, size);
  return buffer;
}

void Buffer::Reserve(size_t capacity) {
  if (capacity <= capacity_) return;
  if (owner_ != nullptr) std::abort();  // wrapped buffers are read-only
  size_t grown = std::max<size_t>(capacity, capacity_ + capacity_ / 2);
  grown = (grown + kAlignment - 1) / kAlignment * kAlignment;
  if (grown == 0) grown = kAlignment;
  auto* fresh = static_cast<uint8_t*>(std::aligned_alloc(kAlignment, grown));
  if (fresh == nullptr) throw std::bad_alloc();
  if (data_ != nullptr) {
    std::memcpy(fresh, data_, size_);
    std::free(data_);
    MemoryTracker::Freed(static_cast<int64_t>(capacity_));
  }
  MemoryTracker::Allocated(static_cast<int64_t>(grown));
  data_ = fresh;
  capacity_ = grown;
}

void Buffer::Resize(size_t size, bool zero_fill) {
  if (size > capacity_) Reserve(size);
  if (zero_fill && size > size_) std::memset(data_ + size_, 0, size - size_);
  size_ = size;
}

void Buffer::ShrinkToFit() {
  if (owner_ != nullptr || capacity_ - size_ < 4096) return;
  size_t want = std::max<size_t>((size_ + kAlignment - 1) / kAlignment * kAlignment, kAlignment);
  auto* fresh = static_cast<uint8_t*>(std::aligned_alloc(kAlignment, want));
  if (fresh == nullptr) return;
  std::memcpy(fresh, data_, size_);
  std::free(data_);
  MemoryTracker::Freed(static_cast<int64_t>(capacity_));
  MemoryTracker::Allocated(static_cast<int64_t>(want));
  data_ = fresh;
  capacity_ = want;
}

int64_t CountSetBits(const uint8_t* bits, int64_t length) {
  int64_t count = 0;
  int64_t full_words = length / 64;
  for (int64_t w = 0; w < full_words; ++w) {
    uint64_t word;
    std::memcpy(&word, bits + w * 8, 8);
    count += std::popcount(word);
  }
  for (int64_t i = full_words * 64; i < length; ++i) count += GetBit(bits, i);
  return count;
}

}  // namespace logidata

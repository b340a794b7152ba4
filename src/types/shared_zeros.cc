#include "types/shared_zeros.h"

#include <sys/mman.h>

namespace logidata {

namespace {

// 256 MiB of address space: the buffers of an all-NULL column of up to 16M rows (the widest
// value is 16 bytes). Mapped PROT_READ, so a write through a wrongly shared column faults instead
// of corrupting every NULL column in the process.
constexpr size_t kRegionBytes = size_t{256} << 20;

struct Region {
  const uint8_t* data = nullptr;
  std::shared_ptr<void> keep_alive = std::make_shared<int>(0);  // Wrap() needs an owner; the region is never unmapped
  Region() {
    void* p = mmap(nullptr, kRegionBytes, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p != MAP_FAILED) data = static_cast<const uint8_t*>(p);
  }
};

const Region& TheRegion() {
  static const Region region;
  return region;
}

}  // namespace

ColumnPtr SharedZerosNullColumn(const DataType& type, int64_t length) {
  const Region& region = TheRegion();
  if (region.data == nullptr || length < 0) return nullptr;
  // Values of the widest type (16-byte decimals) or string offsets (length + 1), whichever is larger.
  const size_t needed = static_cast<size_t>(length + 1) * 16;
  if (needed > kRegionBytes) return nullptr;
  if (type.id == TypeId::kNull) return Column::MakeNull(type, length);
  auto zeros = Buffer::Wrap(region.data, needed, region.keep_alive);
  BufferPtr data = type.IsVarLength() ? Buffer::Wrap(region.data, 0, region.keep_alive) : nullptr;
  return std::make_shared<const Column>(type, length, zeros, zeros, std::move(data), length);
}

bool IsSharedZeros(const Buffer& buffer) {
  const Region& region = TheRegion();
  return region.data != nullptr && buffer.data() >= region.data && buffer.data() < region.data + kRegionBytes;
}

}  // namespace logidata

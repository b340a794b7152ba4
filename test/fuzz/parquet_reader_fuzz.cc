// Fuzzes the Parquet reader on arbitrary bytes. Two modes, chosen by the first byte:
//   even: the bytes are a whole file — footer, schema, every column chunk decoded;
//   odd:  the bytes after a 5-byte prefix are one column chunk (page headers, levels, values)
//         decoded as a leaf whose physical type, levels and codec the prefix picks.
// Any outcome but a crash, a sanitizer report or a hang is fine.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "formats/parquet/column_chunk_reader.h"
#include "formats/parquet/column_converter.h"
#include "formats/parquet/parquet_reader.h"

namespace {

using namespace logidata;

class MemoryFile : public RandomAccessFile {
 public:
  MemoryFile(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  Result<int64_t> Size() override { return static_cast<int64_t>(size_); }
  Result<BufferPtr> ReadAt(int64_t offset, int64_t length) override {
    if (offset < 0 || length < 0) return Status::InvalidArgument("negative read");
    if (static_cast<size_t>(offset) >= size_) return std::make_shared<Buffer>();
    size_t n = std::min(static_cast<size_t>(length), size_ - static_cast<size_t>(offset));
    return Buffer::CopyOf(data_ + offset, n);
  }
  const std::string& path() const override { return path_; }

 private:
  const uint8_t* data_;
  size_t size_;
  std::string path_ = "fuzz.parquet";
};

void FuzzFile(const uint8_t* data, size_t size) {
  auto reader = parquet::ParquetReader::Open(std::make_unique<MemoryFile>(data, size));
  if (!reader.ok()) return;
  for (int g = 0; g < (*reader)->num_row_groups() && g < 8; ++g) {
    (void)(*reader)->ReadRowGroup(g);
    for (int c = 0; c < (*reader)->schema()->num_fields(); ++c) (void)(*reader)->Statistics(g, c);
  }
}

void FuzzChunk(const uint8_t* data, size_t size) {
  if (size < 5) return;
  static const parquet::Conversion kConversions[] = {
      parquet::Conversion::kBool, parquet::Conversion::kInt32, parquet::Conversion::kInt64,
      parquet::Conversion::kInt96Timestamp, parquet::Conversion::kFloatToDouble, parquet::Conversion::kDouble,
      parquet::Conversion::kString, parquet::Conversion::kDecimalBytes};
  parquet::LeafColumn leaf;
  int t = data[1] % 8;
  leaf.physical = static_cast<pq::Type::type>(t);
  leaf.type_length = 1 + data[2] % 16;
  leaf.conversion = kConversions[t];
  leaf.value_type = t == 7 ? DataType::Decimal(38, 2) : t == 6 ? DataType::String() : DataType::Int64();
  leaf.max_def = data[3] & 3;
  leaf.max_rep = (data[3] >> 2) & 1;
  if (leaf.max_rep > 0) {
    leaf.max_def = std::max<int16_t>(leaf.max_def, 1);
    leaf.repeated_def = {leaf.max_def};
    leaf.empty_def = {static_cast<int16_t>(leaf.max_def - 1 > 0 ? leaf.max_def - 1 : -1)};
    leaf.as_json = true;
  }
  switch (t) {  // keep value_type consistent with the conversion
    case 0: leaf.value_type = DataType::Bool(); break;
    case 1: leaf.value_type = DataType::Int32(); break;
    case 2: leaf.value_type = DataType::Int64(); break;
    case 3: leaf.value_type = DataType::Timestamp(); break;
    case 4: case 5: leaf.value_type = DataType::Float64(); break;
    default: break;
  }
  leaf.type = leaf.as_json ? DataType::String() : leaf.value_type;
  pq::ColumnMetaData meta;
  meta.type = leaf.physical;
  meta.codec = static_cast<pq::CompressionCodec::type>(data[4] % 8);
  meta.num_values = 1 + (data[0] >> 1) * 13;
  parquet::ChunkData chunk;
  if (!parquet::ReadColumnChunk(leaf, meta, data + 5, size - 5, &chunk).ok()) return;
  (void)parquet::ConvertChunk(leaf, chunk, leaf.max_rep > 0 ? 1 : meta.num_values);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  if (data[0] & 1) FuzzChunk(data, size);
  else FuzzFile(data, size);
  return 0;
}

// KeyEncoder: turns the key columns of a batch into one compact byte string per row (plus its
// hash), so hash tables for group-by, join and dedupe compare keys with one memcmp whatever the
// key types. Equal keys encode to equal bytes; nulls encode as a marker (so they group together;
// joins skip them separately). Encodings can be decoded back into columns (group-by output,
// spilled dedupe keys).
//
// Row layout, per key column: 1 validity byte (0 = null), then the value — fixed-width types in
// their native bytes (zeros for null), bool as 1 byte, string/binary as u32 length + bytes.
//
// A KeyEncoder is immutable after construction and may be shared by threads; EncodedKeys is a
// per-thread scratch object.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "common/hash_bytes.h"
#include "types/batch.h"

namespace logidata {

// Encoded keys of a run of rows. Row r's key is data[offsets[r], offsets[r+1]).
struct EncodedKeys {
  std::vector<char> data;
  std::vector<uint32_t> offsets;
  std::vector<uint64_t> hashes;
  // Bit r set when every key column of row r is non-null (joins never match null keys).
  std::vector<uint8_t> all_valid;

  int64_t size() const { return static_cast<int64_t>(hashes.size()); }
  std::string_view key(int64_t r) const {
    return {data.data() + offsets[static_cast<size_t>(r)],
            static_cast<size_t>(offsets[static_cast<size_t>(r) + 1] - offsets[static_cast<size_t>(r)])};
  }
  // Recomputes hashes from data/offsets (after keys were filled in by hand).
  void ComputeHashes();
};

class KeyEncoder {
 public:
  explicit KeyEncoder(std::vector<DataType> key_types) : types_(std::move(key_types)) {}

  const std::vector<DataType>& types() const { return types_; }

  // Encodes rows [begin, end) of `columns` (one per key type, same types). When `rows` is not
  // empty it lists the row indices to encode instead (begin/end ignored).
  void Encode(std::span<const ColumnPtr> columns, int64_t begin, int64_t end, EncodedKeys* out,
              std::span<const int32_t> rows = {}) const;

  // Rebuilds key columns from encoded keys.
  std::vector<ColumnPtr> Decode(std::span<const std::string_view> keys) const;

 private:
  std::vector<DataType> types_;
};

// Converts a key column to `target` (a CommonSuperType of it): int widening, int/decimal to
// decimal or float64, decimal rescaling, date to timestamp, string/binary relabelling.
// Returns the column itself when the type already matches.
Result<ColumnPtr> CastKeyColumn(const ColumnPtr& column, const DataType& target);

}  // namespace logidata

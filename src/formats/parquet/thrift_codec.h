// Thrift compact-protocol (de)serialization of the Parquet metadata structures generated from
// parquet.thrift. Thrift throws on malformed input; these functions catch everything and return a
// DataError naming what was being read, so corrupt files never escape as exceptions.
// Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"
#include "parquet_types.h"

namespace logidata::parquet {

// Decodes one struct from `data`; on success returns the number of bytes it used.
// `what` names the structure for errors ("footer", "page header at offset 123").
Result<uint32_t> DeserializeFileMetaData(const uint8_t* data, uint32_t size, pq::FileMetaData* out,
                                         const std::string& what);
Result<uint32_t> DeserializePageHeader(const uint8_t* data, uint32_t size, pq::PageHeader* out,
                                       const std::string& what);

// Appends the compact-protocol encoding of the struct to `out`.
Status SerializeFileMetaData(const pq::FileMetaData& meta, std::string* out);
Status SerializePageHeader(const pq::PageHeader& header, std::string* out);

}  // namespace logidata::parquet

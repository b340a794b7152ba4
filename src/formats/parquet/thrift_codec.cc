#include "formats/parquet/thrift_codec.h"

#include <algorithm>
#include <exception>
#include <memory>

#include <thrift/TConfiguration.h>
#include <thrift/protocol/TCompactProtocol.h>
#include <thrift/transport/TBufferTransports.h>

namespace logidata::parquet {
namespace {

using apache::thrift::TConfiguration;
using apache::thrift::protocol::TCompactProtocolT;
using apache::thrift::transport::TMemoryBuffer;

// Bounds what a hostile footer can make us allocate: strings and lists are capped by the
// remaining input anyway, these limits keep single allocations sane.
constexpr int32_t kStringLimit = 256 << 20;
constexpr int32_t kContainerLimit = 16 << 20;

template <typename T>
Result<uint32_t> Deserialize(const uint8_t* data, uint32_t size, T* out, const std::string& what) {
  try {
    auto config = std::make_shared<TConfiguration>(/*maxMessageSize=*/INT32_MAX, /*maxFrameSize=*/INT32_MAX,
                                                   /*recursionLimit=*/64);
    auto buffer = std::make_shared<TMemoryBuffer>(const_cast<uint8_t*>(data), size, TMemoryBuffer::OBSERVE, config);
    // Every list element and string byte takes at least one input byte, so nothing real is longer
    // than the input: this stops forged counts from allocating huge buffers up front.
    const int32_t container_limit = static_cast<int32_t>(std::min<uint32_t>(size, kContainerLimit));
    const int32_t string_limit = static_cast<int32_t>(std::min<uint32_t>(size, kStringLimit));
    TCompactProtocolT<TMemoryBuffer> protocol(buffer, string_limit, container_limit);
    out->read(&protocol);
    return size - buffer->available_read();
  } catch (const std::exception& e) {
    return Status::DataError("corrupt Parquet " + what + ": " + e.what());
  } catch (...) {
    return Status::DataError("corrupt Parquet " + what);
  }
}

template <typename T>
Status Serialize(const T& value, std::string* out) {
  try {
    auto buffer = std::make_shared<TMemoryBuffer>();
    TCompactProtocolT<TMemoryBuffer> protocol(buffer);
    value.write(&protocol);
    out->append(buffer->getBufferAsString());
    return Status::OK();
  } catch (const std::exception& e) {
    return Status::Internal(std::string("Parquet metadata serialization failed: ") + e.what());
  }
}

}  // namespace

Result<uint32_t> DeserializeFileMetaData(const uint8_t* data, uint32_t size, pq::FileMetaData* out,
                                         const std::string& what) {
  return Deserialize(data, size, out, what);
}
Result<uint32_t> DeserializePageHeader(const uint8_t* data, uint32_t size, pq::PageHeader* out,
                                       const std::string& what) {
  return Deserialize(data, size, out, what);
}
Status SerializeFileMetaData(const pq::FileMetaData& meta, std::string* out) { return Serialize(meta, out); }
Status SerializePageHeader(const pq::PageHeader& header, std::string* out) { return Serialize(header, out); }

}  // namespace logidata::parquet

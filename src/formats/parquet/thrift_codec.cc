#include "formats/parquet/thrift_codec.h"

#include <algorithm>
#include <cstring>
#include <exception>
#include <map>
#include <memory>
#include <string>
#include <vector>

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

// Thrift's generated code stores any wire integer in an enum field. Loading a value outside the
// enum's declared range as the enum is undefined behaviour (the compiler may assume a switch over
// it cannot miss every case), so decoded structs are checked here, reading each field as the int
// it holds, before the rest of the reader looks at them. Unknown values are DataErrors, except in
// the informational ColumnMetaData.encodings list, where a newer writer's encoding is dropped.
template <typename E>
int32_t WireValue(const E& field) {
  static_assert(sizeof(E) == sizeof(int32_t), "Thrift enums are 32-bit");
  int32_t v;
  std::memcpy(&v, &field, sizeof(v));
  return v;
}

class EnumChecker {
 public:
  explicit EnumChecker(const std::string& what) : what_(what) {}

  template <typename E>
  void Check(const E& field, const std::map<int, const char*>& known, const char* name) {
    if (!status_.ok()) return;
    const int32_t v = WireValue(field);
    if (known.count(v) == 0) {
      status_ = Status::DataError("corrupt Parquet " + what_ + ": unknown " + name + " " + std::to_string(v));
    }
  }
  Status status() const { return status_; }

 private:
  const std::string& what_;
  Status status_ = Status::OK();
};

Status CheckEnums(pq::PageHeader* h, const std::string& what) {
  EnumChecker check(what);
  check.Check(h->type, pq::_PageType_VALUES_TO_NAMES, "page type");
  if (h->__isset.data_page_header) {
    const auto& d = h->data_page_header;
    check.Check(d.encoding, pq::_Encoding_VALUES_TO_NAMES, "data page encoding");
    check.Check(d.definition_level_encoding, pq::_Encoding_VALUES_TO_NAMES, "definition level encoding");
    check.Check(d.repetition_level_encoding, pq::_Encoding_VALUES_TO_NAMES, "repetition level encoding");
  }
  if (h->__isset.dictionary_page_header) {
    check.Check(h->dictionary_page_header.encoding, pq::_Encoding_VALUES_TO_NAMES, "dictionary page encoding");
  }
  if (h->__isset.data_page_header_v2) {
    check.Check(h->data_page_header_v2.encoding, pq::_Encoding_VALUES_TO_NAMES, "data page encoding");
  }
  return check.status();
}

Status CheckEnums(pq::FileMetaData* meta, const std::string& what) {
  EnumChecker check(what);
  for (const auto& e : meta->schema) {
    if (e.__isset.type) check.Check(e.type, pq::_Type_VALUES_TO_NAMES, "physical type");
    if (e.__isset.repetition_type) check.Check(e.repetition_type, pq::_FieldRepetitionType_VALUES_TO_NAMES, "repetition type");
    if (e.__isset.converted_type) check.Check(e.converted_type, pq::_ConvertedType_VALUES_TO_NAMES, "converted type");
  }
  for (auto& group : meta->row_groups) {
    for (auto& chunk : group.columns) {
      if (!chunk.__isset.meta_data) continue;
      auto& m = chunk.meta_data;
      check.Check(m.type, pq::_Type_VALUES_TO_NAMES, "column physical type");
      check.Check(m.codec, pq::_CompressionCodec_VALUES_TO_NAMES, "compression codec");
      std::vector<pq::Encoding::type> known;
      for (const auto& e : m.encodings) {
        const int32_t v = WireValue(e);
        if (pq::_Encoding_VALUES_TO_NAMES.count(v) != 0) known.push_back(static_cast<pq::Encoding::type>(v));
      }
      m.encodings = std::move(known);
    }
  }
  return check.status();
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
  LD_ASSIGN_OR_RETURN(uint32_t used, Deserialize(data, size, out, what));
  LD_RETURN_IF_ERROR(CheckEnums(out, what));
  return used;
}
Result<uint32_t> DeserializePageHeader(const uint8_t* data, uint32_t size, pq::PageHeader* out,
                                       const std::string& what) {
  LD_ASSIGN_OR_RETURN(uint32_t used, Deserialize(data, size, out, what));
  LD_RETURN_IF_ERROR(CheckEnums(out, what));
  return used;
}
Status SerializeFileMetaData(const pq::FileMetaData& meta, std::string* out) { return Serialize(meta, out); }
Status SerializePageHeader(const pq::PageHeader& header, std::string* out) { return Serialize(header, out); }

}  // namespace logidata::parquet

// Arrow C Data Interface (https://arrow.apache.org/docs/format/CDataInterface.html): exchange
// batches with other engines in the same process without copying. A batch travels as a struct
// array ("+s") whose children are its columns; our column layout already is Arrow's, so export
// shares our buffers and import wraps theirs. The structs below are the ABI the specification
// fixes, declared by us (no Arrow headers needed).
//
// Thread-safety: exported structs may be consumed from any thread; each must be released once.
#pragma once

#include <cstdint>

#include "common/result.h"
#include "types/batch.h"

extern "C" {

#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE
#define ARROW_FLAG_DICTIONARY_ORDERED 1
#define ARROW_FLAG_NULLABLE 2
#define ARROW_FLAG_MAP_KEYS_SORTED 4

struct ArrowSchema {
  const char* format;
  const char* name;
  const char* metadata;
  int64_t flags;
  int64_t n_children;
  struct ArrowSchema** children;
  struct ArrowSchema* dictionary;
  void (*release)(struct ArrowSchema*);
  void* private_data;
};

struct ArrowArray {
  int64_t length;
  int64_t null_count;
  int64_t offset;
  int64_t n_buffers;
  int64_t n_children;
  const void** buffers;
  struct ArrowArray** children;
  struct ArrowArray* dictionary;
  void (*release)(struct ArrowArray*);
  void* private_data;
};
#endif  // ARROW_C_DATA_INTERFACE
}

namespace logidata {

// The Arrow format string of a type: "b", "i", "l", "g", "d:18,2", "u", "z", "tdD", "tsu:UTC"…
std::string ArrowFormat(const DataType& type);
// The inverse; Unsupported for Arrow types we do not model (they are named in the message).
Result<DataType> TypeFromArrowFormat(const char* format);

// Fills `schema` and `array` (caller-allocated) with `batch`. The consumer owns them and must call
// their release callbacks; our buffers stay alive until then.
Status ExportBatch(const BatchPtr& batch, ArrowSchema* schema, ArrowArray* array);
Status ExportSchema(const Schema& schema, ArrowSchema* out);

// Takes ownership of `array` (moves it out; the caller's struct is marked released) and wraps its
// buffers without copying; `schema` is only read. Children with a non-zero offset are copied.
Result<BatchPtr> ImportBatch(ArrowArray* array, const ArrowSchema* schema);
Result<SchemaPtr> ImportSchema(const ArrowSchema* schema);

}  // namespace logidata

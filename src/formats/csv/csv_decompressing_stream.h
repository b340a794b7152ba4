// DecompressingStream: reads a gzip (also multi-member) or zstd file sequentially through the
// FileSystem seam and hands out the decompressed bytes. One thread at a time.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "formats/csv/csv_options.h"
#include "io/file_system.h"

namespace logidata {

class DecompressingStream {
 public:
  virtual ~DecompressingStream() = default;
  // REQUIRES: compression is kGzip or kZstd.
  static Result<std::unique_ptr<DecompressingStream>> Make(CsvCompression compression,
                                                           std::unique_ptr<RandomAccessFile> file);
  // Appends up to `max_bytes` decompressed bytes to `out`. Appends nothing only at the end.
  virtual Status Read(std::string* out, size_t max_bytes) = 0;
  virtual bool eof() const = 0;
};

}  // namespace logidata

// ZipReader: reads entries of a zip archive held in memory (an .xlsx file) with minizip.
// Not thread-safe: one reader per thread.
#pragma once

#include <optional>
#include <string>

#include "common/result.h"
#include "types/buffer.h"

namespace logidata {

class ZipReader {
 public:
  // `data` must outlive the reader; `path` names the archive in errors.
  static Result<std::unique_ptr<ZipReader>> Open(const Buffer& data, std::string path);
  ~ZipReader();
  ZipReader(const ZipReader&) = delete;
  ZipReader& operator=(const ZipReader&) = delete;

  // The uncompressed bytes of entry `name`; nullopt when the archive has no such entry.
  // Entries over `max_bytes` are an error (a defence against zip bombs).
  Result<std::optional<std::string>> Read(const std::string& name, size_t max_bytes = size_t{1} << 30);

 private:
  struct Memory {
    const uint8_t* data;
    uint64_t size;
    uint64_t pos;
  };
  ZipReader() = default;
  Memory memory_{};
  void* zip_ = nullptr;  // unzFile
  std::string path_;
};

}  // namespace logidata

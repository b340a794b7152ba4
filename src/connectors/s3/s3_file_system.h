// S3FileSystem: the FileSystem interface over S3-compatible object storage, so every file format
// reads and writes objects as it does local files. Paths are "s3://bucket/key". Reads are ranged
// GETs (ReadAt is thread-safe); listing uses ListObjectsV2 (so globs work); writes buffer 8 MiB
// parts into a multipart upload that is completed only in Close() — until then nothing is visible
// under the key — and Abort() aborts the upload. "Directories" are key prefixes; Rename copies and
// deletes. Multi-file datasets are published with a manifest (ObjectFileSystem). Thread-safe.
#pragma once

#include "connectors/s3/s3_client.h"
#include "connectors/object_file_system.h"

namespace logidata {

class S3FileSystem final : public ObjectFileSystem {
 public:
  explicit S3FileSystem(S3Options options) : client_(std::move(options)) {}

  Result<std::unique_ptr<RandomAccessFile>> OpenRead(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> OpenWrite(const std::string& path, bool atomic = true) override;
  Result<FileInfo> Stat(const std::string& path) override;
  Result<std::vector<FileInfo>> ListObjects(const std::string& dir) override;
  Status DeleteObject(const std::string& path) override;
  Status CreateDirs(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status RemoveAll(const std::string& path) override;

  S3Client& client() { return client_; }
  // Bytes of each multipart part.
  static constexpr size_t kPartBytes = 8 << 20;

 private:
  S3Client client_;
};

}  // namespace logidata

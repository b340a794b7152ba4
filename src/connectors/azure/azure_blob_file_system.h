// AzureBlobFileSystem: the FileSystem interface over Azure Blob Storage, so every file format
// reads and writes blobs as it does local files. Paths are "az://container/blob". Reads are ranged
// Get Blob calls (ReadAt is thread-safe, so readers run in parallel); listing uses List Blobs (so
// globs work). Writes buffer blocks and stage each with Put Block, at most two in flight in the
// background while the writer fills the next (a failed upload fails the following Append or
// Close). Only Close() commits them, with Put Block List (or, for a file smaller than one block,
// a single Put Blob): that is when the blob appears or changes. Until then the previous content
// stays visible, and an aborted or killed write leaves only uncommitted blocks, which no reader
// sees and Azure discards after a week. "Directories" are name prefixes; Rename copies and
// deletes. Multi-file datasets are published with a manifest (ObjectFileSystem). Thread-safe; each
// open file is used by one thread at a time.
#pragma once

#include "connectors/azure/azure_blob_client.h"
#include "connectors/object_file_system.h"

namespace logidata {

class AzureBlobFileSystem final : public ObjectFileSystem {
 public:
  // Bytes per staged block unless the load says otherwise.
  static constexpr size_t kDefaultBlockBytes = 8 << 20;
  // Azure commits at most this many blocks into one blob (8 MiB blocks: about 390 GiB).
  static constexpr size_t kMaxBlocks = 50000;

  explicit AzureBlobFileSystem(AzureBlobOptions options, size_t block_bytes = kDefaultBlockBytes)
      : client_(std::move(options)), block_bytes_(block_bytes) {}

  Result<std::unique_ptr<RandomAccessFile>> OpenRead(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> OpenWrite(const std::string& path, bool atomic = true) override;
  Result<FileInfo> Stat(const std::string& path) override;
  Result<std::vector<FileInfo>> ListObjects(const std::string& dir) override;
  Status DeleteObject(const std::string& path) override;
  Status CreateDirs(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status RemoveAll(const std::string& path) override;

  AzureBlobClient& client() { return client_; }

 private:
  AzureBlobClient client_;
  size_t block_bytes_;
};

}  // namespace logidata

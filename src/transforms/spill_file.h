// Spill files: how blocking operators park state on disk when over their memory budget.
//   SpillDirectory  a private folder under ExecContext::spill_dir, removed with the object.
//   SpillWriter     appends batches in a compact binary format (per column: validity, values and
//                   data buffers, 8-byte aligned) through the FileSystem seam.
//   SpillReader     maps a spill file and returns its batches without copying.
//   SpillPartitions P writers keyed by hash partition (grace hash join, partitioned aggregation).
// Thread-safety: SpillDirectory::NewPath is thread-safe; writers, readers and SpillPartitions are
// used by one thread at a time.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "io/file_system.h"
#include "types/batch.h"

namespace logidata {

inline constexpr int kSpillPartitionBits = 4;
inline constexpr int kSpillPartitions = 1 << kSpillPartitionBits;
// Partition of a key hash (high bits, so it is independent of hash-table slot bits).
inline int SpillPartitionOf(uint64_t hash) { return static_cast<int>(hash >> (64 - kSpillPartitionBits)); }

class SpillDirectory {
 public:
  // Creates "<root>/<prefix>-<unique>" lazily on the first NewPath().
  SpillDirectory(FileSystem* fs, std::filesystem::path root, std::string prefix);
  ~SpillDirectory();
  SpillDirectory(const SpillDirectory&) = delete;
  SpillDirectory& operator=(const SpillDirectory&) = delete;

  Result<std::string> NewPath();
  FileSystem* fs() const { return fs_; }

 private:
  FileSystem* fs_;
  std::filesystem::path dir_;
  std::atomic<int64_t> next_{0};
  std::atomic<bool> created_{false};
};

class SpillWriter {
 public:
  static Result<std::unique_ptr<SpillWriter>> Open(FileSystem& fs, std::string path);
  ~SpillWriter();

  Status Write(const Batch& batch);
  // Flushes and closes; the file can then be read.
  Status Close();
  int64_t bytes_written() const { return bytes_; }
  const std::string& path() const { return path_; }

 private:
  SpillWriter(std::unique_ptr<WritableFile> file, std::string path);
  Status Flush();
  void Put(const void* data, size_t size);

  std::unique_ptr<WritableFile> file_;
  std::string path_;
  std::string buffer_;
  int64_t bytes_ = 0;
  bool closed_ = false;
};

class SpillReader {
 public:
  // `schema` is the schema the batches were written with.
  static Result<std::unique_ptr<SpillReader>> Open(FileSystem& fs, const std::string& path, SchemaPtr schema);
  // The next batch, or nullptr at the end. DataError when the file is corrupt.
  Result<BatchPtr> Next();
  // The caller holds no batch before the one Next() returned last (nor any view into one): the
  // pages they were read from are handed back to the kernel, so a merge that streams through
  // many mapped runs keeps its resident size near one batch per run instead of every byte read.
  // Non-destructive (MADV_PAGEOUT): a page touched again is read back from the file.
  void ReleaseEarlierBatches();

 private:
  SpillReader(BufferPtr file, std::string path, SchemaPtr schema)
      : file_(std::move(file)), path_(std::move(path)), schema_(std::move(schema)) {}
  BufferPtr file_;
  std::string path_;
  SchemaPtr schema_;
  size_t pos_ = 0;
  size_t last_batch_start_ = 0;  // where the batch Next() returned last begins
  size_t released_ = 0;          // [0, released_) has been handed back
};

// Reads every batch of the given files, in order.
Result<std::vector<BatchPtr>> ReadSpillFiles(FileSystem& fs, const std::vector<std::string>& paths, SchemaPtr schema);

class SpillPartitions {
 public:
  explicit SpillPartitions(SpillDirectory* dir) : dir_(dir), writers_(kSpillPartitions) {}

  Status Write(int partition, const Batch& batch);
  // Splits `batch` by SpillPartitionOf(hashes[i]) and writes each part; `rows` (optional) lists
  // the rows hashes refer to (hashes[i] belongs to rows[i]); other rows are skipped.
  Status WritePartitioned(const Batch& batch, const uint64_t* hashes, std::span<const int32_t> rows = {});
  // Closes every writer and appends its path to `paths[partition]`.
  Status Close(std::vector<std::vector<std::string>>* paths);
  int64_t bytes_written() const;

 private:
  SpillDirectory* dir_;
  std::vector<std::unique_ptr<SpillWriter>> writers_;
};

}  // namespace logidata

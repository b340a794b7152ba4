// Spill files: how blocking operators park state on disk when over their memory budget.
//   SpillDirectory  a private folder under ExecContext::spill_dir, removed with the object.
//   SpillWriter     appends batches in a compact binary format (per column: validity, values and
//                   data buffers, 8-byte aligned) through the FileSystem seam.
//   SpillReader     reads a spill file one batch at a time: a batch is one read of its own bytes,
//                   and its columns are views into that buffer, freed with the batch. (Not a
//                   mapping: a merge streaming through many runs would keep every page it had
//                   touched resident, outside any budget.)
//   SpillPartitions P writers keyed by hash partition (grace hash join, partitioned aggregation).
// Thread-safety: SpillDirectory::NewPath is thread-safe; writers, readers and SpillPartitions are
// used by one thread at a time.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
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

// A spilled partition this small is processed in memory whatever the budget: splitting it again
// would cost more in files and passes than it saves (a budget below it is a request to spill as
// early as possible, as tests make, not a bound to recurse for).
inline constexpr int64_t kMinSplitBytes = int64_t{256} << 10;

// A hash partition at any depth of recursive partitioning: the rows whose hash has `prefix` as
// its top kSpillPartitionBits * depth bits. Depth 0 is everything; a partition too big for the
// budget is split into its kSpillPartitions children by the next bits, so skewed but distinct
// keys always end up in pieces that fit. Identical keys cannot be split: operators that must hold
// a key's rows together handle that case themselves.
struct SpillPartitionId {
  static constexpr int kMaxDepth = 64 / kSpillPartitionBits;
  int depth = 0;
  uint64_t prefix = 0;

  bool Contains(uint64_t hash) const {
    return depth == 0 || (hash >> (64 - kSpillPartitionBits * depth)) == prefix;
  }
  // Which child of this partition `hash` belongs to. REQUIRES: depth < kMaxDepth.
  int ChildOf(uint64_t hash) const {
    return static_cast<int>((hash >> (64 - kSpillPartitionBits * (depth + 1))) & (kSpillPartitions - 1));
  }
  SpillPartitionId Child(int i) const { return {depth + 1, (prefix << kSpillPartitionBits) | static_cast<uint64_t>(i)}; }
  bool CanSplit() const { return depth < kMaxDepth; }
  // "3.12": the top-level partition, then the child at each deeper level (for messages).
  std::string Name() const;
};

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

 private:
  SpillReader(std::unique_ptr<RandomAccessFile> file, int64_t size, std::string path, SchemaPtr schema)
      : file_(std::move(file)), size_(size), path_(std::move(path)), schema_(std::move(schema)) {}
  std::unique_ptr<RandomAccessFile> file_;
  int64_t size_;
  std::string path_;
  SchemaPtr schema_;
  int64_t pos_ = 0;
};

// Reads every batch of the given files, in order.
Result<std::vector<BatchPtr>> ReadSpillFiles(FileSystem& fs, const std::vector<std::string>& paths, SchemaPtr schema);

// Streams the batches of several spill files in order, one batch at a time: what a partition
// costs to read is the batches the caller still holds, not the partition.
class SpillFileStream {
 public:
  SpillFileStream(FileSystem& fs, std::vector<std::string> paths, SchemaPtr schema)
      : fs_(fs), paths_(std::move(paths)), schema_(std::move(schema)) {}
  // The next non-empty batch, or nullptr after the last file.
  Result<BatchPtr> Next();

 private:
  FileSystem& fs_;
  std::vector<std::string> paths_;
  SchemaPtr schema_;
  size_t next_file_ = 0;
  std::unique_ptr<SpillReader> reader_;
};

// Bytes on disk of the given spill files (what reading them whole would hold).
Result<int64_t> SpillFilesBytes(FileSystem& fs, const std::vector<std::string>& paths);

class SpillPartitions {
 public:
  // Writes the children of `parent` (the default: the top-level partitions).
  explicit SpillPartitions(SpillDirectory* dir, SpillPartitionId parent = {})
      : dir_(dir), parent_(parent), writers_(kSpillPartitions) {}

  Status Write(int partition, const Batch& batch);
  // Splits `batch` by parent.ChildOf(hashes[i]) and writes each part; `rows` (optional) lists
  // the rows hashes refer to (hashes[i] belongs to rows[i]); other rows are skipped.
  Status WritePartitioned(const Batch& batch, const uint64_t* hashes, std::span<const int32_t> rows = {});
  // Closes every writer and appends its path to `paths[partition]`.
  Status Close(std::vector<std::vector<std::string>>* paths);
  int64_t bytes_written() const;
  const SpillPartitionId& parent() const { return parent_; }

 private:
  SpillDirectory* dir_;
  SpillPartitionId parent_;
  std::vector<std::unique_ptr<SpillWriter>> writers_;
};

// Fills `hashes` with the partitioning hash of each row of `batch`.
using RowHasher = std::function<Status(const Batch& batch, std::vector<uint64_t>* hashes)>;

// Splits the rows of the spill files `paths` (partition `parent`) into parent's children, one
// batch at a time; returns the children's files, indexed by child. Row order within a child is
// the order in `paths`.
Result<std::vector<std::vector<std::string>>> RepartitionSpillFiles(SpillDirectory* dir, const std::vector<std::string>& paths,
                                                                    const SchemaPtr& schema, SpillPartitionId parent,
                                                                    const RowHasher& hash_rows);

// Recursive partitioning for an operator that processes a spilled partition whole once it fits:
// while the files `paths` of partition `id` hold more than `limit` bytes, they are split into
// id's children by `hash_rows` and each child is taken in turn; a child that keeps nearly all of
// its parent's bytes holds one heavy key, which no hash can split, and is taken whole. `visit`
// gets every piece that fits (or cannot be split), with its size in bytes.
using SpilledPieceVisitor = std::function<Status(const std::vector<std::string>& paths, int64_t bytes)>;
Status ForEachSpilledPiece(SpillDirectory* dir, SpillPartitionId id, const std::vector<std::string>& paths,
                           const SchemaPtr& schema, int64_t limit, const RowHasher& hash_rows,
                           const SpilledPieceVisitor& visit);

}  // namespace logidata

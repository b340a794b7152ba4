// FileSystem: the one seam through which every format reads and writes files, so the same reader
// works on local disk and object storage, and tests can inject faults. Implementations are
// thread-safe; the file objects they return are used by one thread at a time unless noted.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "io/dataset_write.h"
#include "types/buffer.h"

namespace logidata {

// A file opened for reading at arbitrary offsets. ReadAt is thread-safe (parallel readers).
class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  virtual Result<int64_t> Size() = 0;
  // Reads up to `length` bytes at `offset`; fewer only at end of file.
  virtual Result<BufferPtr> ReadAt(int64_t offset, int64_t length) = 0;
  // The whole file as one buffer. Local files are memory-mapped (no copy).
  virtual Result<BufferPtr> ReadAll();
  // Where the bytes come from, for error messages ("data/orders.csv", "s3://bucket/key").
  virtual const std::string& path() const = 0;
};

// A file being written. Nothing is visible under the final path until Close() succeeds when the
// file system writes atomically (local: temp file + rename; S3: multipart complete).
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(const void* data, size_t size) = 0;
  Status Append(std::string_view s) { return Append(s.data(), s.size()); }
  virtual int64_t BytesWritten() const = 0;
  // Flushes and publishes the file.
  virtual Status Close() = 0;
  // Discards everything written; the final path is left as it was.
  virtual void Abort() = 0;
};

// Appends `tail` (what a loader still buffers) and publishes `file`; on any failure the file is
// aborted instead, so the final path keeps its old content. `file` is released either way.
Status AppendAndPublish(std::unique_ptr<WritableFile>& file, std::string_view tail);

struct FileInfo {
  std::string path;
  int64_t size = 0;
  bool is_directory = false;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  virtual Result<std::unique_ptr<RandomAccessFile>> OpenRead(const std::string& path) = 0;
  // Opens `path` for writing; with `atomic`, the content appears only at Close().
  virtual Result<std::unique_ptr<WritableFile>> OpenWrite(const std::string& path, bool atomic = true) = 0;
  // Opens a scratch file that only this process reads back (spill files): written in place and
  // never synced to disk, since nothing in it has to survive a crash.
  virtual Result<std::unique_ptr<WritableFile>> OpenScratch(const std::string& path) { return OpenWrite(path, false); }
  virtual Result<FileInfo> Stat(const std::string& path) = 0;
  // Files under `dir`, recursively, sorted by path.
  virtual Result<std::vector<FileInfo>> ListRecursive(const std::string& dir) = 0;
  virtual Status CreateDirs(const std::string& path) = 0;
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  virtual Status RemoveAll(const std::string& path) = 0;
  // Starts a run writing the multi-file dataset `dir` (see io/dataset_write.h); `run_id` names the
  // run where the file system records it. By default a staging folder renamed into place.
  virtual Result<std::unique_ptr<DatasetWrite>> BeginDataset(const std::string& dir, const std::string& run_id) {
    (void)run_id;
    return MakeStagedFolderWrite(*this, dir);
  }

  // Expands a glob ("data/*.csv", "logs/**/part-*.csv.gz"), a directory (all files below it) or a
  // plain path into a sorted list of files. A pattern that matches nothing is NotFound.
  Result<std::vector<FileInfo>> Expand(const std::string& pattern);
};

// The local disk. Reads are memory-mapped; atomic writes go to "<path>.tmp-<random>" then rename.
FileSystem& LocalFileSystem();

// Matches `path` against a glob with *, ?, [...] and ** (any number of directories).
bool GlobMatch(std::string_view pattern, std::string_view path);

}  // namespace logidata

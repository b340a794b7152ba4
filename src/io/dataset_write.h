// DatasetWrite: one run writing a multi-file dataset (a hive-partitioned folder such as
// "orders/year=2024/part-0.parquet") that must replace the dataset at `dir` as a whole. The
// format loaders open every file through it and publish or abort once at the end; each
// FileSystem decides how (FileSystem::BeginDataset): the local disk stages a hidden sibling folder
// and swaps it in by rename; object stores, which cannot rename a prefix atomically, publish a
// manifest (connectors/object_dataset_manifest.h). Used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"

namespace logidata {

class FileSystem;
class WritableFile;

// A finished file of the dataset: its path relative to the dataset folder ("k=a/part-0.csv", as
// passed to OpenFile) and the rows it holds.
struct DatasetFile {
  std::string relative_path;
  int64_t rows = 0;
};

class DatasetWrite {
 public:
  virtual ~DatasetWrite() = default;
  // Opens the dataset file `relative_path` for writing. Nothing of it is visible to readers of
  // the dataset before Publish().
  virtual Result<std::unique_ptr<WritableFile>> OpenFile(const std::string& relative_path) = 0;
  // Makes exactly `files` the dataset, replacing the previous one as a whole.
  // REQUIRES: every file opened here is closed (or aborted and left out of `files`).
  virtual Status Publish(const std::vector<DatasetFile>& files) = 0;
  // Discards what this run wrote; the previous dataset stays as it was. Best effort.
  virtual void Abort() = 0;
};

// The local-disk way, on any FileSystem that renames folders atomically: files go to the hidden
// sibling "<parent>/.<name>.tmp-<random>/", and Publish() moves the old folder aside, renames the
// staging folder into place and removes the old one (restoring it if the rename fails).
std::unique_ptr<DatasetWrite> MakeStagedFolderWrite(FileSystem& fs, const std::string& dir);

// 16 random hex digits (staging names, run tokens).
std::string RandomHexSuffix();

}  // namespace logidata

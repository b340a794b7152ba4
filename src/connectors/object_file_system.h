// ObjectFileSystem: what S3 and Azure Blob share above their clients. Object stores cannot rename
// a prefix atomically, so a multi-file dataset is published with a manifest
// (connectors/object_dataset_manifest.h): BeginDataset() writes the data objects under run-unique
// names and puts "<dataset>/_manifest.json" last, and ListRecursive() returns, for every dataset
// with a manifest, exactly the objects the manifest lists — so Logidata readers never see a half-
// published, killed or superseded run. Subclasses supply the raw listing and a single-object delete.
// Thread-safe as the subclass is.
#pragma once

#include "io/file_system.h"

namespace logidata {

class ObjectFileSystem : public FileSystem {
 public:
  // Objects under `dir` as the datasets' manifests publish them (plain listing where there is none).
  Result<std::vector<FileInfo>> ListRecursive(const std::string& dir) final;
  Result<std::unique_ptr<DatasetWrite>> BeginDataset(const std::string& dir, const std::string& run_id) final;

  // Every object under the prefix `dir`, manifests ignored; folder markers left out. Sorted by path.
  virtual Result<std::vector<FileInfo>> ListObjects(const std::string& dir) = 0;
  // Deletes the one object `path` (a missing object is not an error).
  virtual Status DeleteObject(const std::string& path) = 0;
};

}  // namespace logidata

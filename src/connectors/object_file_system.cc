#include "connectors/object_file_system.h"

#include "connectors/object_dataset_manifest.h"

namespace logidata {

Result<std::vector<FileInfo>> ObjectFileSystem::ListRecursive(const std::string& dir) {
  LD_ASSIGN_OR_RETURN(auto objects, ListObjects(dir));
  return ApplyDatasetManifests(*this, dir, std::move(objects));
}

Result<std::unique_ptr<DatasetWrite>> ObjectFileSystem::BeginDataset(const std::string& dir, const std::string& run_id) {
  return MakeManifestDatasetWrite(*this, dir, run_id);
}

}  // namespace logidata

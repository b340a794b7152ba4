// Publishing a multi-file dataset on an object store with a manifest, and reading it back.
//
// Writer (one run, MakeManifestDatasetWrite): every data object goes to its final partition folder
// under a run-unique name, "<dataset>/k=a/part-0-<run token>.parquet" (the token is the run id,
// made safe for a key, plus 8 random hex digits). Objects complete only at commit. Publish() then
// writes "<dataset>/_manifest.json" with one PUT — atomic on S3 and Azure — listing every object
// with its size and row count; that PUT is the moment the run becomes the dataset. Afterwards the
// objects of the previous manifest (or, the first time, every other object under the prefix: the
// dataset as the pre-manifest loaders wrote it) are deleted, best effort. Abort() deletes the
// objects this run had completed, best effort; a killed run leaves its completed objects behind:
// orphans carrying a token no manifest lists.
//
// Manifest (JSON): {"format": "logidata.dataset", "version": 1, "run_id": "…", "token": "…",
// "published_at": "YYYY-MM-DD HH:MM:SS.ffffff" (UTC), "rows": <total>,
// "files": [{"path": "k=a/part-0-<token>.parquet", "size": <bytes>, "rows": <n>}, …]}, paths
// relative to the dataset folder. A reader reads the manifest, never the listing.
//
// Reader (ApplyDatasetManifests): a listing is cut, under every folder with a manifest (the listed
// folder, one of its ancestors, or a folder below it), to exactly the objects the manifest names.
// A named object that is missing or has another size is an error (the dataset was republished
// while reading: read again). Pure functions over a FileSystem; thread-safe as it is.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "io/file_system.h"

namespace logidata {

class ObjectFileSystem;

inline constexpr std::string_view kDatasetManifestName = "_manifest.json";

std::unique_ptr<DatasetWrite> MakeManifestDatasetWrite(ObjectFileSystem& fs, const std::string& dir,
                                                       const std::string& run_id);

// `listing` (every object under `dir`, from ObjectFileSystem::ListObjects) as the manifests publish it.
Result<std::vector<FileInfo>> ApplyDatasetManifests(FileSystem& fs, const std::string& dir, std::vector<FileInfo> listing);

}  // namespace logidata

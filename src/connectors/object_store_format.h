// Binding a file-format module (CSV, JSON, Parquet, XML) over an object store's FileSystem: the
// shared core of extract.s3/load.s3 and extract.azure_blob/load.azure_blob. The format's own
// factory binds the node with BindContext::fs pointing at the store, and a thin operator owns that
// file system and hands it to the inner operator as ExecContext::fs, forwarding every other call.
// Loads publish atomically because the format loaders finish their files only in Commit() and an
// object appears only when its upload completes; a multi-file dataset appears when its manifest
// does (ObjectFileSystem::BeginDataset). Thread-safe as the inner operator is.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "io/file_system.h"
#include "module/module_descriptor.h"

namespace logidata {

// Binds `format` (one of `formats`: "csv", "json", "parquet", "xml") for extract or load on `fs`
// with the node's "options" object as the format config and `path` (an object URL such as
// "s3://bucket/key") as its path. Inner config errors are pointed at "/options/…".
Result<std::unique_ptr<Operator>> BindFormatOnObjectStore(const BindContext& ctx, std::unique_ptr<FileSystem> fs,
                                                          const std::string& path, const std::string& format,
                                                          const std::vector<std::string>& formats, bool extract);

}  // namespace logidata

// extract.azure_blob and load.azure_blob: the CSV, JSON and Parquet modules (and load.xml's
// writer) running over an AzureBlobFileSystem, bound by BindFormatOnObjectStore
// (connectors/object_store_format.h). Extracts read blobs by name, prefix or glob with the
// format's parallel reader; loads stage blocks and publish each blob with one Put Block List
// when the run commits.
#pragma once

#include "module/module_descriptor.h"

namespace logidata {

ModuleDescriptor AzureBlobExtractModule();
ModuleDescriptor AzureBlobLoadModule();

}  // namespace logidata

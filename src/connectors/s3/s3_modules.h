// extract.s3 and load.s3: the CSV and Parquet modules (and load.xml's writer) running over an
// S3FileSystem, bound by BindFormatOnObjectStore (connectors/object_store_format.h). Loads publish
// atomically because the format loaders finish their files only in Commit() and an S3 object
// appears only when its upload completes.
#pragma once

#include "module/module_descriptor.h"

namespace logidata {

ModuleDescriptor S3ExtractModule();
ModuleDescriptor S3LoadModule();

}  // namespace logidata

// extract.s3 and load.s3: the CSV and Parquet modules running over an S3FileSystem. The format's
// own factory binds the node (MakeCsvExtractOperator, MakeParquetLoadOperator, …) with
// BindContext::fs pointing at the bucket, and a thin wrapper owns that file system and hands it
// to the inner operator as ExecContext::fs. Loads publish atomically because the format loaders
// finish their files only in Commit() and an S3 object appears only when its upload completes.
#pragma once

#include "module/module_descriptor.h"

namespace logidata {

ModuleDescriptor S3ExtractModule();
ModuleDescriptor S3LoadModule();

}  // namespace logidata

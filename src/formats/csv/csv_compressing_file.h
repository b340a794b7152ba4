// CompressingFile: a WritableFile that gzip- or zstd-compresses everything appended and writes
// it to another WritableFile (which decides atomicity). One thread at a time.
#pragma once

#include <memory>

#include "common/result.h"
#include "formats/csv/csv_options.h"
#include "io/file_system.h"

namespace logidata {

// Wraps `file` so appended bytes are compressed; kNone returns `file` itself.
Result<std::unique_ptr<WritableFile>> MakeCompressingFile(CsvCompression compression,
                                                         std::unique_ptr<WritableFile> file);

}  // namespace logidata

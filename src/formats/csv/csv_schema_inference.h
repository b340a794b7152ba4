// Schema discovery for CSV extracts: reads the header and a sample of records from the first
// file, infers each column's type (bool, int64, float64, date, timestamp, else string) and
// applies the user's explicit `columns` types. Pure functions over the FileSystem seam;
// thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "formats/csv/csv_options.h"
#include "io/file_system.h"
#include "types/schema.h"

namespace logidata {

struct CsvSample {
  std::vector<std::string> header;             // names as read (UTF-8); empty without a header
  std::vector<std::vector<std::string>> rows;  // sampled records, unquoted
  int num_columns = 0;
  double bytes_per_row = 100;                  // average record size in the sample
};

// Reads the header and up to options.infer_rows records of `path`.
Result<CsvSample> ReadCsvSample(FileSystem& fs, const std::string& path, const CsvReadOptions& options);

// The narrowest type every non-null value fits (string when there are none).
DataType InferCsvType(const std::vector<std::string_view>& values, const std::vector<std::string>& null_values);

// Names from the header (blank ones become columnN, repeats get _2, _3…) or column1…columnN, types
// from options.columns or inferred. Unknown names in options.columns are an error.
Result<SchemaPtr> BuildCsvSchema(const CsvSample& sample, const CsvReadOptions& options);

}  // namespace logidata

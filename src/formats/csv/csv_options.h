// Options of the CSV reader and writer, parsed from a node's config (see csv_modules.cc for the
// JSON Schema users see). Plain value types; thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "formats/csv/csv_dialect.h"

namespace logidata {

enum class CsvCompression { kAuto, kNone, kGzip, kZstd };
enum class CsvEncoding { kUtf8, kLatin1 };
enum class CsvOnError { kFail, kSkip };
enum class CsvQuoteStyle { kMinimal, kAll, kNone };

Result<CsvCompression> ParseCsvCompression(std::string_view text);
// kAuto resolves by extension: .gz/.gzip -> gzip, .zst/.zstd -> zstd, else none.
CsvCompression ResolveCsvCompression(CsvCompression compression, std::string_view path);

struct CsvReadOptions {
  std::string path;  // as configured (a file, a glob or a directory)
  CsvDialect dialect;
  bool header = true;
  bool skip_bom = true;
  CsvEncoding encoding = CsvEncoding::kUtf8;
  std::vector<std::string> null_values{""};
  int64_t infer_rows = 10000;
  std::map<std::string, std::string> columns;  // explicit types by column name
  CsvCompression compression = CsvCompression::kAuto;
  CsvOnError on_error = CsvOnError::kFail;
  std::string rejects_path;
  int64_t chunk_bytes = 0;  // 0: sized from the sample to about kTargetBatchRows rows
};

struct CsvWriteOptions {
  std::string path;
  char delimiter = ',';
  char quote = '"';
  CsvQuoteStyle quote_style = CsvQuoteStyle::kMinimal;
  bool header = true;
  std::string null_value;
  CsvCompression compression = CsvCompression::kNone;
  std::vector<std::string> partition_by;
};

// Parse a node's config; errors name the JSON pointer of the bad member.
Result<CsvReadOptions> ParseCsvReadOptions(const nlohmann::json& config);
Result<CsvWriteOptions> ParseCsvWriteOptions(const nlohmann::json& config);

}  // namespace logidata

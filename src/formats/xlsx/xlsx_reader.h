// XlsxReader: reads one worksheet of an Excel .xlsx workbook into Records. The zip is read with
// minizip, the workbook parts with pugixml and the sheet itself streamed with expat. Numbers in
// cells whose style is a date format become dates (whole days) or timestamps. Stateless; calls
// may run concurrently.
#pragma once

#include <string>
#include <vector>

#include "formats/json/record.h"

namespace logidata {

// A rectangle of cells; rows 1-based, columns 0-based, both inclusive.
struct CellRange {
  int64_t first_row = 1;
  int64_t last_row = INT64_MAX;
  int first_col = 0;
  int last_col = INT32_MAX;
};

// Parses "B2:F100" (or "B2:F", rows open-ended); nullopt when malformed.
std::optional<CellRange> ParseCellRange(std::string_view text);

struct XlsxReadOptions {
  std::string sheet;    // a sheet name; empty: by sheet_index
  int sheet_index = 1;  // 1-based position among the workbook's sheets
  CellRange range;
  bool header = true;   // the range's first row holds the column names
};

// See RecordReader. Record::line is the Excel row number.
Status ReadXlsxRecords(const XlsxReadOptions& options, const std::string& path, const Buffer& data,
                       int64_t max_records, std::vector<Record>* out);

}  // namespace logidata

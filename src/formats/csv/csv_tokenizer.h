// CsvTokenizer: splits a block of complete CSV records into field spans, column by column, for
// only the columns a reader needs. Quoted fields keep their quotes in the span (CsvFieldText
// strips them); a '\r' before the newline is excluded. Blank lines are skipped. Records with the
// wrong number of fields, or a quote still open at the end, are reported as problems instead of
// rows. The SIMD path (64-byte bitmasks, quote regions by prefix XOR) handles dialects without a
// separate escape character; a scalar state machine handles the rest and serves as reference.
// A tokenizer is immutable after construction and may be shared between threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "formats/csv/csv_dialect.h"

namespace logidata {

struct FieldSpan {
  uint32_t begin;
  uint32_t end;  // exclusive
};

// A record that could not be split into the expected fields.
struct RecordProblem {
  uint32_t begin = 0;  // record bytes, without the line end
  uint32_t end = 0;
  int column = 0;      // 1-based field position the problem is reported at
  std::string reason;
};

// Output of one Tokenize call; reused between calls to keep its allocations.
struct TokenizedRecords {
  int64_t num_rows = 0;
  std::vector<std::vector<FieldSpan>> spans;  // [slot][row]
  std::vector<uint32_t> row_begin;            // [row] first byte of the record
  std::vector<uint32_t> row_end;              // [row] end of the record, line end excluded
  std::vector<RecordProblem> problems;        // in file order
};

class CsvTokenizer {
 public:
  // `columns` lists the field positions (0-based, < num_columns) to extract, in slot order.
  CsvTokenizer(CsvDialect dialect, int num_columns, std::vector<int> columns);

  // Tokenizes data[0, size). Every record must be complete; the last may lack its newline.
  // REQUIRES: size < 2^32 - 64.
  void Tokenize(const char* data, size_t size, TokenizedRecords* out) const;
  // The portable byte-at-a-time version (used for separate escapes, and by tests as reference).
  void TokenizeScalar(const char* data, size_t size, TokenizedRecords* out) const;

  int num_columns() const { return num_columns_; }
  const CsvDialect& dialect() const { return dialect_; }

 private:
  void TokenizeSimd(const char* data, size_t size, TokenizedRecords* out) const;

  CsvDialect dialect_;
  int num_columns_;
  std::vector<int> columns_;
  std::vector<int> slot_of_;  // [field position] -> slot or -1; size num_columns + 1
};

// Splits the first record of data[0, size) into unquoted, unescaped field texts (headers,
// sampling). Returns the bytes consumed including the line end, or 0 at end of input.
// `error` receives a message for an unterminated quote.
size_t SplitRecord(const char* data, size_t size, const CsvDialect& dialect, std::vector<std::string>* fields,
                   std::string* error);

}  // namespace logidata

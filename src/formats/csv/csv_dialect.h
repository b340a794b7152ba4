// CsvDialect: the characters that shape a CSV file. A record ends at '\n' outside quotes (a '\r'
// before it is dropped); every quote character toggles "inside quotes" unless escaped by a
// distinct escape character. Plain value type; thread-compatible.
#pragma once

namespace logidata {

struct CsvDialect {
  char delimiter = ',';
  char quote = '"';    // '\0': no quoting
  char escape = '"';   // == quote: a doubled quote inside quotes; '\0': none; else e.g. '\\'

  bool quoting() const { return quote != '\0'; }
  // True when escapes are a separate character (the SIMD tokenizer handles only the others).
  bool has_separate_escape() const { return escape != '\0' && escape != quote; }
};

}  // namespace logidata

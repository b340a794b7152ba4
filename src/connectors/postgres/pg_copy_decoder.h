// PgCopyDecoder: decodes a binary `COPY … TO STDOUT (FORMAT binary)` stream, read from a libpq
// connection already in the COPY OUT state, into one ColumnBuilder per column. One decoder per
// COPY statement; not thread-safe (one per connection).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "connectors/postgres/pg_connection.h"
#include "types/column_builder.h"
#include "types/schema.h"

namespace logidata {

class PgCopyDecoder {
 public:
  // `decode_oids[i]` is the wire type of column i of `schema` (both must outlive the decoder);
  // `context` prefixes every error ("extract.postgres").
  PgCopyDecoder(const std::vector<uint32_t>* decode_oids, const Schema* schema, std::string context)
      : decode_oids_(decode_oids), schema_(schema), context_(std::move(context)) {}

  // Appends rows to `builders` until `builders[0]` holds `max_rows` rows or the stream ends.
  // Returns false once the COPY has finished (and its final result was checked). `row_base` is
  // the number of rows before these builders, used to number rows in errors.
  Result<bool> ReadRows(PgConnection& conn, std::vector<ColumnBuilder>& builders, int64_t max_rows,
                        int64_t row_base);

 private:
  Status DecodeRow(const char* p, const char* end, std::vector<ColumnBuilder>& builders, int64_t row);

  const std::vector<uint32_t>* decode_oids_;
  const Schema* schema_;
  std::string context_;
  bool header_seen_ = false;
};

}  // namespace logidata

// Parses one line of PostgreSQL's `test_decoding` logical decoding output (the text returned by
// pg_logical_slot_peek_changes) into a structured change. The format, from
// contrib/test_decoding/test_decoding.c (PostgreSQL 10–16):
//
//   BEGIN [xid]                    COMMIT [xid]
//   table <schema>.<name>: INSERT: <col>...
//   table <schema>.<name>: UPDATE: [old-key: <col>... new-tuple:] <col>...
//   table <schema>.<name>: DELETE: <col>...        (the replica identity columns)
//   table <schema>.<name>: TRUNCATE: <flags>
//   … (no-tuple-data) where a tuple is missing; "message: …" for logical messages
//
// where each <col> is ` name[type]:value`; names are quote_identifier'd ("a""b"), types are
// format_type_be text (may contain brackets: `integer[]`), and values are `null`,
// `unchanged-toast-datum`, bare for numbers and booleans, B'…' for bit strings, or a
// single-quoted literal with quotes doubled (newlines kept raw).
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace logidata {

struct DecodedColumn {
  std::string name;                  // unquoted
  std::string type;                  // as printed, e.g. "character varying"
  std::optional<std::string> value;  // unquoted text; nullopt for SQL NULL
  bool unchanged_toast = false;      // an UPDATE left this TOASTed value out of the new tuple
};

struct DecodedChange {
  enum class Kind { kBegin, kCommit, kInsert, kUpdate, kDelete, kTruncate, kMessage };
  Kind kind = Kind::kMessage;
  std::string schema, table;               // unquoted; set for row changes and TRUNCATE
  std::vector<DecodedColumn> old_key;      // UPDATE with a changed key or REPLICA IDENTITY FULL; DELETE
  std::vector<DecodedColumn> new_tuple;    // INSERT, UPDATE
  bool missing_tuple = false;              // "(no-tuple-data)": the table has no replica identity
};

// Parses one output line. DataError (quoting the offending position) on text that does not
// follow the format above.
Result<DecodedChange> ParseTestDecodingLine(std::string_view line);

}  // namespace logidata

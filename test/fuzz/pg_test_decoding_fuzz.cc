// Fuzzes the test_decoding line parser: arbitrary bytes are parsed as one line. Oracles: no crash
// or sanitizer report; every failure is a DataError; and a parsed row change, printed again the
// way test_decoding prints it, parses to the same change.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "connectors/postgres/pg_test_decoding.h"

namespace logidata {
namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "oracle failed: %s\n", what);
    std::abort();
  }
}

std::string Quote(const std::string& s, char q) {
  std::string out(1, q);
  for (char c : s) {
    out += c;
    if (c == q) out += c;
  }
  return out + q;
}

// Always quotes names and string values: a valid (if not minimal) rendering.
std::string Render(const std::vector<DecodedColumn>& cols) {
  std::string out;
  for (const auto& c : cols) {
    out += " " + Quote(c.name, '"') + "[" + c.type + "]:" +
           (c.unchanged_toast ? "unchanged-toast-datum" : c.value ? Quote(*c.value, '\'') : "null");
  }
  return out;
}

bool SameColumns(const std::vector<DecodedColumn>& a, const std::vector<DecodedColumn>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || a[i].type != b[i].type || a[i].value != b[i].value ||
        a[i].unchanged_toast != b[i].unchanged_toast) {
      return false;
    }
  }
  return true;
}

}  // namespace
}  // namespace logidata

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace logidata;
  std::string line(reinterpret_cast<const char*>(data), size);
  auto parsed = ParseTestDecodingLine(line);
  if (!parsed.ok()) {
    Check(parsed.status().IsDataError(), "errors are DataError");
    return 0;
  }
  using Kind = DecodedChange::Kind;
  const DecodedChange& c = *parsed;
  if (c.kind != Kind::kInsert && c.kind != Kind::kUpdate && c.kind != Kind::kDelete) return 0;
  if (c.missing_tuple) return 0;
  // A type containing "]:" cannot be printed unambiguously; the parser reads up to the first.
  for (const auto* cols : {&c.old_key, &c.new_tuple}) {
    for (const auto& col : *cols) {
      if (col.type.find("]:") != std::string::npos) return 0;
    }
  }
  std::string again = "table " + Quote(c.schema, '"') + "." + Quote(c.table, '"') + ": " +
                      (c.kind == Kind::kInsert ? "INSERT:" : c.kind == Kind::kUpdate ? "UPDATE:" : "DELETE:");
  if (c.kind == Kind::kUpdate && !c.old_key.empty()) again += " old-key:" + Render(c.old_key) + " new-tuple:";
  again += Render(c.kind == Kind::kDelete ? c.old_key : c.new_tuple);
  auto reparsed = ParseTestDecodingLine(again);
  Check(reparsed.ok(), "the re-printed change parses");
  Check(reparsed->kind == c.kind && reparsed->schema == c.schema && reparsed->table == c.table, "same table and kind");
  Check(SameColumns(reparsed->old_key, c.old_key) && SameColumns(reparsed->new_tuple, c.new_tuple), "same columns");
  return 0;
}

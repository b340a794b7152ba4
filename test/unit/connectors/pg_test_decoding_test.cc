// ParseTestDecodingLine: the line shapes test_decoding prints (table-driven), and a property
// test that renders random names and values the way test_decoding quotes them and parses them
// back unchanged.
#include <random>

#include <gtest/gtest.h>

#include "connectors/postgres/pg_test_decoding.h"

namespace logidata {
namespace {

using Kind = DecodedChange::Kind;

std::string Describe(const std::vector<DecodedColumn>& cols) {
  std::string out;
  for (const auto& c : cols) {
    out += (out.empty() ? "" : "|") + c.name + "<" + c.type + ">=" +
           (c.unchanged_toast ? "TOAST" : c.value ? "{" + *c.value + "}" : "NULL");
  }
  return out;
}

struct LineCase {
  std::string line;
  Kind kind;
  std::string table;  // schema.table, unquoted
  std::string old_key;
  std::string new_tuple;
  bool missing = false;
};

TEST(PgTestDecoding, ParsesEveryLineShape) {
  const std::vector<LineCase> cases = {
      {"BEGIN 529", Kind::kBegin, ".", "", ""},
      {"COMMIT", Kind::kCommit, ".", "", ""},
      {"table public.t: INSERT: id[integer]:1 v[text]:'a b'", Kind::kInsert, "public.t", "",
       "id<integer>={1}|v<text>={a b}"},
      {"table public.t: INSERT: id[integer]:2 v[text]:null n[numeric]:-1.50 b[boolean]:true", Kind::kInsert,
       "public.t", "", "id<integer>={2}|v<text>=NULL|n<numeric>={-1.50}|b<boolean>={true}"},
      {"table public.t: INSERT: v[text]:'it''s ''q'' null'", Kind::kInsert, "public.t", "",
       "v<text>={it's 'q' null}"},
      {"table public.t: INSERT: v[text]:'null'", Kind::kInsert, "public.t", "", "v<text>={null}"},
      {"table public.t: INSERT: v[text]:''", Kind::kInsert, "public.t", "", "v<text>={}"},
      {"table public.t: INSERT: v[text]:'line1\nline2 x[integer]:3'", Kind::kInsert, "public.t", "",
       "v<text>={line1\nline2 x[integer]:3}"},
      {"table \"My Schema\".\"Ta\"\"ble\": INSERT: \"Weird Col\"[character varying]:'x'", Kind::kInsert,
       "My Schema.Ta\"ble", "", "Weird Col<character varying>={x}"},
      {"table public.t: INSERT: a[integer[]]:'{1,2}' ts[timestamp without time zone]:'2024-01-02 03:04:05'",
       Kind::kInsert, "public.t", "", "a<integer[]>={{1,2}}|ts<timestamp without time zone>={2024-01-02 03:04:05}"},
      {"table public.t: INSERT: bits[bit(4)]:B'0101' f[double precision]:NaN", Kind::kInsert, "public.t", "",
       "bits<bit(4)>={0101}|f<double precision>={NaN}"},
      {"table public.t: UPDATE: id[integer]:1 v[text]:'new'", Kind::kUpdate, "public.t", "",
       "id<integer>={1}|v<text>={new}"},
      {"table public.t: UPDATE: old-key: id[integer]:1 new-tuple: id[integer]:2 v[text]:'x'", Kind::kUpdate,
       "public.t", "id<integer>={1}", "id<integer>={2}|v<text>={x}"},
      {"table public.t: UPDATE: id[integer]:1 big[text]:unchanged-toast-datum", Kind::kUpdate, "public.t", "",
       "id<integer>={1}|big<text>=TOAST"},
      {"table public.t: DELETE: id[integer]:7", Kind::kDelete, "public.t", "id<integer>={7}", ""},
      {"table public.t: DELETE: (no-tuple-data)", Kind::kDelete, "public.t", "", "", true},
      {"table public.t: TRUNCATE: (no-flags)", Kind::kTruncate, "public.t", "", ""},
      {"message: transactional: 1 prefix: p, sz: 1 content:x", Kind::kMessage, ".", "", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.line);
    auto parsed = ParseTestDecodingLine(c.line);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(parsed->kind, c.kind);
    EXPECT_EQ(parsed->schema + "." + parsed->table, c.table);
    EXPECT_EQ(Describe(parsed->old_key), c.old_key);
    EXPECT_EQ(Describe(parsed->new_tuple), c.new_tuple);
    EXPECT_EQ(parsed->missing_tuple, c.missing);
  }
}

TEST(PgTestDecoding, RejectsMalformedLinesWithPosition) {
  for (const std::string line : {"garbage", "table public.t INSERT: id[integer]:1", "table public.t: MERGE: x",
                                 "table public.t: INSERT: v[text]:'unterminated",
                                 "table public.t: INSERT: id[integer:1", "table public.t: INSERT:",
                                 "table \"open: INSERT: id[integer]:1", "table public.t: INSERT: id[integer]:"}) {
    SCOPED_TRACE(line);
    auto parsed = ParseTestDecodingLine(line);
    ASSERT_FALSE(parsed.ok());
    EXPECT_TRUE(parsed.status().IsDataError()) << parsed.status().ToString();
    EXPECT_NE(parsed.status().message().find("offset"), std::string::npos);
  }
}

// quote_identifier: bare when lower-case letters, digits and '_' (not leading digit), else quoted.
std::string QuoteLikePostgres(const std::string& name) {
  bool bare = !name.empty() && !(name[0] >= '0' && name[0] <= '9');
  for (char c : name) bare = bare && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  if (bare) return name;
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string QuoteLiteral(const std::string& v) {
  std::string out = "'";
  for (char c : v) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// Random names and values over an alphabet rich in the format's own punctuation.
TEST(PgTestDecoding, RoundTripsRandomNamesAndValues) {
  std::mt19937 rng(20261207);
  const std::string alphabet = "ab_Z09 '\"[]:.\n-\\,{}";
  auto random_text = [&](size_t max_len) {
    std::string s;
    size_t len = rng() % (max_len + 1);
    for (size_t i = 0; i < len; ++i) s += alphabet[rng() % alphabet.size()];
    return s;
  };
  for (int iter = 0; iter < 2000; ++iter) {
    std::string schema = "s" + random_text(6), table = "t" + random_text(6);
    std::string line = "table " + QuoteLikePostgres(schema) + "." + QuoteLikePostgres(table) + ": INSERT:";
    std::vector<DecodedColumn> expected;
    int ncols = 1 + static_cast<int>(rng() % 5);
    for (int c = 0; c < ncols; ++c) {
      DecodedColumn col;
      col.name = "c" + random_text(5);
      switch (rng() % 4) {
        case 0: col.type = "text"; col.value = random_text(12); break;
        case 1: col.type = "integer[]"; col.value = "{" + std::to_string(rng() % 100) + "}"; break;
        case 2: col.type = "bigint"; col.value = std::to_string(static_cast<int64_t>(rng()) - 1000000); break;
        default: col.type = "text"; break;  // null
      }
      std::string printed = !col.value ? "null" : col.type == "bigint" ? *col.value : QuoteLiteral(*col.value);
      line += " " + QuoteLikePostgres(col.name) + "[" + col.type + "]:" + printed;
      expected.push_back(col);
    }
    SCOPED_TRACE(line);
    auto parsed = ParseTestDecodingLine(line);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(parsed->schema, schema);
    EXPECT_EQ(parsed->table, table);
    EXPECT_EQ(Describe(parsed->new_tuple), Describe(expected));
  }
}

}  // namespace
}  // namespace logidata

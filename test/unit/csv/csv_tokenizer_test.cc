// The tokenizer, the record-boundary scan and the value parsers: SIMD against the scalar
// reference on random bytes, and chunked parallel reads against the rows that were written.
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

#include "csv_test_util.h"
#include "formats/csv/csv_record_scan.h"
#include "formats/csv/csv_tokenizer.h"
#include "formats/csv/csv_value_parser.h"

namespace logidata::testing {
namespace {

std::string RandomCsvBytes(std::mt19937& rng, size_t max_len, const std::string& alphabet) {
  std::uniform_int_distribution<size_t> len(0, max_len), pick(0, alphabet.size() - 1);
  std::string s(len(rng), ' ');
  for (char& c : s) c = alphabet[pick(rng)];
  return s;
}

void ExpectSameTokens(const TokenizedRecords& a, const TokenizedRecords& b, const std::string& input) {
  ASSERT_EQ(a.num_rows, b.num_rows) << input;
  for (size_t s = 0; s < a.spans.size(); ++s) {
    for (int64_t r = 0; r < a.num_rows; ++r) {
      ASSERT_EQ(a.spans[s][static_cast<size_t>(r)].begin, b.spans[s][static_cast<size_t>(r)].begin) << input;
      ASSERT_EQ(a.spans[s][static_cast<size_t>(r)].end, b.spans[s][static_cast<size_t>(r)].end) << input;
    }
  }
  for (int64_t r = 0; r < a.num_rows; ++r) {
    ASSERT_EQ(a.row_begin[static_cast<size_t>(r)], b.row_begin[static_cast<size_t>(r)]);
    ASSERT_EQ(a.row_end[static_cast<size_t>(r)], b.row_end[static_cast<size_t>(r)]);
  }
  ASSERT_EQ(a.problems.size(), b.problems.size()) << input;
  for (size_t i = 0; i < a.problems.size(); ++i) {
    EXPECT_EQ(a.problems[i].begin, b.problems[i].begin);
    EXPECT_EQ(a.problems[i].column, b.problems[i].column);
    EXPECT_EQ(a.problems[i].reason, b.problems[i].reason);
  }
}

TEST(CsvTokenizer, SimdMatchesScalarOnRandomBytes) {
  std::mt19937 rng(42);
  struct Dialect {
    CsvDialect d;
    std::string alphabet;
  };
  std::vector<Dialect> dialects = {{{',', '"', '"'}, "ab,\"\n\r "},
                                   {{';', '\'', '\''}, "x;'\n,\""},
                                   {{',', '\0', '\0'}, "a,\"\n\r"},
                                   {{'\t', '"', '\0'}, "a\t\"\n"}};
  for (const auto& dialect : dialects) {
    for (int iter = 0; iter < 3000; ++iter) {
      std::string input = RandomCsvBytes(rng, iter < 2000 ? 80 : 700, dialect.alphabet);
      int columns = 1 + iter % 4;
      std::vector<int> wanted;
      for (int c = 0; c < columns; ++c) {
        if ((iter >> c) & 1 || c == 0) wanted.push_back(c);
      }
      CsvTokenizer tokenizer(dialect.d, columns, wanted);
      TokenizedRecords simd, scalar;
      tokenizer.Tokenize(input.data(), input.size(), &simd);
      tokenizer.TokenizeScalar(input.data(), input.size(), &scalar);
      ExpectSameTokens(simd, scalar, input);
      if (::testing::Test::HasFailure()) return;
    }
  }
}

TEST(CsvTokenizer, SpansCoverFieldsWithoutLineEnds) {
  std::string input = "ab,\"c,d\"\r\n\n,x\n\"q\nr\",\"\"";
  CsvTokenizer tokenizer(CsvDialect{}, 2, {0, 1});
  TokenizedRecords out;
  tokenizer.Tokenize(input.data(), input.size(), &out);
  ASSERT_EQ(out.num_rows, 3);
  auto text = [&](int slot, int row) {
    FieldSpan s = out.spans[static_cast<size_t>(slot)][static_cast<size_t>(row)];
    return input.substr(s.begin, s.end - s.begin);
  };
  EXPECT_EQ(text(0, 0), "ab");
  EXPECT_EQ(text(1, 0), "\"c,d\"");
  EXPECT_EQ(text(0, 1), "");
  EXPECT_EQ(text(1, 1), "x");
  EXPECT_EQ(text(0, 2), "\"q\nr\"");
  EXPECT_EQ(text(1, 2), "\"\"");
  EXPECT_TRUE(out.problems.empty());
}

// The reference: the first '\n' outside quotes at or after `nominal`, scanning from `from`.
RecordEnd NaiveRecordEnd(const std::string& s, size_t from, size_t nominal, const CsvDialect& d) {
  RecordEnd r;
  bool inside = false;
  for (size_t i = from; i < s.size(); ++i) {
    if (s[i] == '\n') ++r.newlines;
    if (d.quoting() && s[i] == d.quote) inside = !inside;
    if (s[i] == '\n' && !inside && i >= nominal) {
      r.found = true;
      r.end = i + 1;
      return r;
    }
  }
  return r;
}

TEST(CsvRecordScan, MatchesNaiveScanOnRandomBytes) {
  std::mt19937 rng(7);
  for (const CsvDialect& d : {CsvDialect{}, CsvDialect{',', '\0', '\0'}}) {
    for (int iter = 0; iter < 5000; ++iter) {
      std::string s = RandomCsvBytes(rng, 400, "a\"\n,");
      std::uniform_int_distribution<size_t> pos(0, s.size());
      size_t nominal = pos(rng);
      RecordEnd got = FindRecordEnd(s.data(), 0, nominal, s.size(), d);
      RecordEnd want = NaiveRecordEnd(s, 0, nominal, d);
      ASSERT_EQ(got.found, want.found) << s << " @" << nominal;
      if (want.found) {
        ASSERT_EQ(got.end, want.end) << s << " @" << nominal;
        ASSERT_EQ(got.newlines, want.newlines) << s << " @" << nominal;
      }
    }
  }
}

TEST(CsvRecordScan, CountsNewlines) {
  EXPECT_EQ(CountNewlines("", 0), 0);
  std::string s(1000, 'x');
  for (size_t i = 0; i < s.size(); i += 7) s[i] = '\n';
  EXPECT_EQ(CountNewlines(s.data(), s.size()), 143);
}

// A file full of the hard cases, with the rows it should read back as.
struct TrickyFile {
  std::string text;
  std::vector<std::vector<std::string>> rows;
};

TrickyFile MakeTrickyFile(int rows, bool crlf) {
  std::mt19937 rng(99);
  TrickyFile f;
  const std::string eol = crlf ? "\r\n" : "\n";
  f.text = "id,text,amount" + eol;
  const std::vector<std::string> pieces = {"plain", "a,b", "say \"hi\"", "two\nlines", "x\r\ny", "", ",,,", "\"\"", "end\n"};
  for (int i = 0; i < rows; ++i) {
    std::string value;
    int parts = static_cast<int>(rng() % 3);
    for (int p = 0; p <= parts; ++p) value += pieces[rng() % pieces.size()];
    std::string quoted = "\"";
    for (char c : value) {
      if (c == '"') quoted += '"';
      quoted += c;
    }
    quoted += '"';
    bool needs_quotes = value.find_first_of(",\"\n\r") != std::string::npos || value.empty();
    std::string amount = std::to_string(i) + "." + std::to_string(i % 100);
    f.text += std::to_string(i) + "," + (needs_quotes || rng() % 2 ? quoted : value) + "," + amount + eol;
    double parsed = std::strtod(amount.c_str(), nullptr);
    f.rows.push_back({std::to_string(i), value, Value::Float64(parsed).ToString()});
  }
  return f;
}

TEST(CsvChunking, ParallelChunksReadTheSameRowsAsOneChunk) {
  std::string dir = TempDir("csv-chunks");
  for (bool crlf : {false, true}) {
    TrickyFile f = MakeTrickyFile(3000, crlf);
    std::string path = WriteFile(dir, crlf ? "crlf.csv" : "lf.csv", f.text);
    std::string gz = WriteFile(dir, crlf ? "crlf.csv.gz" : "lf.csv.gz", Gzip(f.text));
    for (const std::string& p : {path, gz}) {
      for (int64_t chunk : {1, 13, 64, 100, 999, 4096, 0}) {
        for (int threads : {1, 2}) {
          SCOPED_TRACE(p + " chunk=" + std::to_string(chunk) + " threads=" + std::to_string(threads));
          ExtractResult r = RunExtract({{"path", p}, {"chunk_bytes", chunk}, {"columns", {{"text", "string"}}}}, threads);
          ASSERT_TRUE(r.status.ok()) << r.status.ToString();
          EXPECT_EQ(r.schema->ToString(), "id: int64, text: string, amount: float64");
          auto rows = Rows(r.batches);
          ASSERT_EQ(rows.size(), f.rows.size());
          EXPECT_EQ(rows, f.rows);
          // Batches carry contiguous sequence numbers in file order.
          for (size_t i = 0; i < r.batches.size(); ++i) EXPECT_EQ(r.batches[i]->sequence(), i);
        }
      }
    }
  }
}

TEST(CsvChunking, BackslashEscapesAcrossChunks) {
  std::string text = "k,v\n";
  std::vector<std::vector<std::string>> expected;
  for (int i = 0; i < 400; ++i) {
    // Escaped quotes, delimiters and newlines, inside and outside quotes.
    switch (i % 4) {
      case 0: text += std::to_string(i) + ",\"a\\\"b\\\\\"\n"; expected.push_back({std::to_string(i), "a\"b\\"}); break;
      case 1: text += std::to_string(i) + ",x\\,y\n"; expected.push_back({std::to_string(i), "x,y"}); break;
      case 2: text += std::to_string(i) + ",\"l1\\\nl2\"\n"; expected.push_back({std::to_string(i), "l1\nl2"}); break;
      default: text += std::to_string(i) + ",\"p,\nq\"\n"; expected.push_back({std::to_string(i), "p,\nq"}); break;
    }
  }
  std::string path = WriteFile(TempDir("csv-escape"), "e.csv", text);
  for (int64_t chunk : {1, 9, 50, 0}) {
    for (int threads : {1, 2}) {
      SCOPED_TRACE("chunk=" + std::to_string(chunk) + " threads=" + std::to_string(threads));
      ExtractResult r = RunExtract({{"path", path}, {"escape", "\\"}, {"chunk_bytes", chunk}}, threads);
      ASSERT_TRUE(r.status.ok()) << r.status.ToString();
      EXPECT_EQ(Rows(r.batches), expected);
    }
  }
}

TEST(CsvChunking, ErrorLineNumbersAreExactAcrossChunks) {
  std::string dir = TempDir("csv-chunk-err");
  TrickyFile f = MakeTrickyFile(500, false);
  int lines = 1;
  for (char c : f.text) lines += c == '\n';
  std::string path = WriteFile(dir, "e.csv", f.text + "oops,x,1\n");
  for (int64_t chunk : {17, 256, 0}) {
    ExtractResult r =
        RunExtract({{"path", path}, {"chunk_bytes", chunk}, {"columns", {{"text", "string"}, {"id", "int64"}}}}, 2);
    ASSERT_FALSE(r.status.ok());
    EXPECT_EQ(r.status.message(), path + ":" + std::to_string(lines) + ":1: value 'oops' is not a valid int64 for column 'id'");
  }
}

TEST(CsvValueParser, Integers) {
  struct Case {
    std::string text;
    bool ok;
    int64_t value;
  };
  for (const Case& c : std::vector<Case>{{"0", true, 0},
                                         {"-12", true, -12},
                                         {"+7", true, 7},
                                         {"9223372036854775807", true, INT64_MAX},
                                         {"-9223372036854775808", true, INT64_MIN},
                                         {"0000000000000000042", true, 42},
                                         {"9223372036854775808", false, 0},
                                         {"99999999999999999999", false, 0},
                                         {"", false, 0},
                                         {"-", false, 0},
                                         {"1.0", false, 0},
                                         {"1e3", false, 0},
                                         {"12a", false, 0}}) {
    int64_t v = 0;
    EXPECT_EQ(ParseCsvInt64(c.text, &v), c.ok) << c.text;
    if (c.ok) {
      EXPECT_EQ(v, c.value) << c.text;
    }
  }
}

TEST(CsvValueParser, DoublesMatchStrtodExactly) {
  std::mt19937 rng(5);
  for (int i = 0; i < 200000; ++i) {
    std::string s = rng() % 4 == 0 ? "-" : "";
    s.append(std::to_string(rng() % 100000000));
    if (rng() % 3) {
      s.push_back('.');
      s.append(std::to_string(rng() % 10000000));
    }
    double got;
    ASSERT_TRUE(ParseCsvFloat64(s, &got)) << s;
    ASSERT_EQ(got, std::strtod(s.c_str(), nullptr)) << s;
  }
  for (std::string s : {"1e10", "-2.5E-3", "inf", "nan", "12345678901234567890.5", "0.1234567890123456789"}) {
    double got;
    ASSERT_TRUE(ParseCsvFloat64(s, &got)) << s;
    if (s != "nan") {
      EXPECT_EQ(got, std::strtod(s.c_str(), nullptr)) << s;
    }
  }
  for (std::string s : {"", "-", ".", "1.2.3", "1,5", "abc", "1e"}) {
    double got;
    EXPECT_FALSE(ParseCsvFloat64(s, &got)) << s;
  }
}

TEST(CsvValueParser, PaddedFastPathsAgreeWithPlainParsers) {
  std::mt19937 rng(11);
  const std::string alphabet = "0123456789.-+e :";
  for (int i = 0; i < 300000; ++i) {
    std::string s;
    size_t len = 1 + rng() % 10;
    for (size_t k = 0; k < len; ++k) s.push_back(alphabet[rng() % (k < 2 ? alphabet.size() : 11)]);
    std::string padded = s + std::string(8, static_cast<char>('0' + rng() % 10));
    int64_t a = 0, b = 0;
    ASSERT_EQ(ParseCsvInt64Padded(padded.data(), s.size(), &a), ParseCsvInt64(s, &b)) << s;
    ASSERT_EQ(a, b) << s;
    double x = 0, y = 0;
    bool ok = ParseCsvFloat64Padded(padded.data(), s.size(), &x);
    ASSERT_EQ(ok, ParseCsvFloat64(s, &y)) << s;
    if (ok) {
      ASSERT_EQ(x, y) << s;
      ASSERT_EQ(x, std::strtod(s.c_str(), nullptr)) << s;
    }
  }
}

TEST(CsvValueParser, DecimalsAndBools) {
  int128_t v;
  ASSERT_TRUE(ParseCsvDecimal("12.5", 10, 2, &v));
  EXPECT_TRUE(v == 1250);
  ASSERT_TRUE(ParseCsvDecimal("-0.01", 10, 2, &v));
  EXPECT_TRUE(v == -1);
  ASSERT_TRUE(ParseCsvDecimal("7", 3, 0, &v));
  EXPECT_TRUE(v == 7);
  EXPECT_FALSE(ParseCsvDecimal("1.234", 10, 2, &v));   // too many fractional digits
  EXPECT_TRUE(ParseCsvDecimal("1.230", 10, 2, &v));    // trailing zeros are fine
  EXPECT_FALSE(ParseCsvDecimal("123456789", 10, 2, &v));  // integer part too long
  EXPECT_FALSE(ParseCsvDecimal("1x", 10, 2, &v));
  bool b;
  for (std::string t : {"true", "TRUE", "t", "Yes", "y", "1"}) EXPECT_TRUE(ParseCsvBool(t, &b) && b) << t;
  for (std::string f : {"false", "F", "no", "N", "0"}) EXPECT_TRUE(ParseCsvBool(f, &b) && !b) << f;
  EXPECT_FALSE(ParseCsvBool("maybe", &b));
}

TEST(CsvSplitRecord, UnescapesAndReportsUnterminated) {
  std::vector<std::string> fields;
  std::string error;
  std::string in = "a,\"b,\"\"c\"\"\",\r\nnext";
  size_t used = SplitRecord(in.data(), in.size(), CsvDialect{}, &fields, &error);
  EXPECT_EQ(used, in.find("next"));
  EXPECT_EQ(fields, (std::vector<std::string>{"a", "b,\"c\"", ""}));
  in = "\"open,x";
  SplitRecord(in.data(), in.size(), CsvDialect{}, &fields, &error);
  EXPECT_EQ(error, "unterminated quote");
}

}  // namespace
}  // namespace logidata::testing

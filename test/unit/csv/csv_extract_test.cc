// extract.csv end to end through the operator harness: every option, the schema it infers, and
// malformed input with the exact file:line:column of the error.
#include <gtest/gtest.h>

#include "csv_test_util.h"

namespace logidata::testing {
namespace {

using Rows2 = std::vector<std::vector<std::string>>;

struct ExtractCase {
  std::string name;
  std::string content;
  nlohmann::json config;  // merged over {"path": <file>}
  std::string schema;     // expected Schema::ToString()
  Rows2 rows;
};

class ExtractCaseTest : public ::testing::TestWithParam<ExtractCase> {};

TEST_P(ExtractCaseTest, ReadsRowsAndSchema) {
  const ExtractCase& c = GetParam();
  std::string dir = TempDir("csv-extract");
  nlohmann::json config = c.config;
  config["path"] = WriteFile(dir, "in.csv", c.content);
  for (int threads : {1, 2}) {
    SCOPED_TRACE(c.name + " threads=" + std::to_string(threads));
    ExtractResult r = RunExtract(config, threads);
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    EXPECT_EQ(r.schema->ToString(), c.schema);
    EXPECT_EQ(Rows(r.batches), c.rows);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Options, ExtractCaseTest,
    ::testing::Values(
        ExtractCase{"infers_types",
                    "i,f,b,d,t,s\n1,2.5,true,2024-01-02,2024-01-02 03:04:05,x\n-7,1e3,FALSE,2023-12-31,2023-12-31T23:59:59.5,y z\n",
                    {},
                    "i: int64, f: float64, b: bool, d: date, t: timestamp, s: string",
                    {{"1", "2.5", "true", "2024-01-02", "2024-01-02 03:04:05", "x"},
                     {"-7", "1000", "false", "2023-12-31", "2023-12-31 23:59:59.500000", "y z"}}},
        ExtractCase{"semicolon_delimiter", "a;b\n1;x,y\n", {{"delimiter", ";"}}, "a: int64, b: string", {{"1", "x,y"}}},
        ExtractCase{"tab_delimiter", "a\tb\n1\tx y\n", {{"delimiter", "\t"}}, "a: int64, b: string", {{"1", "x y"}}},
        ExtractCase{"tab_delimiter_by_name", "a\tb\n1\tz\n", {{"delimiter", "tab"}}, "a: int64, b: string", {{"1", "z"}}},
        ExtractCase{"quoted_fields",
                    "a,b\n\"x,1\",\"say \"\"hi\"\"\"\n\"line\nbreak\",\"\"\n",
                    {},
                    "a: string, b: string",
                    {{"x,1", "say \"hi\""}, {"line\nbreak", ""}}},
        ExtractCase{"crlf", "a,b\r\n1,x\r\n2,\"y\r\nz\"\r\n", {}, "a: int64, b: string", {{"1", "x"}, {"2", "y\r\nz"}}},
        ExtractCase{"bom_is_skipped", "\xEF\xBB\xBFid,v\n1,a\n", {}, "id: int64, v: string", {{"1", "a"}}},
        ExtractCase{"bom_kept_when_asked", "\xEF\xBB\xBFid,v\n1,a\n", {{"skip_bom", false}},
                    "\xEF\xBB\xBFid: int64, v: string", {{"1", "a"}}},
        ExtractCase{"no_header", "1,a\n2,b\n", {{"header", false}}, "column1: int64, column2: string",
                    {{"1", "a"}, {"2", "b"}}},
        ExtractCase{"null_values", "a,b\nNA,x\n3,\n4,NA\n", {{"null_values", {"NA"}}}, "a: int64, b: string",
                    {{"NULL", "x"}, {"3", ""}, {"4", "NULL"}}},
        ExtractCase{"default_nulls_and_quoted_empty", "a,b\n,\"\"\n1,\n", {}, "a: int64, b: string",
                    {{"NULL", ""}, {"1", "NULL"}}},
        ExtractCase{"explicit_columns", "a,b,c\n1,2.50,2024-01-01\n", {{"columns", {{"a", "string"}, {"b", "decimal(10,2)"}, {"c", "timestamp"}}}},
                    "a: string, b: decimal(10,2), c: timestamp", {{"1", "2.50", "2024-01-01 00:00:00"}}},
        ExtractCase{"int32_column", "a\n5\n-6\n", {{"columns", {{"a", "int32"}}}}, "a: int32", {{"5"}, {"-6"}}},
        ExtractCase{"backslash_escape", "a,b\n\"x\\\"y\",\"p\\\\\"\nq\\,r,s\n", {{"escape", "\\"}}, "a: string, b: string",
                    {{"x\"y", "p\\"}, {"q,r", "s"}}},
        ExtractCase{"escape_none", "a,b\n\"x\"\"y\",z\n", {{"escape", "none"}}, "a: string, b: string", {{"x\"\"y", "z"}}},
        ExtractCase{"quoting_disabled", "a,b\n\"x\",y\n", {{"quote", ""}}, "a: string, b: string", {{"\"x\"", "y"}}},
        ExtractCase{"single_quote", "a,b\n'x,y',z\n", {{"quote", "'"}}, "a: string, b: string", {{"x,y", "z"}}},
        ExtractCase{"latin1", "name,city\nJos\xE9,K\xF6ln\n", {{"encoding", "latin-1"}}, "name: string, city: string",
                    {{"Jos\xC3\xA9", "K\xC3\xB6ln"}}},
        ExtractCase{"blank_lines_and_no_final_newline", "a,b\n\n1,x\n\r\n2,y", {}, "a: int64, b: string",
                    {{"1", "x"}, {"2", "y"}}},
        ExtractCase{"header_only", "a,b\n", {}, "a: string, b: string", {}},
        ExtractCase{"duplicate_and_blank_names", "a,a,\n1,2,3\n", {}, "a: int64, a_2: int64, column3: int64",
                    {{"1", "2", "3"}}},
        ExtractCase{"spaces_around_numbers", "a,b\n 1 ,\t2.5\n", {}, "a: int64, b: float64", {{"1", "2.5"}}},
        ExtractCase{"typed_spaces_trimmed", "a,b\n 1 , 2.5\n", {{"columns", {{"a", "int64"}, {"b", "float64"}}}},
                    "a: int64, b: float64", {{"1", "2.5"}}},
        ExtractCase{"bools_words_only", "a,b,c\n1,True,y\n0,false,n\n", {}, "a: int64, b: bool, c: string",
                    {{"1", "true", "y"}, {"0", "false", "n"}}},
        ExtractCase{"explicit_bool_words", "a\nyes\nN\n1\n", {{"columns", {{"a", "bool"}}}}, "a: bool",
                    {{"true"}, {"false"}, {"true"}}},
        ExtractCase{"timestamp_with_offset", "t\n2024-01-01T10:00:00+02:00\n", {}, "t: timestamp(UTC)",
                    {{"2024-01-01 08:00:00"}}},
        ExtractCase{"big_ints", "a\n9223372036854775807\n-9223372036854775808\n", {}, "a: int64",
                    {{"9223372036854775807"}, {"-9223372036854775808"}}},
        ExtractCase{"int_overflow_is_float", "a\n9223372036854775808\n", {}, "a: float64", {{"9223372036854775808"}}}),
    [](const ::testing::TestParamInfo<ExtractCase>& info) { return info.param.name; });

struct ErrorCase {
  std::string name;
  std::string content;
  nlohmann::json config;
  std::string error;  // expected message with "{file}" for the file path
};

class ExtractErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ExtractErrorTest, NamesFileLineColumnAndReason) {
  const ErrorCase& c = GetParam();
  std::string dir = TempDir("csv-error");
  std::string path = WriteFile(dir, "bad.csv", c.content);
  nlohmann::json config = c.config;
  config["path"] = path;
  std::string expected = c.error;
  expected.replace(expected.find("{file}"), 6, path);
  for (int threads : {1, 2}) {
    SCOPED_TRACE(c.name + " threads=" + std::to_string(threads));
    ExtractResult r = RunExtract(config, threads);
    ASSERT_FALSE(r.status.ok());
    EXPECT_TRUE(r.status.IsDataError()) << r.status.ToString();
    EXPECT_EQ(r.status.message(), expected);
  }
}

INSTANTIATE_TEST_SUITE_P(
    BadInput, ExtractErrorTest,
    ::testing::Values(
        ErrorCase{"too_few_fields", "a,b\n1,2\n3\n4,5\n", {}, "{file}:3:2: expected 2 fields but found 1"},
        ErrorCase{"too_many_fields", "a,b\n1,2\n3,4,5\n", {}, "{file}:3:3: expected 2 fields but found 3"},
        ErrorCase{"unterminated_quote", "a,b\n1,2\n3,\"abc\n4,5\n", {},
                  "{file}:3:2: unterminated quote: the field never closes"},
        ErrorCase{"bad_int", "a,b\n1,x\n2,y\nz,w\n", {{"columns", {{"a", "int64"}}}},
                  "{file}:4:1: value 'z' is not a valid int64 for column 'a'"},
        ErrorCase{"bad_date_after_quoted_newline", "a,d\n\"x\ny\",2024-01-01\nb,2024-13-01\n", {{"columns", {{"d", "date"}}}},
                  "{file}:4:2: value '2024-13-01' is not a valid date for column 'd'"},
        ErrorCase{"junk_after_closing_quote", "a,b\n\"x\"y,1\n", {},
                  "{file}:2:1: a closing quote must be followed by the delimiter or the end of the line (column 'a')"},
        ErrorCase{"inferred_type_breaks_later", "a\n1\n2\n2.5\n", {{"infer_rows", 2}},
                  "{file}:4:1: value '2.5' is not a valid int64 for column 'a'"},
        ErrorCase{"header_unterminated_quote", "\"a,b\n1,2\n", {}, "{file}:1:1: unterminated quote in the header"},
        ErrorCase{"latin1_read_as_utf8", "name,city\nann,Paris\nJos\xE9,K\xF6ln\n", {},
                  "{file}:3:1: invalid UTF-8: byte 0xE9 at byte 4 of the field (column 'name'); if the file is "
                  "Latin-1, set \"encoding\": \"latin-1\""},
        ErrorCase{"truncated_utf8_in_quoted_field", "a,b\nok,1\n\"x,\xE6\x97\",2\n", {},
                  "{file}:3:1: invalid UTF-8: bytes 0xE6 0x97 at byte 3 of the field (column 'a'); if the file is "
                  "Latin-1, set \"encoding\": \"latin-1\""},
        // The column's cells run together as "x\xC3\xA9y", valid UTF-8: only the check of each
        // cell's end, made when the column is not all ASCII, finds the cut sequence.
        ErrorCase{"utf8_sequence_cut_between_rows", "a,b\nx\xC3,1\n\xA9y,2\n", {},
                  "{file}:2:1: invalid UTF-8: byte 0xC3 at byte 2 of the field (column 'a'); if the file is "
                  "Latin-1, set \"encoding\": \"latin-1\""}),
    [](const ::testing::TestParamInfo<ErrorCase>& info) { return info.param.name; });

TEST(CsvExtract, MissingFileIsNotFoundAtPath) {
  ExtractResult r = RunExtract({{"path", TempDir("csv-missing") + "/nope.csv"}});
  ASSERT_FALSE(r.status.ok());
  EXPECT_TRUE(r.status.IsNotFound()) << r.status.ToString();
  EXPECT_NE(r.status.message().find("/path"), std::string::npos);
  EXPECT_NE(r.status.message().find("nope.csv"), std::string::npos);
}

TEST(CsvExtract, ExplicitColumnsGiveSchemaWithoutFileWhenNotTouchingData) {
  nlohmann::json config = {{"path", "/nonexistent/x.csv"}, {"columns", {{"a", "int64"}, {"b", "string"}}}};
  auto desc = CsvRegistry().Find(ModuleKind::kExtract, "csv");
  ASSERT_TRUE(desc.ok());
  BindContext ctx;
  ctx.config = &config;
  ctx.fs = &LocalFileSystem();
  ctx.can_touch_data = false;
  auto op = (*desc)->factory(ctx);
  ASSERT_TRUE(op.ok()) << op.status().ToString();
  EXPECT_EQ((*op)->output_schemas()[0]->ToString(), "a: int64, b: string");
  ctx.can_touch_data = true;
  EXPECT_FALSE((*desc)->factory(ctx).ok());
}

TEST(CsvExtract, UnknownExplicitColumnIsAConfigError) {
  std::string dir = TempDir("csv-cols");
  ExtractResult r = RunExtract({{"path", WriteFile(dir, "a.csv", "a,b\n1,2\n")}, {"columns", {{"c", "int64"}}}});
  ASSERT_FALSE(r.status.ok());
  EXPECT_TRUE(r.status.IsInvalidArgument());
  EXPECT_EQ(r.status.message(), "/columns/c: no column 'c' in the file (columns: a, b)");
}

TEST(CsvExtract, BadConfigValuesNameTheirPointer) {
  std::string path = WriteFile(TempDir("csv-cfg"), "a.csv", "a\n1\n");
  struct Case {
    nlohmann::json extra;
    std::string error;
  };
  for (const Case& c : std::vector<Case>{
           {{{"delimiter", ",,"}}, "/delimiter: must be a single character"},
           {{{"encoding", "utf-16"}}, "/encoding: unknown encoding 'utf-16' (use utf-8 or latin-1)"},
           {{{"on_error", "ignore"}}, "/on_error: must be 'fail' or 'skip'"},
           {{{"compression", "lz4"}}, "/compression: unknown compression 'lz4' (use auto, none, gzip or zstd)"},
           {{{"rejects_path", "r.csv"}}, "/rejects_path: rejected rows are only written with on_error: skip"},
           {{{"columns", {{"a", "int77"}}}}, "/columns/a:"},
       }) {
    nlohmann::json config = c.extra;
    config["path"] = path;
    ExtractResult r = RunExtract(config);
    ASSERT_FALSE(r.status.ok()) << c.extra.dump();
    EXPECT_EQ(r.status.message().substr(0, c.error.size()), c.error) << r.status.message();
  }
}

TEST(CsvExtract, WideFilesWithManyColumns) {
  std::string header, row1, row2;
  for (int c = 0; c < 300; ++c) {
    if (c > 0) {
      header.push_back(',');
      row1.push_back(',');
      row2.push_back(',');
    }
    header.push_back('c');
    header.append(std::to_string(c));
    row1.append(std::to_string(c));
    row2.push_back('"');
    row2.append(std::to_string(-c));
    row2.push_back('"');
  }
  std::string path = WriteFile(TempDir("csv-wide"), "w.csv", header + "\n" + row1 + "\n" + row2 + "\n");
  ExtractResult r = RunExtract({{"path", path}, {"chunk_bytes", 500}}, 2);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  ASSERT_EQ(r.schema->num_fields(), 300);
  auto rows = Rows(r.batches);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][299], "299");
  EXPECT_EQ(rows[1][299], "-299");
}

TEST(CsvExtract, RelativePathResolvesAgainstBaseDir) {
  std::string dir = TempDir("csv-rel");
  WriteFile(dir, "data/x.csv", "a\n1\n");
  ExtractResult r = RunExtract({{"path", "data/x.csv"}}, 1, {}, dir);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(Rows(r.batches), (Rows2{{"1"}}));
}

TEST(CsvExtract, GlobAndDirectoryReadFilesInOrder) {
  std::string dir = TempDir("csv-glob");
  WriteFile(dir, "in/b.csv", "id,v\n3,c\n4,d\n");
  WriteFile(dir, "in/a.csv", "id,v\n1,a\n2,b\n");
  WriteFile(dir, "in/notes.txt", "ignored");
  for (const std::string& pattern : {dir + "/in/*.csv", dir + "/in/?.csv"}) {
    ExtractResult r = RunExtract({{"path", pattern}, {"chunk_bytes", 4}}, 2);
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    EXPECT_EQ(Rows(r.batches), (Rows2{{"1", "a"}, {"2", "b"}, {"3", "c"}, {"4", "d"}})) << pattern;
  }
  std::filesystem::remove(dir + "/in/notes.txt");
  ExtractResult r = RunExtract({{"path", dir + "/in"}});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(Rows(r.batches).size(), 4u);
}

TEST(CsvExtract, GlobWithDifferentHeaderNamesTheFile) {
  std::string dir = TempDir("csv-glob-bad");
  WriteFile(dir, "a.csv", "id,v\n1,a\n");
  std::string second = WriteFile(dir, "b.csv", "id,w\n2,b\n");
  ExtractResult r = RunExtract({{"path", dir + "/*.csv"}});
  ASSERT_FALSE(r.status.ok());
  EXPECT_EQ(r.status.message(), second +
                                    ":1: the header [id, w] differs from the first file's [id, v]; all files of one "
                                    "extract must share a header");
}

TEST(CsvExtract, GzipAndZstdByExtensionAndByOption) {
  std::string dir = TempDir("csv-compressed");
  std::string text = "id,name\n1,\"a\nb\"\n2,c\n";
  for (int i = 3; i < 3000; ++i) text += std::to_string(i) + ",n" + std::to_string(i) + "\n";
  ExtractResult plain = RunExtract({{"path", WriteFile(dir, "p.csv", text)}});
  ASSERT_TRUE(plain.status.ok());
  struct Case {
    std::string file;
    std::string bytes;
    std::string compression;
  };
  for (const Case& c : std::vector<Case>{{"x.csv.gz", Gzip(text), "auto"},
                                         {"x.csv.zst", Zstd(text), "auto"},
                                         {"gz.data", Gzip(text), "gzip"},
                                         {"zs.data", Zstd(text), "zstd"},
                                         {"two_members.csv.gz", Gzip(text.substr(0, 20)) + Gzip(text.substr(20)), "auto"}}) {
    for (int64_t chunk : {0, 7, 1000}) {
      SCOPED_TRACE(c.file + " chunk=" + std::to_string(chunk));
      ExtractResult r = RunExtract({{"path", WriteFile(dir, c.file, c.bytes)}, {"compression", c.compression}, {"chunk_bytes", chunk}}, 2);
      ASSERT_TRUE(r.status.ok()) << r.status.ToString();
      EXPECT_EQ(r.schema->ToString(), "id: int64, name: string");
      EXPECT_EQ(Rows(r.batches), Rows(plain.batches));
    }
  }
}

TEST(CsvExtract, CorruptCompressedFileIsADataError) {
  std::string dir = TempDir("csv-corrupt");
  std::string gz = Gzip("a,b\n1,2\n");
  gz.resize(gz.size() - 6);
  ExtractResult r = RunExtract({{"path", WriteFile(dir, "t.csv.gz", gz)}});
  ASSERT_FALSE(r.status.ok());
  EXPECT_NE(r.status.message().find("gzip"), std::string::npos) << r.status.ToString();
  std::string junk = "this is not zstd at all";
  r = RunExtract({{"path", WriteFile(dir, "j.csv.zst", junk)}});
  ASSERT_FALSE(r.status.ok());
  EXPECT_NE(r.status.message().find("zstd"), std::string::npos) << r.status.ToString();
}

TEST(CsvExtract, SkipWritesRejectsWithLineColumnReasonAndRaw) {
  std::string dir = TempDir("csv-rejects");
  std::string path = WriteFile(dir, "in.csv", "a,b\n1,x\n2\n3,\"q\nr\"\nfour,y\n5,z,extra\n6,\"ok\"\n");
  std::string rejects = dir + "/rejects.csv";
  for (int threads : {1, 2}) {
    for (int64_t chunk : {0, 5}) {
      SCOPED_TRACE("threads=" + std::to_string(threads) + " chunk=" + std::to_string(chunk));
      std::filesystem::remove(rejects);
      ExtractResult r = RunExtract({{"path", path},
                                    {"columns", {{"a", "int64"}}},
                                    {"on_error", "skip"},
                                    {"rejects_path", rejects},
                                    {"chunk_bytes", chunk}},
                                   threads);
      ASSERT_TRUE(r.status.ok()) << r.status.ToString();
      EXPECT_EQ(Rows(r.batches), (Rows2{{"1", "x"}, {"3", "q\nr"}, {"6", "ok"}}));
      EXPECT_EQ(ReadFileText(rejects),
                "line,column,reason,raw\n"
                "3,2,\"expected 2 fields but found 1\",\"2\"\n"
                "6,1,\"value 'four' is not a valid int64 for column 'a'\",\"four,y\"\n"
                "7,3,\"expected 2 fields but found 3\",\"5,z,extra\"\n");
    }
  }
}

TEST(CsvExtract, InvalidUtf8RowsAreRejectedWithSkip) {
  std::string dir = TempDir("csv-utf8-skip");
  std::string path = WriteFile(dir, "in.csv", "a,b\nann,1\nJos\xE9,2\ncaf\xC3\xA9,3\n");
  std::string rejects = dir + "/rejects.csv";
  ExtractResult r = RunExtract({{"path", path}, {"on_error", "skip"}, {"rejects_path", rejects}}, 2);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(Rows(r.batches), (Rows2{{"ann", "1"}, {"caf\xC3\xA9", "3"}}));
  EXPECT_NE(ReadFileText(rejects).find("3,1,\"invalid UTF-8: byte 0xE9 at byte 4"), std::string::npos)
      << ReadFileText(rejects);
}

TEST(CsvExtract, ProjectionDecodesOnlyRequiredColumnsAndKeepsSchema) {
  std::string dir = TempDir("csv-proj");
  std::string path = WriteFile(dir, "in.csv", "a,b,c\n1,x,2.5\n2,y,3.5\n");
  ExtractResult r = RunExtract({{"path", path}}, 2, {2});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.schema->ToString(), "a: int64, b: string, c: float64");
  EXPECT_EQ(Rows(r.batches), (Rows2{{"NULL", "NULL", "2.5"}, {"NULL", "NULL", "3.5"}}));
  for (const auto& b : r.batches) EXPECT_TRUE(b->Validate().ok()) << b->Validate().ToString();
}

TEST(CsvExtract, ProjectionSkipsValidationOfUnreadColumnsButNotFieldCounts) {
  std::string dir = TempDir("csv-proj2");
  std::string path = WriteFile(dir, "in.csv", "a,b\n1,2\nx,3\n4\n");
  ExtractResult r = RunExtract({{"path", path}, {"columns", {{"a", "int64"}}}}, 1, {1});
  ASSERT_FALSE(r.status.ok());
  EXPECT_EQ(r.status.message(), path + ":4:2: expected 2 fields but found 1");
}

}  // namespace
}  // namespace logidata::testing

namespace logidata::testing {
namespace {

TEST(CsvExtractFixtures, ReadsCheckedInFiles) {
  struct Case {
    std::string file;
    nlohmann::json config;
    std::string schema;
    std::vector<std::vector<std::string>> rows;
  };
  const std::string data = std::string(LOGIDATA_SOURCE_DIR) + "/test/data/csv/";
  for (const Case& c : std::vector<Case>{
           {"latin1_semicolon_crlf.csv",
            {{"delimiter", ";"}, {"encoding", "latin-1"}},
            "id: int64, name: string, city: string, amount: string",
            {{"1", "Jos\xC3\xA9", "K\xC3\xB6ln", "3,5"},
             {"2", "M\xC3\xBCller; Sohn", "Z\xC3\xBCrich\r\nAltstadt", "12"},
             {"3", "NULL", "Paris", "NULL"}}},
           {"bom_quoted.csv",
            {},
            "order_id: int64, note: string, shipped_at: timestamp, ok: bool",
            {{"1", "multi\nline, with \"quotes\"", "2024-03-01 10:00:00", "true"},
             {"2", "NULL", "2024-03-02 11:30:00.250000", "false"},
             {"3", "", "NULL", "NULL"}}}}) {
    for (int64_t chunk : {0, 3}) {
      SCOPED_TRACE(c.file + " chunk=" + std::to_string(chunk));
      nlohmann::json config = c.config;
      config["path"] = c.file;
      config["chunk_bytes"] = chunk;
      ExtractResult r = RunExtract(config, 2, {}, data);
      ASSERT_TRUE(r.status.ok()) << r.status.ToString();
      EXPECT_EQ(r.schema->ToString(), c.schema);
      EXPECT_EQ(Rows(r.batches), c.rows);
    }
  }
}

}  // namespace
}  // namespace logidata::testing

namespace logidata::testing {
namespace {

// Delegates to the local disk and records every call, to prove all I/O goes through the seam.
class RecordingFileSystem final : public FileSystem {
 public:
  Result<std::unique_ptr<RandomAccessFile>> OpenRead(const std::string& path) override {
    calls.push_back("read " + path);
    return LocalFileSystem().OpenRead(path);
  }
  Result<std::unique_ptr<WritableFile>> OpenWrite(const std::string& path, bool atomic) override {
    calls.push_back("write " + path);
    return LocalFileSystem().OpenWrite(path, atomic);
  }
  Result<FileInfo> Stat(const std::string& path) override { return LocalFileSystem().Stat(path); }
  Result<std::vector<FileInfo>> ListRecursive(const std::string& dir) override {
    return LocalFileSystem().ListRecursive(dir);
  }
  Status CreateDirs(const std::string& path) override { return LocalFileSystem().CreateDirs(path); }
  Status Rename(const std::string& from, const std::string& to) override { return LocalFileSystem().Rename(from, to); }
  Status RemoveAll(const std::string& path) override { return LocalFileSystem().RemoveAll(path); }
  std::vector<std::string> calls;
};

class CollectingEmitter final : public Emitter {
 public:
  Status Emit(int, BatchPtr batch) override {
    batches.push_back(std::move(batch));
    return Status::OK();
  }
  std::vector<BatchPtr> batches;
};

TEST(CsvExtract, FactoryReadsAndWritesOnlyThroughTheGivenFileSystem) {
  std::string dir = TempDir("csv-seam");
  std::string path = WriteFile(dir, "in.csv", "a,b\n1,x\nbad,y\n3,z\n");
  std::string rejects = dir + "/rejects.csv";
  nlohmann::json config = {{"path", path}, {"columns", {{"a", "int64"}}}, {"on_error", "skip"}, {"rejects_path", rejects}};
  // Column `a` decoded: the bad row is rejected. No column needed (a row count): it is not.
  for (const auto& [required, expected_rows] : std::vector<std::pair<std::vector<int>, int64_t>>{{{0}, 2}, {{}, 3}}) {
    RecordingFileSystem fs;
    BindContext bind;
    bind.config = &config;
    bind.fs = &fs;
    auto op = MakeCsvExtractOperator(bind);
    ASSERT_TRUE(op.ok()) << op.status().ToString();
    (*op)->SetRequiredColumns(required);
    ExecContext exec;
    exec.fs = &fs;
    ASSERT_TRUE((*op)->Open(exec).ok());
    auto state = (*op)->MakeThreadState();
    CollectingEmitter out;
    while (true) {
      auto more = (*op)->Produce(state.get(), out);
      ASSERT_TRUE(more.ok()) << more.status().ToString();
      if (!*more) break;
    }
    int64_t rows = 0;
    for (const auto& b : out.batches) rows += b->num_rows();
    EXPECT_EQ(rows, expected_rows);
    EXPECT_EQ(fs.calls, (std::vector<std::string>{"read " + path, "read " + path, "write " + rejects}));
    EXPECT_EQ(ReadFileText(rejects).find("value 'bad' is not a valid int64") != std::string::npos, expected_rows == 2);
  }
}

}  // namespace
}  // namespace logidata::testing

// extract.xlsx and load.xlsx: a workbook made by LibreOffice read with every option, errors for
// broken files and bad options, and files we write opened by LibreOffice (converted back to CSV)
// and by our own reader.
#include <cstdlib>

#include "format_test_util.h"

namespace logidata::testing {
namespace {

using Table = std::vector<std::vector<std::string>>;

const std::string kFixture = std::string(LOGIDATA_SOURCE_DIR) + "/test/data/xlsx/libreoffice_types.xlsx";

struct XlsxCase {
  std::string name;
  nlohmann::json config;  // merged over {"path": kFixture}
  std::string schema;
  Table rows;
};

class XlsxExtractTest : public ::testing::TestWithParam<XlsxCase> {};

TEST_P(XlsxExtractTest, ReadsLibreOfficeWorkbook) {
  const XlsxCase& c = GetParam();
  SCOPED_TRACE(c.name);
  nlohmann::json config = c.config;
  config["path"] = kFixture;
  ExtractResult r = RunExtract("extract.xlsx", config);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.schema->ToString(), ParseSchemaSpec(c.schema)->ToString());
  EXPECT_EQ(Rows(r.batches), c.rows);
}

// The fixture is test/data/xlsx/libreoffice_types.csv converted by LibreOffice 7.4: it holds
// shared strings, a date-styled column, and text-styled cells.
INSTANTIATE_TEST_SUITE_P(
    Options, XlsxExtractTest,
    ::testing::Values(
        XlsxCase{"whole_sheet_typed", {},
                 "id:int64, name:string, price:float64, when:date, ok:string, ts:timestamp",
                 {{"1", "Ann", "2.5", "2024-01-02", "TRUE", "2024-01-02 03:04:05"},
                  {"2", "Bo, Jr", "-3", "2023-12-31", "FALSE", "2023-12-31 23:59:59"}}},
        XlsxCase{"sheet_by_name", {{"sheet", "libreoffice_types"}},
                 "id:int64, name:string, price:float64, when:date, ok:string, ts:timestamp",
                 {{"1", "Ann", "2.5", "2024-01-02", "TRUE", "2024-01-02 03:04:05"},
                  {"2", "Bo, Jr", "-3", "2023-12-31", "FALSE", "2023-12-31 23:59:59"}}},
        XlsxCase{"range_with_header", {{"range", "B1:D2"}},
                 "name:string, price:float64, when:date",
                 {{"Ann", "2.5", "2024-01-02"}}},
        XlsxCase{"range_without_header", {{"range", "C2:D3"}, {"header", false}},
                 "column1:float64, column2:date",
                 {{"2.5", "2024-01-02"}, {"-3", "2023-12-31"}}},
        XlsxCase{"open_ended_range", {{"range", "A2:A"}, {"header", false}},
                 "column1:int64", {{"1"}, {"2"}}},
        XlsxCase{"column_override", {{"columns", {{"id", "string"}, {"price", "decimal(6,2)"}}}},
                 "id:string, name:string, price:decimal(6,2), when:date, ok:string, ts:timestamp",
                 {{"1", "Ann", "2.50", "2024-01-02", "TRUE", "2024-01-02 03:04:05"},
                  {"2", "Bo, Jr", "-3.00", "2023-12-31", "FALSE", "2023-12-31 23:59:59"}}}),
    [](const auto& info) { return info.param.name; });

struct XlsxErrorCase {
  std::string name;
  std::string bytes;      // file content; empty: use the fixture
  nlohmann::json config;
  std::string expected;
};

class XlsxErrorTest : public ::testing::TestWithParam<XlsxErrorCase> {};

TEST_P(XlsxErrorTest, FailsClearly) {
  const XlsxErrorCase& c = GetParam();
  SCOPED_TRACE(c.name);
  nlohmann::json config = c.config;
  config["path"] = c.bytes.empty() ? kFixture : WriteFile(TempDir("xlsx-error"), "bad.xlsx", c.bytes);
  ExtractResult r = RunExtract("extract.xlsx", config);
  ASSERT_FALSE(r.status.ok());
  EXPECT_NE(r.status.ToString().find(c.expected), std::string::npos) << r.status.ToString();
}

std::string Truncated() {
  std::string bytes = ReadFileText(kFixture);
  return bytes.substr(0, bytes.size() / 2);
}

std::string Corrupted() {
  std::string bytes = ReadFileText(kFixture);
  for (size_t i = 200; i < bytes.size() / 2; i += 7) bytes[i] = static_cast<char>(bytes[i] ^ 0x5A);
  return bytes;
}

INSTANTIATE_TEST_SUITE_P(
    Errors, XlsxErrorTest,
    ::testing::Values(
        XlsxErrorCase{"not_a_zip", "id,name\n1,a\n", {}, "not an Excel .xlsx file"},
        XlsxErrorCase{"truncated", Truncated(), {}, "bad.xlsx"},
        XlsxErrorCase{"corrupted", Corrupted(), {}, "bad.xlsx"},
        XlsxErrorCase{"missing_sheet_name", "", {{"sheet", "Nope"}}, "no sheet 'Nope' (sheets: libreoffice_types)"},
        XlsxErrorCase{"sheet_index_too_big", "", {{"sheet_index", 3}}, "no sheet number 3"},
        XlsxErrorCase{"bad_range", "", {{"range", "B2-F9"}}, "/range"},
        XlsxErrorCase{"reversed_range", "", {{"range", "F9:B2"}}, "/range"}),
    [](const auto& info) { return info.param.name; });

// Runs LibreOffice headless with a private profile; returns false when it is not installed.
bool Soffice(const std::string& args, const std::string& dir) {
  if (std::system("command -v soffice > /dev/null 2>&1") != 0) return false;
  std::string cmd = "cd " + dir + " && timeout 180 soffice -env:UserInstallation=file://" + dir +
                    "/lo-profile --headless " + args + " --outdir " + dir + " > " + dir + "/soffice.log 2>&1";
  return std::system(cmd.c_str()) == 0;
}

BatchPtr SampleBatch() {
  return MakeBatch("id:int64, name:string, price:float64, ok:bool, day:date, at:timestamp, amount:decimal(8,2)",
                   {{"1", "Ann \"A\", <b>&", "2.5", "true", "2024-01-02", "2024-01-02 03:04:05", "12.34"},
                    {"2", "NULL", "-0.125", "false", "1999-12-31", "2000-02-29 23:59:59", "-1.00"},
                    {"3", "ü", "NULL", "NULL", "NULL", "NULL", "NULL"}});
}

TEST(XlsxLoad, RoundTripsThroughOurReader) {
  std::string path = TempDir("xlsx-roundtrip") + "/out.xlsx";
  ASSERT_TRUE(RunLoad("load.xlsx", {{"path", path}, {"sheet", "Data"}}, {SampleBatch()}).ok());
  ExtractResult r = RunExtract("extract.xlsx", {{"path", path}, {"sheet", "Data"},
                                                {"columns", {{"amount", "decimal(8,2)"}}}});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.schema->ToString(), SampleBatch()->schema()->ToString());
  EXPECT_EQ(Rows(r.batches), Rows(*SampleBatch()));
}

TEST(XlsxLoad, OpensInLibreOffice) {
  std::string dir = TempDir("xlsx-lo");
  ASSERT_TRUE(RunLoad("load.xlsx", {{"path", dir + "/out.xlsx"}}, {SampleBatch()}).ok());
  if (!Soffice("--convert-to 'csv:Text - txt - csv (StarCalc):44,34,76' out.xlsx", dir)) GTEST_SKIP() << "LibreOffice (soffice) is not available";
  EXPECT_EQ(ReadFileText(dir + "/out.csv"),
            "id,name,price,ok,day,at,amount\n"
            "1,\"Ann \"\"A\"\", <b>&\",2.5,TRUE,2024-01-02,2024-01-02 03:04:05,12.34\n"
            "2,,-0.125,FALSE,1999-12-31,2000-02-29 23:59:59,-1\n"
            "3,ü,,,,,\n");
}

TEST(XlsxLoad, ReadsAFreshLibreOfficeConversion) {
  std::string dir = TempDir("xlsx-lo-in");
  WriteFile(dir, "made.csv", "n,d,s\n10,2020-02-29,x\n-2.5,2021-03-01,y\n");
  if (!Soffice("--convert-to xlsx made.csv", dir)) GTEST_SKIP() << "LibreOffice (soffice) is not available";
  ExtractResult r = RunExtract("extract.xlsx", {{"path", dir + "/made.xlsx"}});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.schema->ToString(), ParseSchemaSpec("n:float64, d:date, s:string")->ToString());
  EXPECT_EQ(Rows(r.batches), (Table{{"10", "2020-02-29", "x"}, {"-2.5", "2021-03-01", "y"}}));
}

TEST(XlsxLoad, AbortLeavesTargetAsItWas) {
  std::string path = WriteFile(TempDir("xlsx-abort"), "out.xlsx", "old");
  ASSERT_TRUE(RunLoad("load.xlsx", {{"path", path}}, {SampleBatch()}, /*commit=*/false).ok());
  EXPECT_EQ(ReadFileText(path), "old");
}

TEST(XlsxLoad, BadSheetNameIsConfigError) {
  Status st = RunLoad("load.xlsx", {{"path", "/tmp/x.xlsx"}, {"sheet", "a/b"}}, {SampleBatch()});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.ToString().find("/sheet"), std::string::npos) << st.ToString();
}

}  // namespace
}  // namespace logidata::testing

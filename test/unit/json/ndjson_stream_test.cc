// The streaming NDJSON reader: chunks parsed in parallel come out in file order, compressed files
// stream too, errors deep in a file name the right line, and it reads exactly what the document
// reader reads.
#include <cstdlib>
#include <ostream>

#include "format_test_util.h"
#include "formats/json/ndjson_extract_operator.h"

namespace logidata::testing {
namespace {

using Table = std::vector<std::vector<std::string>>;

std::string Lines(int n, int first = 0) {
  std::string text;
  for (int i = first; i < first + n; ++i) {
    text += "{\"id\":" + std::to_string(i) + ",\"name\":\"n" + std::to_string(i) + "\",\"geo\":{\"lat\":" +
            std::to_string(i % 90) + ".5}}\n";
  }
  return text;
}

// Runs the operator directly with tiny chunks on two threads, so a few lines make many chunks.
Result<std::vector<BatchPtr>> RunSmallChunks(const std::string& path, const std::string& schema, int64_t chunk_bytes) {
  NdjsonExtractOperator op(path, ParseSchemaSpec(schema), chunk_bytes);
  HarnessOptions options;
  options.threads = 2;
  LD_ASSIGN_OR_RETURN(auto out, RunOperator(op, {}, options));
  return out[0];
}

TEST(NdjsonStream, ManyChunksOnTwoThreadsKeepFileOrder) {
  const int n = 5000;
  std::string path = WriteFile(TempDir("ndjson-order"), "in.ndjson", Lines(n));
  auto batches = RunSmallChunks(path, "id:int64, name:string, geo.lat:float64", 512);
  ASSERT_TRUE(batches.ok()) << batches.status().ToString();
  EXPECT_GT(batches->size(), 100u);
  Table rows = Rows(*batches);
  ASSERT_EQ(rows.size(), static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) ASSERT_EQ(rows[static_cast<size_t>(i)][0], std::to_string(i));
  EXPECT_EQ(rows[7], (std::vector<std::string>{"7", "n7", "7.5"}));
}

TEST(NdjsonStream, ErrorInALaterChunkNamesItsLineAndColumn) {
  std::string text = Lines(300) + "  {\"id\": 300, \"name\": }\n" + Lines(10, 301);
  std::string path = WriteFile(TempDir("ndjson-late-error"), "in.ndjson", text);
  auto batches = RunSmallChunks(path, "id:int64, name:string, geo.lat:float64", 256);
  ASSERT_FALSE(batches.ok());
  EXPECT_NE(batches.status().message().find(path + ":301:23: invalid JSON"), std::string::npos)
      << batches.status().ToString();
}

TEST(NdjsonStream, InvalidUtf8InALaterChunkNamesItsLine) {
  std::string text = Lines(300) + "{\"id\": 300, \"name\": \"Jos\xE9\"}\n" + Lines(10, 301);
  std::string path = WriteFile(TempDir("ndjson-late-utf8"), "in.ndjson", text);
  auto batches = RunSmallChunks(path, "id:int64, name:string, geo.lat:float64", 256);
  ASSERT_FALSE(batches.ok());
  EXPECT_NE(batches.status().message().find(path + ":301:"), std::string::npos) << batches.status().ToString();
  EXPECT_NE(batches.status().message().find("UTF-8"), std::string::npos) << batches.status().ToString();
}

TEST(NdjsonStream, BadValueInALaterChunkNamesItsLine) {
  std::string text = Lines(200) + "{\"id\":\"two hundred\"}\n";
  std::string path = WriteFile(TempDir("ndjson-late-value"), "in.ndjson", text);
  auto batches = RunSmallChunks(path, "id:int64", 300);
  ASSERT_FALSE(batches.ok());
  EXPECT_NE(batches.status().message().find(path + ":201: column 'id': cannot read 'two hundred' as int64"),
            std::string::npos)
      << batches.status().ToString();
}

TEST(NdjsonStream, GzipAndZstdFilesStream) {
  std::string dir = TempDir("ndjson-compressed");
  WriteFile(dir, "a.ndjson", Lines(1000));
  WriteFile(dir, "b.ndjson", Lines(1000, 1000));
  ASSERT_EQ(std::system(("gzip -f '" + dir + "/a.ndjson'").c_str()), 0);
  if (std::system(("zstd -q -f --rm '" + dir + "/b.ndjson' 2>/dev/null").c_str()) != 0) {
    ASSERT_EQ(std::system(("gzip -f '" + dir + "/b.ndjson'").c_str()), 0);
  }
  ExtractResult r = RunExtract("extract.json", {{"path", dir + "/*.ndjson.*"}, {"format", "ndjson"}});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.schema->ToString(), ParseSchemaSpec("id:int64, name:string, geo.lat:float64")->ToString());
  Table rows = Rows(r.batches);
  ASSERT_EQ(rows.size(), 2000u);
  EXPECT_EQ(rows[1999], (std::vector<std::string>{"1999", "n1999", "19.5"}));
}

TEST(NdjsonStream, ReadsWhatTheDocumentReaderReads) {
  // The same records as NDJSON (streamed) and as an array (document reader): identical results,
  // including repeated keys (the first wins), unknown-typed cells and nested empty objects.
  const std::vector<std::string> records = {
      R"({"i":1,"s":"x","t":"2024-01-02T03:04:05","b":true,"a":[1,2],"o":{},"n":null,"i":9})",
      R"({"s":"y","i":-2,"t":"2024-01-03 00:00:00","b":false,"a":[],"o":{"k":1}})",
      R"({"big":18446744073709551615,"d":1.25e3})",
  };
  std::string ndjson, array = "[";
  for (const auto& r : records) {
    ndjson += r + "\n";
    array += (array.size() > 1 ? "," : "") + r;
  }
  array += "]";
  std::string dir = TempDir("ndjson-same");
  ExtractResult streamed = RunExtract("extract.json", {{"path", WriteFile(dir, "in.ndjson", ndjson)}});
  ExtractResult document = RunExtract("extract.json", {{"path", WriteFile(dir, "in.json", array)}});
  ASSERT_TRUE(streamed.status.ok()) << streamed.status.ToString();
  ASSERT_TRUE(document.status.ok()) << document.status.ToString();
  EXPECT_EQ(streamed.schema->ToString(), document.schema->ToString());
  EXPECT_EQ(Rows(streamed.batches), Rows(document.batches));
}

// A chunk is parsed as one document stream, and line by line only when the stream meets something
// it must explain; either way a record is one object on one line. Each case puts its line 151
// in one large chunk (the stream path) and in tiny chunks on two threads.
struct LineCase {
  std::string name;
  std::string line151;     // replaces record 150 (file line 151)
  std::string error;       // expected in the message after "<path>:151:", empty: no error
  size_t rows = 300;       // when there is no error
};

std::ostream& operator<<(std::ostream& os, const LineCase& c) { return os << c.name; }

class NdjsonOneObjectPerLine : public ::testing::TestWithParam<LineCase> {};

TEST_P(NdjsonOneObjectPerLine, SameOutcomeInOneChunkAndInManySmallOnes) {
  const LineCase& c = GetParam();
  const std::string text = Lines(150) + c.line151 + "\n" + Lines(149, 151);
  const std::string path = WriteFile(TempDir("ndjson-line-" + c.name), "in.ndjson", text);
  for (int64_t chunk_bytes : {int64_t{1} << 20, int64_t{256}}) {
    SCOPED_TRACE("chunk_bytes=" + std::to_string(chunk_bytes));
    auto batches = RunSmallChunks(path, "id:int64, name:string, geo.lat:float64", chunk_bytes);
    if (c.error.empty()) {
      ASSERT_TRUE(batches.ok()) << batches.status().ToString();
      EXPECT_EQ(Rows(*batches).size(), c.rows);
      continue;
    }
    ASSERT_FALSE(batches.ok());
    EXPECT_NE(batches.status().message().find(path + ":151:"), std::string::npos) << batches.status().ToString();
    EXPECT_NE(batches.status().message().find(c.error), std::string::npos) << batches.status().ToString();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, NdjsonOneObjectPerLine,
    ::testing::Values(LineCase{"TwoObjectsOnOneLine", R"({"id":150}{"id":1500})", "invalid JSON"},
                      LineCase{"ObjectAcrossTwoLines", "{\"id\": 150,\n \"name\": \"x\"}", "invalid JSON"},
                      LineCase{"ArrayLine", "[1, 2]", "expected a JSON object per line"},
                      LineCase{"ScalarLine", "42", "expected a JSON object per line"},
                      LineCase{"UnclosedObject", R"({"id": 150, "name": "x")", "invalid JSON"},
                      LineCase{"IndentedAndCrlf", " \t{\"id\": 150}\r", ""},
                      LineCase{"BlankLines", "\n   \n{\"id\": 150}\n", "", 300}),
    [](const auto& info) { return info.param.name; });

TEST(NdjsonStream, ArrayFileWithNdjsonFormatIsAClearError) {
  std::string path = WriteFile(TempDir("ndjson-array"), "in.json", "[{\"a\":1}]");
  ExtractResult r = RunExtract("extract.json", {{"path", path}, {"format", "ndjson"}});
  ASSERT_FALSE(r.status.ok());
  EXPECT_NE(r.status.message().find("JSON array, not NDJSON"), std::string::npos) << r.status.ToString();
}

}  // namespace
}  // namespace logidata::testing

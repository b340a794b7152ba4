// load.csv: every writer option, exact file contents, atomic publish/abort, partitions, and
// round trips through extract.csv.
#include <gtest/gtest.h>

#include <filesystem>

#include "csv_test_util.h"

namespace logidata::testing {
namespace {

using Rows2 = std::vector<std::vector<std::string>>;

BatchPtr SampleBatch() {
  return MakeBatch("id:int64, name:string, amount:float64, day:date",
                   {{"1", "plain", "2.5", "2024-01-02"},
                    {"2", "a,b", "0.1", "NULL"},
                    {"3", "say \"hi\"", "NULL", "2024-02-29"},
                    {"NULL", "", "1e+20", "1970-01-01"},
                    {"5", "line\nbreak", "-0", "2000-12-31"}});
}

struct WriteCase {
  std::string name;
  nlohmann::json config;  // merged over {"path": <file>}
  std::string expected;   // exact file content
};

class LoadOptionTest : public ::testing::TestWithParam<WriteCase> {};

TEST_P(LoadOptionTest, WritesExactText) {
  const WriteCase& c = GetParam();
  std::string path = TempDir("csv-load") + "/out.csv";
  nlohmann::json config = c.config;
  config["path"] = path;
  Status st = RunLoad(config, {SampleBatch()});
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(ReadFileText(path), c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Options, LoadOptionTest,
    ::testing::Values(
        WriteCase{"defaults", {},
                  "id,name,amount,day\n1,plain,2.5,2024-01-02\n2,\"a,b\",0.1,\n3,\"say \"\"hi\"\"\",,2024-02-29\n"
                  ",\"\",1e+20,1970-01-01\n5,\"line\nbreak\",-0,2000-12-31\n"},
        WriteCase{"semicolon_no_header_null_text", {{"delimiter", ";"}, {"header", false}, {"null_value", "NULL"}},
                  "1;plain;2.5;2024-01-02\n2;a,b;0.1;NULL\n3;\"say \"\"hi\"\"\";NULL;2024-02-29\n"
                  "NULL;;1e+20;1970-01-01\n5;\"line\nbreak\";-0;2000-12-31\n"},
        WriteCase{"quote_all", {{"quote_style", "all"}},
                  "\"id\",\"name\",\"amount\",\"day\"\n\"1\",\"plain\",\"2.5\",\"2024-01-02\"\n\"2\",\"a,b\",\"0.1\",\n"
                  "\"3\",\"say \"\"hi\"\"\",,\"2024-02-29\"\n,\"\",\"1e+20\",\"1970-01-01\"\n"
                  "\"5\",\"line\nbreak\",\"-0\",\"2000-12-31\"\n"},
        WriteCase{"quote_none", {{"quote_style", "none"}},
                  "id,name,amount,day\n1,plain,2.5,2024-01-02\n2,a,b,0.1,\n3,say \"hi\",,2024-02-29\n"
                  ",,1e+20,1970-01-01\n5,line\nbreak,-0,2000-12-31\n"},
        WriteCase{"single_quote_tab", {{"quote", "'"}, {"delimiter", "\t"}},
                  "id\tname\tamount\tday\n1\tplain\t2.5\t2024-01-02\n2\ta,b\t0.1\t\n3\tsay \"hi\"\t\t2024-02-29\n"
                  "\t''\t1e+20\t1970-01-01\n5\t'line\nbreak'\t-0\t2000-12-31\n"}),
    [](const ::testing::TestParamInfo<WriteCase>& info) { return info.param.name; });

TEST(CsvLoad, RoundTripsEveryTypeThroughExtract) {
  BatchPtr batch = MakeBatch(
      "b:bool, i:int32, l:int64, f:float64, d:decimal(12,3), s:string, day:date, ts:timestamp",
      {{"true", "-5", "9223372036854775807", "0.30000000000000004", "-1234.500", "caf\xC3\xA9, \"x\"", "1900-03-01",
        "2024-05-06 07:08:09.123456"},
       {"false", "NULL", "-1", "1e-300", "0.001", "", "2262-04-11", "1969-12-31 23:59:59"},
       {"NULL", "7", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"}});
  std::string dir = TempDir("csv-roundtrip");
  nlohmann::json types = {{"b", "bool"}, {"i", "int32"}, {"l", "int64"}, {"f", "float64"}, {"d", "decimal(12,3)"},
                          {"s", "string"}, {"day", "date"}, {"ts", "timestamp"}};
  for (std::string compression : {"none", "gzip", "zstd"}) {
    SCOPED_TRACE(compression);
    std::string path = dir + "/rt-" + compression + ".csv" + (compression == "gzip" ? ".gz" : compression == "zstd" ? ".zst" : "");
    ASSERT_TRUE(RunLoad({{"path", path}, {"compression", compression}}, {batch}).ok());
    ExtractResult r = RunExtract({{"path", path}, {"columns", types}});
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    EXPECT_EQ(r.schema->ToString(), batch->schema()->ToString());
    EXPECT_EQ(Rows(r.batches), Rows(*batch));
  }
}

TEST(CsvLoad, CompressedOutputDecompressesToTheSameText) {
  std::string dir = TempDir("csv-load-comp");
  ASSERT_TRUE(RunLoad({{"path", dir + "/plain.csv"}}, {SampleBatch()}).ok());
  ASSERT_TRUE(RunLoad({{"path", dir + "/out.csv.gz"}, {"compression", "gzip"}}, {SampleBatch()}).ok());
  std::string plain = ReadFileText(dir + "/plain.csv");
  std::string gz = ReadFileText(dir + "/out.csv.gz");
  ASSERT_GE(gz.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(gz[0]), 0x1f);
  EXPECT_EQ(Gunzip(gz), plain);
}

TEST(CsvLoad, KeepsInputOrderAcrossBatchesWithThreads) {
  std::vector<BatchPtr> batches;
  Rows2 expected;
  for (int b = 0; b < 20; ++b) {
    Rows2 rows;
    for (int i = 0; i < 50; ++i) rows.push_back({std::to_string(b * 50 + i)});
    expected.insert(expected.end(), rows.begin(), rows.end());
    batches.push_back(MakeBatch("n:int64", rows));
  }
  std::string path = TempDir("csv-order") + "/o.csv";
  ASSERT_TRUE(RunLoad({{"path", path}}, batches, true, 2).ok());
  ExtractResult r = RunExtract({{"path", path}});
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(Rows(r.batches), expected);
}

TEST(CsvLoad, AbortLeavesTheTargetAsItWas) {
  std::string dir = TempDir("csv-abort");
  std::string path = WriteFile(dir, "keep.csv", "old content\n");
  ASSERT_TRUE(RunLoad({{"path", path}}, {SampleBatch()}, /*commit=*/false).ok());
  EXPECT_EQ(ReadFileText(path), "old content\n");
  std::string fresh = dir + "/never.csv";
  ASSERT_TRUE(RunLoad({{"path", fresh}}, {SampleBatch()}, false).ok());
  EXPECT_FALSE(std::filesystem::exists(fresh));
  std::string parts = dir + "/parts";
  WriteFile(dir, "parts/old=1/part-0.csv", "x\n");
  ASSERT_TRUE(RunLoad({{"path", parts}, {"partition_by", {"day"}}}, {SampleBatch()}, false).ok());
  EXPECT_TRUE(std::filesystem::exists(parts + "/old=1/part-0.csv"));
  EXPECT_FALSE(std::filesystem::exists(parts + "/day=2024-01-02"));
  // No staging or temp files remain.
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    EXPECT_NE(e.path().filename().string()[0], '.') << e.path();
  }
}

TEST(CsvLoad, PartitionByWritesOneFilePerValue) {
  std::string dir = TempDir("csv-part") + "/out";
  BatchPtr batch = MakeBatch("country:string, year:int64, amount:float64",
                             {{"DE", "2024", "1.5"}, {"FR", "2024", "2"}, {"DE", "2025", "3"}, {"DE", "2024", "4"},
                              {"a/b", "2024", "5"}, {"NULL", "2024", "6"}});
  ASSERT_TRUE(RunLoad({{"path", dir}, {"partition_by", {"country", "year"}}}, {batch}).ok());
  struct Expect {
    std::string file;
    std::string text;
  };
  for (const Expect& e : std::vector<Expect>{{"country=DE/year=2024/part-0.csv", "amount\n1.5\n4\n"},
                                             {"country=DE/year=2025/part-0.csv", "amount\n3\n"},
                                             {"country=FR/year=2024/part-0.csv", "amount\n2\n"},
                                             {"country=a%2Fb/year=2024/part-0.csv", "amount\n5\n"},
                                             {"country=__HIVE_DEFAULT_PARTITION__/year=2024/part-0.csv", "amount\n6\n"}}) {
    EXPECT_EQ(ReadFileText(dir + "/" + e.file), e.text) << e.file;
  }
  // A second run replaces the dataset as a whole.
  ASSERT_TRUE(RunLoad({{"path", dir}, {"partition_by", {"country"}}}, {batch}).ok());
  EXPECT_FALSE(std::filesystem::exists(dir + "/country=DE/year=2024"));
  EXPECT_EQ(ReadFileText(dir + "/country=FR/part-0.csv"), "year,amount\n2024,2\n");
}

TEST(CsvLoad, ConfigErrorsNameTheirPointer) {
  struct Case {
    nlohmann::json config;
    std::string error;
  };
  for (const Case& c : std::vector<Case>{
           {{{"path", "/tmp/x.csv"}, {"partition_by", {"nope"}}}, "/partition_by/0: no input column 'nope'"},
           {{{"path", "/tmp/x.csv"}, {"quote_style", "some"}}, "/quote_style: must be 'minimal', 'all' or 'none'"},
           {{{"path", "/tmp/x.csv"}, {"compression", "brotli"}}, "/compression: unknown compression 'brotli'"},
           {{{"path", ""}}, "/path:"},
           {{{"path", "/tmp/x.csv"}, {"delimiter", "\n"}}, "/delimiter: cannot be a line break"}}) {
    Status st = RunLoad(c.config, {SampleBatch()});
    ASSERT_FALSE(st.ok()) << c.config.dump();
    EXPECT_TRUE(st.IsInvalidArgument());
    EXPECT_EQ(st.message().substr(0, c.error.size()), c.error) << st.message();
  }
}

TEST(CsvModules, DescriptorsAreCompleteForTheUi) {
  for (const char* key : {"extract", "load"}) {
    auto d = CsvRegistry().Find(key, "csv");
    ASSERT_TRUE(d.ok());
    const ModuleDescriptor& m = **d;
    EXPECT_EQ(m.category, "files");
    EXPECT_FALSE(m.description.empty());
    const auto& props = m.config_schema["properties"];
    for (auto it = props.begin(); it != props.end(); ++it) {
      EXPECT_TRUE(it->contains("title")) << key << " " << it.key();
      EXPECT_TRUE(it->contains("description")) << key << " " << it.key();
      if (it.key() != "path" && it.key() != "rejects_path") {
        EXPECT_TRUE(it->contains("default")) << key << " " << it.key();
      }
    }
  }
  EXPECT_EQ((*CsvRegistry().Find("extract", "csv"))->outputs[0].name, "out");
  EXPECT_EQ((*CsvRegistry().Find("load", "csv"))->inputs[0].name, "in");
}

}  // namespace
}  // namespace logidata::testing

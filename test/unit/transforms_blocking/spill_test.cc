#include <cstring>
#include <filesystem>

#include "blocking_test_util.h"
#include "transforms/spill_file.h"

namespace logidata::testing {
namespace {

int64_t CountEntries(const std::string& dir) {
  int64_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::recursive_directory_iterator(dir)) ++n;
  return n;
}

struct SpillCase {
  std::string module;
  nlohmann::json config;
  int ports;
};

// A tiny budget must really move state to disk (and the results are checked in each module's
// tests): the operator's spill folder exists after the run (its files go as soon as they are
// read back) and disappears with the operator.
TEST(SpillTest, TinyBudgetWritesSpillFilesAndCleansUp) {
  BatchPtr input = RandomBatch("a:int64, b:string, v:int64", 5000, 500, 21);
  const std::vector<SpillCase> cases = {
      {"transform.aggregate", {{"group_by", {"a"}}, {"aggregates", {{{"function", "sum"}, {"column", "v"}}}}}, 1},
      {"transform.join", {{"type", "full"}, {"on", {{{"left", "a"}, {"right", "a"}}}}}, 2},
      {"transform.sort", {{"keys", {{{"column", "b"}}}}}, 1},
      {"transform.dedupe", {{"keys", {"a"}}, {"keep", "last"}}, 1},
      {"transform.dedupe", {{"keys", {"a"}}, {"keep", "first"}}, 1},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.module + " " + c.config.dump());
    std::vector<std::vector<BatchPtr>> inputs(static_cast<size_t>(c.ports), Split(input, 500));
    std::vector<SchemaPtr> schemas(static_cast<size_t>(c.ports), input->schema());
    auto op = BindModule(BlockingRegistry(), c.module, c.config, schemas);
    ASSERT_TRUE(op.ok()) << op.status().ToString();
    const std::string dir = TempDir("blocking-spill");
    HarnessOptions options;
    options.threads = 2;
    options.memory_budget_bytes = 1;
    options.spill_dir = dir;
    auto out = RunOperator(**op, inputs, options);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_GT(CountEntries(dir), 0);
    op->reset();
    EXPECT_EQ(CountEntries(dir), 0);
  }
}

// Writes `batches` to a spill file in a fresh temporary folder; returns its path. (Not through a
// SpillDirectory: that removes its folder, files and all, when it goes.)
std::string WriteSpillFile(const std::string& folder, const std::vector<BatchPtr>& batches) {
  const std::string path = TempDir(folder) + "/f.spill";
  auto writer = SpillWriter::Open(LocalFileSystem(), path);
  EXPECT_TRUE(writer.ok());
  for (const auto& b : batches) EXPECT_TRUE((*writer)->Write(*b).ok());
  EXPECT_TRUE((*writer)->Close().ok());
  return path;
}

TEST(SpillTest, FileRoundTripsEveryType) {
  BatchPtr batch = MakeBatch("b:bool, i:int32, l:int64, f:float64, d:decimal(20,3), s:string, t:timestamp, dt:date",
                             {{"true", "1", "-5", "1.5", "12.345", "héllo", "2024-01-01 10:00:00", "2024-01-01"},
                              {"NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"},
                              {"false", "-7", "9", "-0.25", "-1.000", "", "1970-01-01 00:00:00", "1969-12-31"}});
  const std::string path = WriteSpillFile("spill-file", {batch, SliceBatch(*batch, 1, 2)});
  auto back = ReadSpillFiles(LocalFileSystem(), {path}, batch->schema());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ(Rows(*(*back)[0]), Rows(*batch));
  EXPECT_EQ(Rows(*(*back)[1]), Rows(*SliceBatch(*batch, 1, 2)));
  for (const auto& b : *back) EXPECT_TRUE(b->Validate().ok());
}

TEST(SpillTest, AllNullColumnsTakeNoSpaceOnDiskOrReadBack) {
  // A column that is NULL in every row of a batch (an unread column, most often) is written as a
  // header alone and comes back pointing at the shared zeros: the same rows, no bytes.
  std::vector<std::vector<std::string>> rows;
  for (int i = 0; i < 4000; ++i) rows.push_back({std::to_string(i), "NULL", "NULL", i % 2 ? "NULL" : "x"});
  BatchPtr batch = MakeBatch("id:int64, l:int64, s:string, t:string", rows);
  const std::string path = WriteSpillFile("spill-nulls", {batch});
  // id: 32000 bytes of values; t: offsets and a bitmap; l and s: nothing but their headers.
  EXPECT_LT(std::filesystem::file_size(path), 32000u + 16004u + 2000u + 500u + 400u);
  auto back = ReadSpillFiles(LocalFileSystem(), {path}, batch->schema());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ(Rows(*(*back)[0]), Rows(*batch));
  EXPECT_TRUE((*back)[0]->Validate().ok());
  EXPECT_EQ((*back)[0]->column(1)->ByteSize(), 0);
  EXPECT_EQ((*back)[0]->column(2)->ByteSize(), 0);
}

TEST(SpillTest, CorruptFileIsDataError) {
  const std::string dir = TempDir("spill-corrupt");
  const std::string path = dir + "/bad.spill";
  {
    auto f = LocalFileSystem().OpenWrite(path, false);
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->Append(std::string(40, 'x')).ok());
    ASSERT_TRUE((*f)->Close().ok());
  }
  auto back = ReadSpillFiles(LocalFileSystem(), {path}, ParseSchemaSpec("a:int64"));
  ASSERT_FALSE(back.ok());
  EXPECT_TRUE(back.status().IsDataError()) << back.status().ToString();
}

// A file cut short (a crash mid-write, a full disk) or a forged batch length is a DataError that
// names the file and byte, never a read past the end.
TEST(SpillTest, TruncatedOrForgedBatchLengthIsDataError) {
  BatchPtr batch = MakeBatch("l:int64, s:string", {{"1", "one"}, {"2", "two"}, {"NULL", "three"}});
  const std::string path = WriteSpillFile("spill-truncated", {batch, batch});
  std::string bytes;
  {
    auto f = LocalFileSystem().OpenRead(path);
    ASSERT_TRUE(f.ok());
    auto all = (*f)->ReadAll();
    ASSERT_TRUE(all.ok());
    bytes.assign(reinterpret_cast<const char*>((*all)->data()), (*all)->size());
  }
  auto rewrite = [&](const std::string& content) {
    auto f = LocalFileSystem().OpenWrite(path, false);
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->Append(content).ok());
    ASSERT_TRUE((*f)->Close().ok());
  };
  const size_t half = bytes.size() / 2;  // one batch: both are the same size
  for (size_t cut : {bytes.size() - 1, half + 40, half + 8}) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    rewrite(bytes.substr(0, cut));
    auto back = ReadSpillFiles(LocalFileSystem(), {path}, batch->schema());
    ASSERT_FALSE(back.ok());
    EXPECT_TRUE(back.status().IsDataError()) << back.status().ToString();
    EXPECT_NE(back.status().message().find(path), std::string::npos) << back.status().ToString();
  }
  std::string forged = bytes;
  const uint64_t huge = uint64_t{1} << 40;
  std::memcpy(forged.data() + 24, &huge, sizeof(huge));  // the first batch's length
  rewrite(forged);
  auto back = ReadSpillFiles(LocalFileSystem(), {path}, batch->schema());
  ASSERT_FALSE(back.ok());
  EXPECT_NE(back.status().ToString().find("outside the file"), std::string::npos) << back.status().ToString();
}

}  // namespace
}  // namespace logidata::testing

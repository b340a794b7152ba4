// Runs the benchmark jobs (bench/pipelines/J*.json) on a small generated data set and checks each
// result against DuckDB's result for the same job on the same data (../shared/peers).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "duckdb_reference.h"
#include "module/builtin_modules.h"
#include "pipeline/run_pipeline.h"
#include "support/test_batches.h"

namespace logidata {
namespace {

namespace fs = std::filesystem;
const fs::path kRoot = LOGIDATA_SOURCE_DIR;
const fs::path kPeers = kRoot / "../shared/peers";


std::vector<std::vector<std::string>> ReadCsv(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

void ExpectSameTable(const fs::path& ours, const fs::path& theirs) {
  auto a = ReadCsv(ours);
  auto b = ReadCsv(theirs);
  ASSERT_FALSE(b.empty()) << theirs;
  ASSERT_EQ(a.size(), b.size()) << ours << " vs " << theirs;
  for (size_t r = 0; r < a.size(); ++r) {
    ASSERT_EQ(a[r].size(), b[r].size()) << "row " << r;
    for (size_t c = 0; c < a[r].size(); ++c) {
      if (r == 0) continue;  // header names may differ in case; values must not
      if (a[r][c] == b[r][c]) continue;
      double x = std::strtod(a[r][c].c_str(), nullptr);
      double y = std::strtod(b[r][c].c_str(), nullptr);
      EXPECT_NEAR(x, y, 1e-9 * std::max(1.0, std::fabs(y))) << "row " << r << " column " << c << ": ours " << a[r][c]
                                                            << ", DuckDB " << b[r][c];
    }
  }
}

// The same rows in any order (jobs whose output has no defined order).
void ExpectSameRowsAnyOrder(const fs::path& ours, const fs::path& theirs) {
  auto a = ReadCsv(ours);
  auto b = ReadCsv(theirs);
  ASSERT_FALSE(a.empty()) << ours;
  ASSERT_FALSE(b.empty()) << theirs;
  std::sort(a.begin() + 1, a.end());
  std::sort(b.begin() + 1, b.end());
  const fs::path sorted = ours.parent_path() / ("sorted-" + ours.filename().string());
  const fs::path sorted_theirs = theirs.parent_path() / ("sorted-" + theirs.filename().string());
  for (const auto& [rows, path] : {std::pair{&a, sorted}, std::pair{&b, sorted_theirs}}) {
    std::ofstream out(path);
    for (const auto& row : *rows) {
      for (size_t c = 0; c < row.size(); ++c) out << (c ? "," : "") << row[c];
      out << "\n";
    }
  }
  ExpectSameTable(sorted, sorted_theirs);
}

class JobsVsDuckDb : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_ = testing::TempDir("peers-data");
    out_ = testing::TempDir("peers-out");
    int status = 0;
    std::string log = testing::RunShell((kPeers / "gen.sh").string() + " " + data_ + " 40000 3000", &status);
    ASSERT_EQ(status, 0) << log;
    fs::create_directories(fs::path(out_) / "duckdb");
    fs::create_directories(fs::path(out_) / "logidata");
  }

  void RunOurs(const std::string& job) {
    auto spec = LoadPipelineFile((kRoot / "bench/pipelines" / (job + ".json")).string());
    ASSERT_TRUE(spec.ok()) << spec.status().ToString();
    RunOptions options;
    options.threads = 2;
    options.params = {{"data_dir", data_}, {"out_dir", out_ + "/logidata"}};
    RunResult r = RunPipeline(*spec, BuiltinModules(), options);
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  }

  std::string RunDuckDb(const std::string& job) {
    int status = 0;
    std::string log = testing::RunShell("DATA_DIR=" + data_ + " OUT_DIR=" + out_ + " " + (kPeers / "peer").string() +
                                " jobs/duckdb/" + job + ".mjs",
                            &status);
    EXPECT_EQ(status, 0) << log;
    return log;
  }

  static std::string data_;
  static std::string out_;
};

std::string JobsVsDuckDb::data_;
std::string JobsVsDuckDb::out_;

TEST_F(JobsVsDuckDb, J2FilterGroupBy) {
  RunOurs("J2");
  RunDuckDb("J2");
  ExpectSameTable(fs::path(out_) / "logidata/J2.csv", fs::path(out_) / "duckdb/J2.csv");
}

TEST_F(JobsVsDuckDb, J3JoinGroupBy) {
  RunOurs("J3");
  RunDuckDb("J3");
  ExpectSameTable(fs::path(out_) / "logidata/J3.csv", fs::path(out_) / "duckdb/J3.csv");
}

// J8 reads 3 of the 9 columns: the window asks only for its keys and arguments.
TEST_F(JobsVsDuckDb, J8WindowThenAggregate) {
  RunOurs("J8");
  RunDuckDb("J8");
  ExpectSameRowsAnyOrder(fs::path(out_) / "logidata/J8_window.csv", fs::path(out_) / "duckdb/J8_window.csv");
}

TEST_F(JobsVsDuckDb, J4DedupeKeepsOneRowPerKey) {
  RunOurs("J4");
  std::string log = RunDuckDb("J4");
  auto pos = log.find("rows_written=");
  ASSERT_NE(pos, std::string::npos) << log;
  int64_t duck_rows = std::stoll(log.substr(pos + 13));
  // Count our rows and distinct keys with DuckDB reading our Parquet file.
  std::string script = out_ + "/count.mjs";
  {
    std::ofstream s(script);
    s << "import { duck } from './jobs/common.mjs';\n"
         "const db = await duck();\n"
         "const r = await db.q(`SELECT count(*), count(DISTINCT (customer_id, email)), "
         "count(*) FILTER (WHERE email <> lower(trim(email))) FROM read_parquet('"
      << out_ << "/logidata/J4_dedup.parquet')`);\n"
                 "console.log(`counts=${r[0][0]},${r[0][1]},${r[0][2]}`);\ndb.close();\n";
  }
  int status = 0;
  std::string home = std::getenv("PEERS_HOME") ? std::getenv("PEERS_HOME") : std::string(std::getenv("HOME")) + "/.cache/logidata-peers";
  fs::copy_file(script, fs::path(home) / "count_j4.mjs", fs::copy_options::overwrite_existing);
  std::string counted = testing::RunShell("node " + home + "/count_j4.mjs", &status);
  ASSERT_EQ(status, 0) << counted;
  auto c = counted.find("counts=");
  ASSERT_NE(c, std::string::npos) << counted;
  int64_t rows = 0, keys = 0, unnormalised = 0;
  ASSERT_EQ(std::sscanf(counted.c_str() + c, "counts=%ld,%ld,%ld", &rows, &keys, &unnormalised), 3) << counted;
  EXPECT_EQ(rows, duck_rows);
  EXPECT_EQ(keys, rows);  // one row per key
  EXPECT_EQ(unnormalised, 0);
}

}  // namespace
}  // namespace logidata

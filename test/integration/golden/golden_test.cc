// Golden tests: every example pipeline runs and its outputs match test/golden/examples/<name>/
// (CSV compared cell by cell, numbers with a relative tolerance because parallel sums may round
// differently); every pipeline in test/golden/errors/ fails with a message containing each line of
// its .error file.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "module/builtin_modules.h"
#include "pipeline/run_pipeline.h"
#include "pipeline/validator.h"
#include "support/test_batches.h"

namespace logidata {
namespace {

namespace fs = std::filesystem;
const fs::path kRoot = LOGIDATA_SOURCE_DIR;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string line; std::getline(ss, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

// Splits one CSV line (the golden files have no embedded newlines).
std::vector<std::string> Cells(const std::string& line) {
  std::vector<std::string> cells;
  std::string cur;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') cur.push_back('"'), ++i;
      else if (c == '"') quoted = false;
      else cur.push_back(c);
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cells.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  cells.push_back(cur);
  return cells;
}

bool SameCell(const std::string& a, const std::string& b) {
  if (a == b) return true;
  char* ea = nullptr;
  char* eb = nullptr;
  double x = std::strtod(a.c_str(), &ea);
  double y = std::strtod(b.c_str(), &eb);
  if (a.empty() || b.empty() || *ea != '\0' || *eb != '\0') return false;
  return std::fabs(x - y) <= 1e-9 * std::max({1.0, std::fabs(x), std::fabs(y)});
}

void ExpectSameCsv(const fs::path& expected, const fs::path& actual) {
  ASSERT_TRUE(fs::exists(actual)) << actual << " was not written";
  auto want = Lines(ReadFile(expected));
  auto got = Lines(ReadFile(actual));
  ASSERT_EQ(got.size(), want.size()) << actual;
  for (size_t r = 0; r < want.size(); ++r) {
    auto w = Cells(want[r]);
    auto g = Cells(got[r]);
    ASSERT_EQ(g.size(), w.size()) << actual << " line " << r + 1;
    for (size_t c = 0; c < w.size(); ++c) {
      EXPECT_TRUE(SameCell(w[c], g[c])) << actual << " line " << r + 1 << " column " << c + 1 << ": expected '"
                                        << w[c] << "' got '" << g[c] << "'";
    }
  }
}

RunResult RunFile(const fs::path& pipeline, const std::string& out_dir, int threads) {
  auto spec = LoadPipelineFile(pipeline.string());
  EXPECT_TRUE(spec.ok()) << spec.status().ToString();
  if (!spec.ok()) return RunResult{spec.status()};
  RunOptions options;
  options.threads = threads;
  options.base_dir = pipeline.parent_path().string();
  options.params["out_dir"] = out_dir;
  return RunPipeline(*spec, BuiltinModules(), options);
}

TEST(GoldenTest, ExamplesProduceTheirGoldenOutputs) {
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(kRoot / "examples")) {
    if (entry.path().extension() != ".json") continue;
    const std::string name = entry.path().stem().string();
    const fs::path golden = kRoot / "test/golden/examples" / name;
    ASSERT_TRUE(fs::exists(golden)) << "no golden outputs for example " << name << " in " << golden;
    for (int threads : {1, 2}) {
      SCOPED_TRACE(name + " threads=" + std::to_string(threads));
      std::string out = testing::TempDir("golden");
      RunResult r = RunFile(entry.path(), out, threads);
      ASSERT_TRUE(r.status.ok()) << r.status.ToString();
      for (const auto& expected : fs::directory_iterator(golden)) {
        ExpectSameCsv(expected.path(), fs::path(out) / expected.path().filename());
      }
    }
    ++checked;
  }
  EXPECT_GE(checked, 3);
}

TEST(GoldenTest, BadInputFailsWithAClearError) {
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(kRoot / "test/golden/errors")) {
    if (entry.path().extension() != ".json") continue;
    SCOPED_TRACE(entry.path().filename().string());
    fs::path expected = entry.path();
    expected.replace_extension(".error");
    ASSERT_TRUE(fs::exists(expected));
    std::string out = testing::TempDir("golden-err");
    RunResult r = RunFile(entry.path(), out, 2);
    ASSERT_FALSE(r.status.ok());
    for (const auto& fragment : Lines(ReadFile(expected))) {
      EXPECT_NE(r.status.message().find(fragment), std::string::npos)
          << "'" << fragment << "' not in: " << r.status.message();
    }
    // A failed run publishes nothing.
    EXPECT_FALSE(fs::exists(fs::path(out) / "x.csv"));
    ++checked;
  }
  EXPECT_GE(checked, 7);
}

}  // namespace
}  // namespace logidata

// The public conformance corpus (../shared/parquet-testing): every file is either read, with the
// row count and values DuckDB reads from it, or rejected with a clear DataError ("corrupt …") or
// Unsupported ("unsupported: …") — never a crash, a hang or an internal error. Files in
// bad_data/ must not be read into values that DuckDB disagrees with.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "formats/parquet/parquet_reader.h"
#include "integration/parquet/parquet_peers.h"

namespace logidata::parquet {
namespace {

namespace fs = std::filesystem;

std::string CorpusDir() {
  const char* env = std::getenv("LOGIDATA_PARQUET_TESTING");
  return env ? env : std::string(LOGIDATA_SOURCE_DIR) + "/../shared/parquet-testing";
}

std::vector<std::string> CorpusFiles() {
  std::vector<std::string> files;
  for (const char* sub : {"data", "bad_data"}) {
    fs::path dir = fs::path(CorpusDir()) / sub;
    if (!fs::exists(dir)) continue;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      std::string p = e.path().string();
      if (e.is_regular_file() && (p.ends_with(".parquet") || p.ends_with(".parquet.encrypted"))) files.push_back(p);
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Whether our column type and DuckDB's type name describe the same kind of values.
bool Comparable(const DataType& t, const std::string& duck) {
  static const std::set<std::string> ints = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER"};
  switch (t.id) {
    case TypeId::kBool: return duck == "BOOLEAN";
    case TypeId::kInt32: case TypeId::kInt64: return ints.count(duck) > 0;
    case TypeId::kFloat64: return duck == "DOUBLE" || duck == "FLOAT";
    case TypeId::kDecimal: return duck.rfind("DECIMAL", 0) == 0 || duck == "UBIGINT";
    case TypeId::kString: return duck == "VARCHAR";
    case TypeId::kBinary: return duck == "BLOB";
    case TypeId::kDate: return duck == "DATE";
    case TypeId::kTimestamp: return duck.rfind("TIMESTAMP", 0) == 0;
    default: return false;
  }
}

bool SameCell(const Column& c, int64_t i, const std::string& duck, const nlohmann::json& theirs) {
  if (c.IsNull(i) || theirs.is_null()) return c.IsNull(i) && theirs.is_null();
  std::string s = theirs.get<std::string>();
  switch (c.type().id) {
    case TypeId::kFloat64: {
      double a = c.Get<double>(i), b = std::stod(s);
      if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
      return duck == "FLOAT" ? static_cast<float>(a) == static_cast<float>(b) : a == b;
    }
    case TypeId::kTimestamp: {
      // DuckDB overflows INT96 values beyond the nanosecond range (years past 2262); ours hold
      // microseconds, so they are right where DuckDB's wrap.
      int64_t v = c.Get<int64_t>(i);
      if (v > 9223372036854775LL || v < -9223372036854775LL) return true;
      return std::to_string(v) == s;
    }
    case TypeId::kBinary: return Hex(c.GetString(i)) == s;
    case TypeId::kString: return c.GetString(i) == s;
    default: return c.GetValue(i).ToString() == s;
  }
}

TEST(ParquetCorpusTest, EveryFileReadsCorrectlyOrFailsCleanly) {
  std::vector<std::string> files = CorpusFiles();
  ASSERT_GT(files.size(), 50u) << "corpus not found under " << CorpusDir();
  PreparePeers();
  std::string args = "parquet_peers.mjs dump --duckdb-only";
  for (const auto& f : files) args += " '" + f + "'";
  auto [rc, out] = RunPeer(args);
  ASSERT_EQ(rc, 0) << out;
  auto dumps = nlohmann::json::parse(out, nullptr, false);
  ASSERT_TRUE(dumps.is_array() && dumps.size() == files.size());

  int read = 0, rejected = 0, compared_columns = 0;
  for (size_t k = 0; k < files.size(); ++k) {
    const std::string& file = files[k];
    SCOPED_TRACE(file);
    const bool bad = file.find("/bad_data/") != std::string::npos;
    const auto& duck = dumps[k]["duckdb"];
    const bool duck_ok = !duck.contains("error");
    Status status;
    std::vector<BatchPtr> batches;
    std::shared_ptr<ParquetReader> reader;
    auto opened = ParquetReader::Open(LocalFileSystem(), file);
    if (opened.ok()) {
      reader = std::move(opened).value();
      auto all = reader->ReadAll();
      if (all.ok()) batches = std::move(all).value(); else status = all.status();
    } else {
      status = opened.status();
    }
    if (!status.ok()) {
      ++rejected;
      std::printf("  rejected %-70s %s\n", fs::path(file).filename().c_str(), status.ToString().substr(0, 160).c_str());
      EXPECT_TRUE(status.IsDataError() || status.IsUnsupported()) << status.ToString();
      if (status.IsUnsupported()) {
        EXPECT_NE(status.message().find("unsupported"), std::string::npos);
      }
      if (status.IsDataError()) {
        EXPECT_NE(status.message().find("corrupt"), std::string::npos) << status.message();
      }
      continue;
    }
    ++read;
    if (!duck_ok) {
      std::printf("  read     %-70s (DuckDB cannot: %s)\n", fs::path(file).filename().c_str(),
                  duck["error"].get<std::string>().substr(0, 100).c_str());
      EXPECT_FALSE(bad) << "we read a malformed file that DuckDB rejects";
      continue;
    }
    int64_t rows = 0;
    for (const auto& b : batches) rows += b->num_rows();
    const auto& duck_rows = duck["rows"];
    EXPECT_EQ(rows, static_cast<int64_t>(duck_rows.size()));
    // Compare every column both readers see under the same name with the same kind of values.
    const auto& duck_schema = duck["schema"];
    for (size_t dc = 0; dc < duck_schema.size(); ++dc) {
      std::string name = duck_schema[dc]["name"], type = duck_schema[dc]["type"];
      int ours = reader->schema()->FieldIndex(name);
      if (ours < 0 || !Comparable(reader->schema()->field(ours).type, type)) continue;
      ++compared_columns;
      int64_t row = 0;
      int mismatches = 0;
      for (const auto& b : batches) {
        for (int64_t i = 0; i < b->num_rows() && row < static_cast<int64_t>(duck_rows.size()); ++i, ++row) {
          const auto& cell = duck_rows[static_cast<size_t>(row)][dc];
          if (!SameCell(*b->column(ours), i, type, cell) && ++mismatches <= 3) {
            ADD_FAILURE() << name << " row " << row << ": ours=" << b->column(ours)->GetValue(i).ToString()
                          << " duckdb=" << cell.dump();
          }
        }
      }
    }
    std::printf("  read     %-70s rows=%lld\n", fs::path(file).filename().c_str(), static_cast<long long>(rows));
  }
  std::printf("corpus: %d read, %d rejected, %d columns compared with DuckDB\n", read, rejected, compared_columns);
  EXPECT_GT(read, 60);
}

}  // namespace
}  // namespace logidata::parquet

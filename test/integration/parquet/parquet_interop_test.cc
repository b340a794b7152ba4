// Interoperability with the reference engines (DuckDB and Polars, run by ../shared/peers):
//  * every file our writer produces here is read by both with the expected schema and row count
//    (parquet_check.mjs), and DuckDB's values equal ours;
//  * files DuckDB and Polars write (all types, every compression, nulls, DuckDB's page v2 with
//    delta encodings) read through our reader give the values DuckDB reads from them.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "formats/parquet/compression.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/parquet_writer.h"
#include "integration/parquet/parquet_peers.h"
#include "support/test_batches.h"
#include "types/column_builder.h"

namespace logidata::parquet {
namespace {

namespace fs = std::filesystem;
using logidata::testing::TempDir;

// A cell in the canonical text the helper script prints for DuckDB.
std::optional<std::string> Canonical(const Column& c, int64_t i) {
  if (c.IsNull(i)) return std::nullopt;
  switch (c.type().id) {
    case TypeId::kTimestamp: return std::to_string(c.Get<int64_t>(i));
    case TypeId::kBinary: return Hex(c.GetString(i));
    case TypeId::kString: return std::string(c.GetString(i));
    default: return c.GetValue(i).ToString();
  }
}

bool SameCell(const DataType& t, const std::string& duck_type, const std::optional<std::string>& ours,
              const nlohmann::json& theirs) {
  if (theirs.is_null() || !ours) return theirs.is_null() && !ours;
  std::string s = theirs.get<std::string>();
  if (t.id == TypeId::kFloat64) {
    double a = std::stod(*ours), b = std::stod(s);
    if (duck_type == "FLOAT") return static_cast<float>(a) == static_cast<float>(b);
    return a == b || (std::isnan(a) && std::isnan(b));
  }
  return *ours == s;
}

// Compares our reading of `file` with DuckDB's dump of it; returns the number of mismatches.
void ExpectSameAsDuckDB(const std::string& file, const nlohmann::json& dump) {
  SCOPED_TRACE(file);
  ASSERT_TRUE(dump.contains("duckdb") && !dump["duckdb"].contains("error")) << dump.dump();
  auto reader = ParquetReader::Open(LocalFileSystem(), file);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto batches = (*reader)->ReadAll();
  ASSERT_TRUE(batches.ok()) << batches.status().ToString();
  const auto& schema = dump["duckdb"]["schema"];
  const auto& rows = dump["duckdb"]["rows"];
  ASSERT_EQ(static_cast<int>(schema.size()), (*reader)->schema()->num_fields());
  int64_t row = 0;
  int mismatches = 0;
  for (const auto& b : *batches) {
    for (int64_t i = 0; i < b->num_rows(); ++i, ++row) {
      ASSERT_LT(row, static_cast<int64_t>(rows.size()));
      for (int c = 0; c < b->num_columns(); ++c) {
        const std::string duck_type = schema[static_cast<size_t>(c)]["type"];
        auto ours = Canonical(*b->column(c), i);
        const auto& theirs = rows[static_cast<size_t>(row)][static_cast<size_t>(c)];
        if (!SameCell(b->column(c)->type(), duck_type, ours, theirs) && ++mismatches < 10) {
          ADD_FAILURE() << "row " << row << " column " << b->schema()->field(c).name << " (" << duck_type
                        << "): ours=" << ours.value_or("NULL") << " duckdb=" << theirs.dump();
        }
      }
    }
  }
  EXPECT_EQ(row, static_cast<int64_t>(rows.size()));
  EXPECT_EQ(mismatches, 0);
}

nlohmann::json Dump(const std::vector<std::string>& files, bool check_stats = false) {
  std::string args = std::string("parquet_peers.mjs dump") + (check_stats ? " --check-stats" : "");
  for (const auto& f : files) args += " '" + f + "'";
  auto [rc, out] = RunPeer(args);
  EXPECT_EQ(rc, 0) << out;
  return nlohmann::json::parse(out, nullptr, false);
}

// A batch of every type we write, with nulls, repeated and unique values.
BatchPtr AllTypesBatchWithBinary(int64_t rows) {
  SchemaPtr schema = MakeSchema({{"b", DataType::Bool()},          {"i32", DataType::Int32()},
                                 {"i64", DataType::Int64()},        {"f64", DataType::Float64()},
                                 {"d9", DataType::Decimal(9, 2)},   {"d18", DataType::Decimal(18, 3)},
                                 {"d38", DataType::Decimal(38, 6)}, {"s_dict", DataType::String()},
                                 {"s_plain", DataType::String()},   {"bin", DataType::Binary()},
                                 {"dt", DataType::Date()},          {"ts", DataType::Timestamp()},
                                 {"tstz", DataType::Timestamp("UTC")}, {"all_null", DataType::String()},
                                 {"req", DataType::Int64(), false}});
  std::vector<ColumnBuilder> b;
  for (const auto& f : schema->fields()) b.emplace_back(f.type, rows);
  for (int64_t i = 0; i < rows; ++i) {
    auto null = [&](int k) { return i % 7 == k; };
    null(0) ? b[0].AppendNull() : b[0].AppendBool(i % 3 == 0);
    null(1) ? b[1].AppendNull() : b[1].AppendInt32(static_cast<int32_t>(i * 37 - 5000));
    null(2) ? b[2].AppendNull() : b[2].AppendInt64(i * 1234567891LL * (i % 2 ? -1 : 1));
    null(3) ? b[3].AppendNull() : b[3].AppendDouble(i * 0.001 - 1.0 / 3);
    null(4) ? b[4].AppendNull() : b[4].AppendDecimal(i * 317 - 9999);
    null(5) ? b[5].AppendNull() : b[5].AppendDecimal(static_cast<int128_t>(i) * 123456789012LL);
    null(6) ? b[6].AppendNull() : b[6].AppendDecimal(static_cast<int128_t>(i) * 98765432109876543LL * 1000000 * (i % 2 ? -1 : 1));
    null(0) ? b[7].AppendNull() : b[7].AppendString("status_" + std::to_string(i % 5));
    null(1) ? b[8].AppendNull() : b[8].AppendString("unique ü \"" + std::to_string(i * 7919) + std::string(static_cast<size_t>(i % 13), 'x'));
    null(2) ? b[9].AppendNull() : b[9].AppendString(std::string("\0\xff", 2) + std::to_string(i));
    null(3) ? b[10].AppendNull() : b[10].AppendDate(static_cast<int32_t>(i * 3 - 4000));
    null(4) ? b[11].AppendNull() : b[11].AppendTimestamp(1714564800000000LL + i * 1234567891LL);
    null(5) ? b[12].AppendNull() : b[12].AppendTimestamp(-86400000000LL + i * 7777777LL);
    b[13].AppendNull();
    b[14].AppendInt64(i);
  }
  std::vector<ColumnPtr> cols;
  for (auto& x : b) cols.push_back(x.Finish());
  return Batch::Make(schema, std::move(cols), rows);
}

// nodejs-polars cannot convert Binary columns to JS (its schema call fails on them), so the
// files checked by both peers leave the binary column out; one extra file keeps it for DuckDB.
BatchPtr AllTypesBatch(int64_t rows, bool with_binary) {
  BatchPtr b = AllTypesBatchWithBinary(rows);
  if (with_binary) return b;
  std::vector<Field> fields;
  std::vector<ColumnPtr> cols;
  for (int c = 0; c < b->num_columns(); ++c) {
    if (b->schema()->field(c).type.id == TypeId::kBinary) continue;
    fields.push_back(b->schema()->field(c));
    cols.push_back(b->column(c));
  }
  return Batch::Make(MakeSchema(std::move(fields)), std::move(cols), rows);
}

std::string ExpectedDuckType(const DataType& t) {
  switch (t.id) {
    case TypeId::kBool: return "BOOLEAN";
    case TypeId::kInt32: return "INTEGER";
    case TypeId::kInt64: return "BIGINT";
    case TypeId::kFloat64: return "DOUBLE";
    case TypeId::kDecimal: return "DECIMAL(" + std::to_string(t.precision) + "," + std::to_string(t.scale) + ")";
    case TypeId::kString: return "VARCHAR";
    case TypeId::kBinary: return "BLOB";
    case TypeId::kDate: return "DATE";
    case TypeId::kTimestamp: return t.timezone.empty() ? "TIMESTAMP" : "TIMESTAMP WITH TIME ZONE";
    default: return "?";
  }
}

std::string ExpectedPolarsType(const DataType& t) {
  switch (t.id) {
    case TypeId::kBool: return "Bool";
    case TypeId::kInt32: return "Int32";
    case TypeId::kInt64: return "Int64";
    case TypeId::kFloat64: return "Float64";
    case TypeId::kDecimal: return "Decimal";
    case TypeId::kString: return "String";
    case TypeId::kBinary: return "Binary";
    case TypeId::kDate: return "Date";
    case TypeId::kTimestamp: return "Datetime";
    default: return "?";
  }
}

struct WriterCase {
  std::string codec;
  int64_t rows;
  int64_t row_group_size;
  int64_t page_size;
  int64_t dictionary_limit;
};

TEST(ParquetInteropTest, PeersReadOurFiles) {
  PreparePeers();
  std::string dir = TempDir("pq-ours");
  std::vector<WriterCase> cases = {
      {"none", 5000, 2000, 4096, 1 << 20},   {"snappy", 5000, 1 << 20, 1 << 20, 1 << 20},
      {"gzip", 3000, 1000, 1000, 256},       {"zstd", 20000, 6000, 8192, 1 << 20},
      {"lz4_raw", 5000, 2500, 1 << 20, 1024}, {"zstd", 1, 10, 10, 10},
  };
  std::vector<std::string> files;
  std::vector<BatchPtr> inputs;
  for (size_t k = 0; k < cases.size(); ++k) {
    const auto& c = cases[k];
    BatchPtr batch = AllTypesBatch(c.rows, /*with_binary=*/false);
    ParquetWriteOptions options;
    options.compression = ParseCodec(c.codec).value();
    options.row_group_size = c.row_group_size;
    options.page_size = c.page_size;
    options.dictionary_size_limit = c.dictionary_limit;
    options.num_threads = 2;
    std::string path = dir + "/ours_" + std::to_string(k) + "_" + c.codec + ".parquet";
    auto writer = ParquetWriter::Open(LocalFileSystem(), path, batch->schema(), options);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    ASSERT_TRUE((*writer)->Write(batch).ok());
    ASSERT_TRUE((*writer)->Close().ok());
    files.push_back(path);
    inputs.push_back(batch);
  }
  std::string args = "parquet_check.mjs";
  for (const auto& f : files) args += " '" + f + "'";
  auto [rc, out] = RunPeer(args + " --json");
  EXPECT_EQ(rc, 0) << out;
  auto check = nlohmann::json::parse(out, nullptr, false);
  ASSERT_FALSE(check.is_discarded()) << out;
  auto dumps = Dump(files, /*check_stats=*/true);
  ASSERT_TRUE(dumps.is_array()) << dumps.dump();
  ASSERT_EQ(dumps.size(), files.size());
  for (size_t k = 0; k < files.size(); ++k) {
    SCOPED_TRACE(files[k]);
    const auto& schema = *inputs[k]->schema();
    const auto& d = dumps[k];
    ASSERT_TRUE(d["polars"].contains("schema")) << d["polars"].dump();
    const auto& duck_schema = d["duckdb"]["schema"];
    const auto& polars_schema = d["polars"]["schema"];
    ASSERT_EQ(duck_schema.size(), static_cast<size_t>(schema.num_fields()));
    ASSERT_EQ(polars_schema.size(), static_cast<size_t>(schema.num_fields()));
    EXPECT_EQ(d["polars"]["rows"].get<int64_t>(), inputs[k]->num_rows());
    // DuckDB prunes row groups with our min/max statistics: filtered counts must not change.
    ASSERT_TRUE(d["duckdb"].contains("stats_mismatches"));
    EXPECT_TRUE(d["duckdb"]["stats_mismatches"].empty()) << d["duckdb"]["stats_mismatches"].dump();
    for (int c = 0; c < schema.num_fields(); ++c) {
      const Field& f = schema.field(c);
      if (f.type.id == TypeId::kString && f.name == "all_null") continue;
      EXPECT_EQ(duck_schema[static_cast<size_t>(c)]["name"], f.name);
      EXPECT_EQ(duck_schema[static_cast<size_t>(c)]["type"], ExpectedDuckType(f.type)) << f.name;
      std::string pt = polars_schema[static_cast<size_t>(c)]["type"];
      EXPECT_EQ(pt.rfind(ExpectedPolarsType(f.type), 0), 0u) << f.name << ": " << pt;
    }
    ExpectSameAsDuckDB(files[k], d);
  }
}

TEST(ParquetInteropTest, DuckDBReadsOurBinaryColumns) {
  PreparePeers();
  std::string path = TempDir("pq-bin") + "/with_binary.parquet";
  BatchPtr batch = AllTypesBatch(4000, /*with_binary=*/true);
  ParquetWriteOptions options;
  options.row_group_size = 1500;
  options.page_size = 2000;
  auto writer = ParquetWriter::Open(LocalFileSystem(), path, batch->schema(), options);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Write(batch).ok());
  ASSERT_TRUE((*writer)->Close().ok());
  auto dumps = Dump({path});
  ASSERT_TRUE(dumps.is_array() && dumps.size() == 1);
  EXPECT_EQ(dumps[0]["duckdb"]["schema"][9]["type"], "BLOB");
  ExpectSameAsDuckDB(path, dumps[0]);
}

TEST(ParquetInteropTest, WeReadPeerFiles) {
  PreparePeers();
  std::string dir = TempDir("pq-peers");
  auto [rc, out] = RunPeer("parquet_peers.mjs make '" + dir + "'");
  ASSERT_EQ(rc, 0) << out;
  auto files = nlohmann::json::parse(out, nullptr, false);
  ASSERT_TRUE(files.is_array() && files.size() >= 11) << out;
  std::vector<std::string> paths = files.get<std::vector<std::string>>();
  auto dumps = Dump(paths);
  ASSERT_TRUE(dumps.is_array());
  for (size_t k = 0; k < paths.size(); ++k) ExpectSameAsDuckDB(paths[k], dumps[k]);
}

}  // namespace
}  // namespace logidata::parquet

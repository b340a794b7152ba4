#include "support/test_batches.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "types/column_builder.h"
#include "types/temporal.h"

namespace logidata::testing {

SchemaPtr ParseSchemaSpec(const std::string& spec) {
  std::vector<Field> fields;
  size_t pos = 0;
  int depth = 0;
  std::string current;
  auto flush = [&] {
    auto colon = current.find(':');
    std::string name = current.substr(0, colon);
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    auto type = DataType::Parse(current.substr(colon + 1));
    EXPECT_TRUE(type.ok()) << type.status().ToString();
    fields.push_back(Field{name, type.ok() ? *type : DataType::String(), true});
    current.clear();
  };
  for (; pos < spec.size(); ++pos) {
    char c = spec[pos];
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      flush();
      continue;
    }
    current.push_back(c);
  }
  if (!current.empty()) flush();
  return MakeSchema(std::move(fields));
}

namespace {
void AppendCell(ColumnBuilder& b, const std::string& cell) {
  if (cell == "NULL") {
    b.AppendNull();
    return;
  }
  const DataType& t = b.type();
  switch (t.id) {
    case TypeId::kBool: b.AppendBool(cell == "true" || cell == "1"); break;
    case TypeId::kInt32: b.AppendInt32(std::stoi(cell)); break;
    case TypeId::kInt64: b.AppendInt64(std::stoll(cell)); break;
    case TypeId::kFloat64: b.AppendDouble(std::stod(cell)); break;
    case TypeId::kDecimal: {
      int128_t v = 0;
      bool neg = false;
      int frac = -1;
      for (char c : cell) {
        if (c == '-') neg = true;
        else if (c == '.') frac = 0;
        else {
          v = v * 10 + (c - '0');
          if (frac >= 0) ++frac;
        }
      }
      for (int i = std::max(frac, 0); i < t.scale; ++i) v *= 10;
      b.AppendDecimal(neg ? -v : v);
      break;
    }
    case TypeId::kDate: b.AppendDate(ParseDate(cell).value_or(0)); break;
    case TypeId::kTimestamp: b.AppendTimestamp(ParseTimestamp(cell).value_or(0)); break;
    default: b.AppendString(cell); break;
  }
}
}  // namespace

BatchPtr MakeBatch(const std::string& schema_spec, const std::vector<std::vector<std::string>>& rows) {
  SchemaPtr schema = ParseSchemaSpec(schema_spec);
  std::vector<ColumnBuilder> builders;
  for (const auto& f : schema->fields()) builders.emplace_back(f.type);
  for (const auto& row : rows) {
    EXPECT_EQ(row.size(), builders.size());
    for (size_t c = 0; c < builders.size() && c < row.size(); ++c) AppendCell(builders[c], row[c]);
  }
  std::vector<ColumnPtr> columns;
  for (auto& b : builders) columns.push_back(b.Finish());
  return Batch::Make(schema, std::move(columns), static_cast<int64_t>(rows.size()));
}

std::vector<std::vector<std::string>> Rows(const Batch& batch) {
  std::vector<std::vector<std::string>> out;
  for (int64_t r = 0; r < batch.num_rows(); ++r) {
    std::vector<std::string> row;
    for (const auto& c : batch.columns()) row.push_back(c->IsNull(r) ? "NULL" : c->GetValue(r).ToString());
    out.push_back(std::move(row));
  }
  return out;
}

std::vector<std::vector<std::string>> Rows(const std::vector<BatchPtr>& batches) {
  std::vector<std::vector<std::string>> out;
  for (const auto& b : batches) {
    auto rows = Rows(*b);
    out.insert(out.end(), rows.begin(), rows.end());
  }
  return out;
}

std::vector<std::vector<std::string>> SortedRows(const std::vector<BatchPtr>& batches) {
  auto rows = Rows(batches);
  std::sort(rows.begin(), rows.end());
  return rows;
}

std::string TempDir(const std::string& prefix) {
  static std::mutex mu;
  static std::vector<std::string>* dirs = [] {
    auto* v = new std::vector<std::string>();
    std::atexit([] {
      for (const auto& d : *dirs) std::filesystem::remove_all(d);
    });
    return v;
  }();
  std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
  char* made = mkdtemp(tmpl.data());
  EXPECT_NE(made, nullptr);
  std::lock_guard<std::mutex> lock(mu);
  dirs->push_back(tmpl);
  return tmpl;
}

}  // namespace logidata::testing

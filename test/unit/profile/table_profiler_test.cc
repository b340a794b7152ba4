// Known-answer tests: generated columns whose every figure is known in advance (exact distinct
// counts, quantiles of 1..n, emails, phones and dates in set formats), and a merge of partial
// profiles compared with one pass.
#include "profile/table_profiler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "profile/profile_json.h"
#include "types/column_builder.h"

namespace logidata::profile {
namespace {

std::string Pad2(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }

// Row i of the generated table. Every column's answer follows from i alone.
struct Generated {
  static constexpr int kRows = 20000;
  static std::string Country(int i) { return std::vector<std::string>{"DE", "FR", "US", "NL", "GB"}[static_cast<size_t>(i % 5)]; }
  static std::string Email(int i) { return "user" + std::to_string(i % 7000) + "@example.com"; }
  static std::string Phone(int i) { return "+49 30 " + std::to_string(1000000 + i % 3000); }
  // Day-first dates; days above 12 tell the layout apart from month-first.
  static std::string Date(int i) { return Pad2(1 + i % 28) + "/" + Pad2(1 + i % 12) + "/" + std::to_string(2020 + i % 5); }
  static std::string Code(int i) { return "AB-" + std::to_string(100 + i % 900); }
};

SchemaPtr TestSchema() {
  return std::make_shared<Schema>(std::vector<Field>{{"id", DataType::Int64()},
                                                     {"country", DataType::String()},
                                                     {"email", DataType::String()},
                                                     {"phone", DataType::String()},
                                                     {"signup", DataType::String()},
                                                     {"code", DataType::String()},
                                                     {"amount_text", DataType::String()},
                                                     {"score", DataType::Float64()}});
}

// Rows [from, to) as one batch. id = i + 1 (1..n); every 10th country is null, every 20th
// email is empty, every 50th code is padded with a space; score = 10 except 5 huge outliers.
BatchPtr MakeRows(int from, int to) {
  SchemaPtr schema = TestSchema();
  std::vector<std::unique_ptr<ColumnBuilder>> b;  // one per field
  for (const Field& f : schema->fields()) b.push_back(std::make_unique<ColumnBuilder>(f.type));
  for (int i = from; i < to; ++i) {
    b[0]->AppendValue(Value::Int64(i + 1));
    b[1]->AppendValue(i % 10 == 0 ? Value::Null(DataType::String()) : Value::String(Generated::Country(i)));
    b[2]->AppendValue(Value::String(i % 20 == 0 ? "" : Generated::Email(i)));
    b[3]->AppendValue(Value::String(Generated::Phone(i)));
    b[4]->AppendValue(Value::String(Generated::Date(i)));
    b[5]->AppendValue(Value::String(i % 50 == 0 ? " " + Generated::Code(i) : Generated::Code(i)));
    b[6]->AppendValue(Value::String(std::to_string(i % 100)));
    b[7]->AppendValue(Value::Float64(i % 4000 == 0 ? 1e6 : 10.0 + (i % 7)));
  }
  std::vector<ColumnPtr> cols;
  for (auto& builder : b) cols.push_back(builder->Finish());
  return Batch::Make(schema, std::move(cols), to - from);
}

const ColumnStatistics& Col(const TableStatistics& t, const std::string& name) {
  for (const auto& c : t.columns) {
    if (c.name == name) return c;
  }
  ADD_FAILURE() << "no column " << name;
  return t.columns[0];
}

std::string Quantile(const ColumnStatistics& c, double q) {
  for (const auto& v : c.quantiles) {
    if (v.q == q) return v.value;
  }
  return "";
}

TableStatistics ProfileInBatches(int batch_rows) {
  TableProfiler profiler(*TestSchema());
  for (int from = 0; from < Generated::kRows; from += batch_rows) {
    profiler.Add(*MakeRows(from, std::min(Generated::kRows, from + batch_rows)));
  }
  return profiler.Finish();
}

TEST(TableProfilerTest, KnownAnswers) {
  const TableStatistics t = ProfileInBatches(4096);
  const int n = Generated::kRows;
  EXPECT_EQ(t.rows, n);

  const ColumnStatistics& id = Col(t, "id");
  EXPECT_EQ(id.semantic_type, "integer");
  EXPECT_EQ(id.min, "1");
  EXPECT_EQ(id.max, std::to_string(n));
  EXPECT_EQ(id.nulls, 0);
  EXPECT_FALSE(id.distinct_exact);
  EXPECT_NEAR(id.distinct, n, n * 4 * id.distinct_relative_error);
  EXPECT_NEAR(id.mean, (n + 1) / 2.0, 1e-6);
  EXPECT_NEAR(id.stddev, std::sqrt((static_cast<double>(n) * n - 1) / 12.0), 1.0);
  // Quantiles of 1..n: the value at rank q is about q·n, within the stated rank error.
  for (double q : {0.05, 0.25, 0.5, 0.75, 0.95}) {
    EXPECT_NEAR(std::stod(Quantile(id, q)), q * n, n * id.quantile_rank_error) << q;
  }
  EXPECT_EQ(id.outliers_low + id.outliers_high, 0);
  // The histogram of a uniform column: ten buckets of about n/10.
  ASSERT_EQ(id.histogram_counts.size(), 10u);
  int64_t total = 0;
  for (int64_t c : id.histogram_counts) {
    EXPECT_NEAR(c, n / 10, n * 2 * id.quantile_rank_error);
    total += c;
  }
  EXPECT_EQ(total, n);

  const ColumnStatistics& country = Col(t, "country");
  EXPECT_EQ(country.semantic_type, "country_code");
  EXPECT_EQ(country.nulls, n / 10);
  EXPECT_EQ(country.distinct, 5);
  EXPECT_TRUE(country.distinct_exact);
  EXPECT_EQ(country.min, "DE");
  EXPECT_EQ(country.max, "US");
  EXPECT_EQ(country.top_values_max_error, 0);
  ASSERT_EQ(country.top_values.size(), 5u);
  // Nulls fall on i % 10 == 0, i.e. always on DE (i % 5 == 0): DE has n/5 - n/10.
  EXPECT_EQ(country.top_values.back().value, "DE");
  EXPECT_EQ(country.top_values.back().count, n / 5 - n / 10);
  EXPECT_EQ(country.top_values.front().count, n / 5);
  EXPECT_EQ(country.patterns.size(), 1u);
  EXPECT_EQ(country.patterns[0].value, "AA");
  EXPECT_EQ(country.length_min, 2);
  EXPECT_EQ(country.length_max, 2);
  EXPECT_EQ(country.pii_kind, "");

  const ColumnStatistics& email = Col(t, "email");
  EXPECT_EQ(email.semantic_type, "email");
  EXPECT_EQ(email.empty, n / 20);
  EXPECT_EQ(email.pii_kind, "email");
  EXPECT_DOUBLE_EQ(email.pii_likelihood, 1.0);
  // i % 7000 keeps i % 20 (20 divides 7000): the 350 residues ≡ 0 mod 20 are always empty, so
  // 6650 addresses plus "".
  EXPECT_FALSE(email.distinct_exact);
  EXPECT_NEAR(email.distinct, 6651, 6651 * 4 * email.distinct_relative_error);

  const ColumnStatistics& phone = Col(t, "phone");
  EXPECT_EQ(phone.semantic_type, "phone");
  EXPECT_EQ(phone.pii_kind, "phone");
  EXPECT_EQ(phone.patterns[0].value, "+99 99 9999999");
  EXPECT_EQ(phone.patterns[0].count, n);
  EXPECT_FALSE(phone.distinct_exact) << "3000 values: beyond the exact limit";
  EXPECT_NEAR(phone.distinct, 3000, 3000 * 4 * phone.distinct_relative_error);

  const ColumnStatistics& signup = Col(t, "signup");
  EXPECT_EQ(signup.semantic_type, "date");
  EXPECT_EQ(signup.format, "%d/%m/%Y");
  EXPECT_DOUBLE_EQ(signup.semantic_confidence, 1.0);

  const ColumnStatistics& code = Col(t, "code");
  EXPECT_EQ(code.semantic_type, "text");
  EXPECT_EQ(code.padded, n / 50);
  // 900 codes; the 18 with i % 900 ≡ 0 mod 50 occur only padded (50 divides 900).
  EXPECT_EQ(code.distinct, 900);
  EXPECT_TRUE(code.distinct_exact);
  EXPECT_EQ(code.patterns[0].value, "AA-999");
  EXPECT_EQ(code.patterns[0].count, n - n / 50);
  EXPECT_EQ(code.patterns[1].value, " AA-999");
  EXPECT_EQ(code.length_min, 6);
  EXPECT_EQ(code.length_max, 7);

  const ColumnStatistics& amount = Col(t, "amount_text");
  EXPECT_EQ(amount.semantic_type, "integer");
  EXPECT_TRUE(amount.numeric);
  EXPECT_NEAR(amount.mean, 49.5, 1e-9);
  EXPECT_EQ(amount.min, "0") << "text ordering for a text column";
  EXPECT_EQ(amount.max, "99");
  EXPECT_EQ(amount.distinct, 100);

  const ColumnStatistics& score = Col(t, "score");
  EXPECT_EQ(score.semantic_type, "decimal");
  EXPECT_EQ(score.max, FormatDouble(1e6));
  // Five values of 1e6 far above 10..16: counted exactly among the kept extremes.
  EXPECT_GE(score.outliers_high, n / 4000);
  EXPECT_LE(score.outliers_high, n / 4000 + n * score.quantile_rank_error);
  EXPECT_EQ(score.outliers_low, 0);
  ASSERT_EQ(score.outlier_examples.size(), 1u) << "examples are distinct values";
  EXPECT_EQ(score.outlier_examples[0], FormatDouble(1e6));
}

// The figures that are exact must be identical whatever the batching and merging; the
// estimates stay within their bounds.
TEST(TableProfilerTest, MergeEqualsOnePass) {
  const TableStatistics one = ProfileInBatches(Generated::kRows);
  TableProfiler a(*TestSchema()), b(*TestSchema()), c(*TestSchema());
  for (int from = 0, k = 0; from < Generated::kRows; from += 1000, ++k) {
    (k % 3 == 0 ? a : k % 3 == 1 ? b : c).Add(*MakeRows(from, from + 1000));
  }
  a.Merge(b);
  a.Merge(c);
  const TableStatistics merged = a.Finish();
  ASSERT_EQ(merged.rows, one.rows);
  for (size_t i = 0; i < one.columns.size(); ++i) {
    const ColumnStatistics& x = one.columns[i];
    const ColumnStatistics& y = merged.columns[i];
    SCOPED_TRACE(x.name);
    EXPECT_EQ(x.count, y.count);
    EXPECT_EQ(x.nulls, y.nulls);
    EXPECT_EQ(x.empty, y.empty);
    EXPECT_EQ(x.padded, y.padded);
    EXPECT_EQ(x.min, y.min);
    EXPECT_EQ(x.max, y.max);
    EXPECT_EQ(x.semantic_type, y.semantic_type);
    EXPECT_EQ(x.format, y.format);
    EXPECT_EQ(x.distinct_exact, y.distinct_exact);
    if (x.distinct_exact) EXPECT_EQ(x.distinct, y.distinct);
    else EXPECT_EQ(x.distinct, y.distinct) << "HyperLogLog registers merge exactly";
    EXPECT_NEAR(x.mean, y.mean, 1e-9 * std::max(1.0, std::abs(x.mean)));
    EXPECT_NEAR(x.stddev, y.stddev, 1e-9 * std::max(1.0, x.stddev));
    EXPECT_EQ(x.length_min, y.length_min);
    EXPECT_EQ(x.length_max, y.length_max);
    EXPECT_EQ(x.pii_kind, y.pii_kind);
    if (x.top_values_max_error == 0 && y.top_values_max_error == 0) {
      ASSERT_EQ(x.top_values.size(), y.top_values.size());
      for (size_t k = 0; k < x.top_values.size(); ++k) {
        EXPECT_EQ(x.top_values[k].value, y.top_values[k].value);
        EXPECT_EQ(x.top_values[k].count, y.top_values[k].count);
      }
    }
  }
}

TEST(TableProfilerTest, TypedTemporalDecimalAndBoolColumns) {
  SchemaPtr schema = std::make_shared<Schema>(std::vector<Field>{{"d", DataType::Date()},
                                                                 {"ts", DataType::Timestamp()},
                                                                 {"price", DataType::Decimal(10, 2)},
                                                                 {"ok", DataType::Bool()},
                                                                 {"nothing", DataType::Null()}});
  std::vector<std::unique_ptr<ColumnBuilder>> b;  // one per field
  for (const Field& f : schema->fields()) b.push_back(std::make_unique<ColumnBuilder>(f.type));
  for (int i = 0; i < 1000; ++i) {
    b[0]->AppendValue(Value::Date(19000 + i % 100));
    b[1]->AppendValue(Value::Timestamp(int64_t{1700000000} * 1000000 + int64_t{i} * 1000000));
    b[2]->AppendValue(Value::Decimal(100 + i, 10, 2));
    b[3]->AppendValue(i % 4 == 0 ? Value::Null(DataType::Bool()) : Value::Bool(i % 2 == 1));
    b[4]->AppendValue(Value::Null());
  }
  std::vector<ColumnPtr> cols;
  for (auto& builder : b) cols.push_back(builder->Finish());
  TableProfiler profiler(*schema);
  profiler.Add(*Batch::Make(schema, std::move(cols), 1000));
  const TableStatistics t = profiler.Finish();
  EXPECT_EQ(Col(t, "d").semantic_type, "date");
  EXPECT_EQ(Col(t, "d").min, Value::Date(19000).ToString());
  EXPECT_EQ(Col(t, "d").max, Value::Date(19099).ToString());
  EXPECT_EQ(Col(t, "d").distinct, 100);
  EXPECT_EQ(Col(t, "ts").min, Value::Timestamp(int64_t{1700000000} * 1000000).ToString());
  EXPECT_EQ(Col(t, "price").min, "1.00");
  EXPECT_EQ(Col(t, "price").max, "10.99");
  EXPECT_EQ(Col(t, "ok").nulls, 250);
  EXPECT_EQ(Col(t, "ok").distinct, 2);
  EXPECT_EQ(Col(t, "ok").top_values[0].value, "true");
  EXPECT_EQ(Col(t, "ok").top_values[0].count, 500);
  EXPECT_EQ(Col(t, "ok").top_values[1].count, 250);
  EXPECT_EQ(Col(t, "nothing").semantic_type, "empty");
  EXPECT_EQ(Col(t, "nothing").nulls, 1000);
  // The JSON form carries every figure and the accuracy block.
  const auto json = TableStatisticsToJson(t, ProfileOptions{});
  EXPECT_EQ(json["rows"], 1000);
  // The median of 1.00 … 10.99 is 5.995, within the rank error (1000 values compacted once).
  EXPECT_NEAR(std::stod(json["columns"][2]["numeric"]["quantiles"]["p50"].get<std::string>()), 5.995,
              10 * json["accuracy"]["quantiles"]["normalized_rank_error"].get<double>() + 0.01);
  EXPECT_EQ(json["accuracy"]["distinct"]["method"], "hyperloglog");
  EXPECT_NEAR(json["accuracy"]["distinct"]["relative_standard_error"].get<double>(), 0.0081, 0.0001);
  EXPECT_TRUE(json["columns"][4]["numeric"].is_null());
}

// Infinities and NaN: counted, never turned into "nan – nan" buckets or NaN in the JSON.
TEST(TableProfilerTest, NonFiniteNumbers) {
  SchemaPtr schema = std::make_shared<Schema>(std::vector<Field>{{"x", DataType::Float64()}});
  auto builder = std::make_unique<ColumnBuilder>(DataType::Float64());
  for (double v : {1.0, 2.0, double{INFINITY}, -double{INFINITY}, double{NAN}, 3.0}) builder->AppendDouble(v);
  TableProfiler profiler(*schema);
  profiler.Add(*Batch::Make(schema, {builder->Finish()}, 6));
  const TableStatistics t = profiler.Finish();
  const ColumnStatistics& x = t.columns[0];
  EXPECT_EQ(x.nan, 1);
  EXPECT_EQ(x.distinct, 6);
  EXPECT_TRUE(x.histogram_counts.empty());
  EXPECT_FALSE(x.has_outliers);
  const auto json = TableStatisticsToJson(t, ProfileOptions{});
  EXPECT_TRUE(json["columns"][0]["numeric"]["mean"].is_null());
  EXPECT_EQ(json["columns"][0]["numeric"]["nan"], 1);
  EXPECT_TRUE(json["columns"][0]["numeric"]["outliers"].is_null());
  for (const auto& v : json["columns"][0]["top_values"]) EXPECT_NE(v["value"], "nan");
  for (const auto& [k, v] : json["columns"][0]["numeric"]["quantiles"].items()) EXPECT_NE(v, "nan") << k;
}

TEST(TableProfilerTest, PiiFromTheColumnName) {
  SchemaPtr schema = std::make_shared<Schema>(std::vector<Field>{{"customer_last_name", DataType::String()}});
  auto builder = std::make_unique<ColumnBuilder>(DataType::String());
  for (const char* v : {"Smith", "Jones", "Brown"}) builder->AppendValue(Value::String(v));
  TableProfiler profiler(*schema);
  profiler.Add(*Batch::Make(schema, {builder->Finish()}, 3));
  const ColumnStatistics c = profiler.Finish().columns[0];
  EXPECT_EQ(c.pii_kind, "name_hint");
  EXPECT_DOUBLE_EQ(c.pii_likelihood, 0.5);
  EXPECT_EQ(c.semantic_type, "text");
  EXPECT_EQ(c.patterns[0].value, "Aaaaa");
}

}  // namespace
}  // namespace logidata::profile

// The public contract: EvaluatePredicate, ReferencedColumns, run parameters, now_micros,
// concurrent Evaluate, and vectorized fast paths checked against simple row-at-a-time loops on
// batches large enough to cross 64-row words.
#include <random>
#include <thread>

#include "expression/nodes.h"
#include "types/column_builder.h"
#include "unit/expression/expression_test_util.h"

namespace logidata::testing {
namespace {

std::unique_ptr<CompiledExpression> MustCompile(const std::string& text, const Schema& schema,
                                                const ExpressionOptions& options = {}) {
  auto e = CompileExpression(text, schema, options);
  EXPECT_TRUE(e.ok()) << text << ": " << e.status().ToString();
  return e.ok() ? std::move(e).value() : nullptr;
}

TEST(ExpressionApi, EvaluatePredicateKeepsOnlyTrueRows) {
  BatchPtr batch = SampleBatch();
  struct Case {
    std::string text;
    std::vector<int> rows;
  };
  for (const auto& c : std::vector<Case>{
           {"i > 0", {0, 3}},
           {"b", {0, 3}},
           {"NOT b", {1}},
           {"i IS NULL", {2}},
           {"NULL", {}},
           {"TRUE", {0, 1, 2, 3}},
           {"s LIKE '%o%' OR j = 0", {0, 1, 2}},
       }) {
    SCOPED_TRACE(c.text);
    auto e = MustCompile(c.text, *batch->schema());
    ASSERT_NE(e, nullptr);
    auto sel = EvaluatePredicate(*e, *batch);
    ASSERT_TRUE(sel.ok()) << sel.status().ToString();
    std::vector<int> rows;
    for (int r = 0; r < batch->num_rows(); ++r) {
      if (GetBit(sel->bitmap->data(), r)) rows.push_back(r);
    }
    EXPECT_EQ(rows, c.rows);
    EXPECT_EQ(sel->count, static_cast<int64_t>(c.rows.size()));
  }
  auto not_bool = MustCompile("i + 1", *batch->schema());
  auto sel = EvaluatePredicate(*not_bool, *batch);
  ASSERT_FALSE(sel.ok());
  EXPECT_EQ(sel.status().message(), "a filter needs a bool expression, but 'i + 1' is int64");
}

TEST(ExpressionApi, ReferencedColumnsAreExact) {
  BatchPtr batch = SampleBatch();
  struct Case {
    std::string text;
    std::vector<int> columns;
  };
  for (const auto& c : std::vector<Case>{
           {"i + j > 0 AND s = 'x'", {0, 1, 4}},
           {"1 + 2", {}},
           {"CASE WHEN b THEN ts END", {6, 8}},
           {"coalesce(t, s, t)", {4, 5}},
           {"dt BETWEEN '2024-01-01' AND ts", {7, 8}},
           {"now() > ts OR i IN (1, 2)", {0, 8}},
       }) {
    SCOPED_TRACE(c.text);
    auto e = MustCompile(c.text, *batch->schema());
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->ReferencedColumns(), c.columns);
  }
}

TEST(ExpressionApi, RunParametersConvertWhereNeeded) {
  ParameterMap params = {{"min", "5"}, {"start", "2024-01-01"}, {"name", "world"}, {"x", "abc"},
                         {"n", "2.5"}, {"days", "1"}, {"big", "5000000000"}};
  struct Case {
    std::string text, expected;
  };
  for (const auto& c : std::vector<Case>{
           {":min > 0", "true|true|true|true"},
           {"i > :min", "false|false|NULL|true"},
           {"dt >= :start", "true|false|NULL|true"},
           {"ts >= :start", "true|false|NULL|true"},
           {"s = :name", "false|true|NULL|false"},
           {"i + :n", "3.5|-4.5|NULL|102.5"},
           {"date_add('day', :days, dt)", "2024-01-16|2024-01-01|NULL|2024-03-01"},
           {"dt + :days", "2024-01-16|2024-01-01|NULL|2024-03-01"},
           {"i < :big", "true|true|NULL|true"},
           {"i IN (:min, 100)", "false|false|NULL|true"},
           {"concat(:name, '!')", "world!|world!|world!|world!"},
           {"round(f, :days)", "1.5|-2.3|NULL|0"},
           {"f > :x", "ERROR: 1:5: parameter :x is 'abc', not a number"},
           {"dt > :name", "ERROR: 1:6: cannot convert parameter :name value 'world' to date"},
           {":nope > 1", "ERROR: 1:1: unknown parameter ':nope' (did you mean ':name'?)"},
       }) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(EvalText(c.text, &params), c.expected);
  }
  EXPECT_EQ(EvalText(":a = 1"), "ERROR: 1:1: unknown parameter ':a' (the run has no parameters)");
}

TEST(ExpressionApi, NowIsFixedPerCompilation) {
  Schema schema;
  ExpressionOptions options;
  auto a = MustCompile("now()", schema, options);
  BatchPtr empty = Batch::Make(MakeSchema({}), {}, 3);
  auto first = a->Evaluate(*empty);
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  auto second = a->Evaluate(*empty);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(Render(**first), Render(**second));
  EXPECT_EQ((*first)->length(), 3);
}

TEST(ExpressionApi, EmptyBatches) {
  BatchPtr empty = MakeBatch(kSchemaSpec, {});
  for (std::string text : {"i > 0 AND s = 'x'", "lower(trim(s))", "CASE WHEN b THEN d END", "i IN (1, 2)",
                           "s LIKE '%x%'", "coalesce(i, j)", "CAST(s AS int64)", "NOT b OR i IS NULL", "1 + 1"}) {
    SCOPED_TRACE(text);
    auto e = MustCompile(text, *empty->schema());
    auto col = e->Evaluate(*empty);
    ASSERT_TRUE(col.ok()) << col.status().ToString();
    EXPECT_EQ((*col)->length(), 0);
    if (e->type().id == TypeId::kBool) {
      auto sel = EvaluatePredicate(*e, *empty);
      ASSERT_TRUE(sel.ok());
      EXPECT_EQ(sel->count, 0);
    }
  }
}

TEST(ExpressionApi, SchemaMismatchIsAnError) {
  auto e = MustCompile("x + 1", Schema({{"x", DataType::Int64()}}));
  BatchPtr other = MakeBatch("x:string", {{"a"}});
  auto r = e->Evaluate(*other);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInvalidArgument());
}

// A larger batch with random values and ~10% NULLs in every column.
BatchPtr RandomBatch(int64_t rows, uint32_t seed) {
  std::mt19937 rng(seed);
  SchemaPtr schema = ParseSchemaSpec("status:string, amount:float64, qty:int64, email:string");
  ColumnBuilder status(DataType::String()), amount(DataType::Float64()), qty(DataType::Int64()),
      email(DataType::String());
  const char* statuses[] = {"shipped", "paid", "returned", "shipped ", "Shipped", ""};
  for (int64_t r = 0; r < rows; ++r) {
    auto null = [&] { return rng() % 10 == 0; };
    if (null()) status.AppendNull(); else status.AppendString(statuses[rng() % 6]);
    if (null()) amount.AppendNull(); else amount.AppendDouble(static_cast<double>(rng() % 20000) / 100.0);
    if (null()) qty.AppendNull(); else qty.AppendInt64(static_cast<int64_t>(rng() % 21) - 10);
    if (null()) {
      email.AppendNull();
    } else {
      std::string e = std::string(rng() % 3, ' ') + "User" + std::to_string(rng() % 1000) + "@Example.com" +
                      std::string(rng() % 2, '\t');
      email.AppendString(e);
    }
  }
  return Batch::Make(schema, {status.Finish(), amount.Finish(), qty.Finish(), email.Finish()}, rows);
}

TEST(ExpressionApi, FilterMatchesRowAtATimeReference) {
  BatchPtr batch = RandomBatch(10007, 1);
  auto e = MustCompile("status = 'shipped' AND amount > 100", *batch->schema());
  auto sel = EvaluatePredicate(*e, *batch);
  ASSERT_TRUE(sel.ok());
  const Column& status = *batch->column(0);
  const Column& amount = *batch->column(1);
  int64_t expected_count = 0;
  for (int64_t r = 0; r < batch->num_rows(); ++r) {
    bool keep = status.IsValid(r) && amount.IsValid(r) && status.GetString(r) == "shipped" && amount.Get<double>(r) > 100;
    expected_count += keep;
    ASSERT_EQ(GetBit(sel->bitmap->data(), r), keep) << "row " << r;
  }
  EXPECT_EQ(sel->count, expected_count);
}

TEST(ExpressionApi, StringEqualityAndInMatchReferenceForEveryConstantLength) {
  // Strings of length 0..20 so every fixed-length kernel (and the tail near the buffer end) runs.
  std::mt19937 rng(7);
  ColumnBuilder b(DataType::String());
  const int64_t rows = 3000;
  for (int64_t r = 0; r < rows; ++r) {
    if (rng() % 13 == 0) {
      b.AppendNull();
      continue;
    }
    std::string v(rng() % 21, 'a');
    for (char& ch : v) ch = static_cast<char>('a' + rng() % 2);
    b.AppendString(v);
  }
  BatchPtr batch = Batch::Make(ParseSchemaSpec("v:string"), {b.Finish()}, rows);
  const Column& v = *batch->column(0);
  for (int len = 0; len <= 20; ++len) {
    std::string c(static_cast<size_t>(len), 'a');
    for (std::string op : {"=", "<>"}) {
      SCOPED_TRACE(std::to_string(len) + op);
      auto e = MustCompile("v " + op + " '" + c + "'", *batch->schema());
      auto col = e->Evaluate(*batch);
      ASSERT_TRUE(col.ok());
      for (int64_t r = 0; r < rows; ++r) {
        ASSERT_EQ((*col)->IsNull(r), v.IsNull(r));
        if (!v.IsNull(r)) ASSERT_EQ((*col)->GetBool(r), (v.GetString(r) == c) == (op == "=")) << "row " << r;
      }
    }
    std::string c2 = c + "b";
    auto in = MustCompile("v IN ('" + c + "', '" + c2 + "')", *batch->schema());
    auto col = in->Evaluate(*batch);
    ASSERT_TRUE(col.ok());
    for (int64_t r = 0; r < rows; ++r) {
      if (!v.IsNull(r)) ASSERT_EQ((*col)->GetBool(r), v.GetString(r) == c || v.GetString(r) == c2) << "row " << r;
    }
  }
}

TEST(ExpressionApi, LowerTrimMatchesReference) {
  BatchPtr batch = RandomBatch(5003, 2);
  auto e = MustCompile("lower(trim(email))", *batch->schema());
  auto col = e->Evaluate(*batch);
  ASSERT_TRUE(col.ok());
  const Column& email = *batch->column(3);
  for (int64_t r = 0; r < batch->num_rows(); ++r) {
    ASSERT_EQ((*col)->IsNull(r), email.IsNull(r));
    if (email.IsNull(r)) continue;
    std::string s(email.GetString(r));
    s.erase(0, s.find_first_not_of(" \t"));
    s.erase(s.find_last_not_of(" \t") + 1);
    for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    ASSERT_EQ((*col)->GetString(r), s) << "row " << r;
  }
}

TEST(ExpressionApi, LikeFastPathsAgreeWithGeneralMatcher) {
  BatchPtr batch = RandomBatch(3001, 3);
  const Column& email = *batch->column(3);
  for (std::string pattern : {"user1%", "%.com", "%example%", "%Example.com", "User%com%", "%", "", "%1%2%",
                              "User12@Example.com", "%@%.%", "_ser%", "%e_a%"}) {
    for (bool ci : {false, true}) {
      SCOPED_TRACE(pattern + (ci ? " ILIKE" : " LIKE"));
      std::string text = std::string("email ") + (ci ? "ILIKE '" : "LIKE '") + pattern + "'";
      auto e = MustCompile(text, *batch->schema());
      auto col = e->Evaluate(*batch);
      ASSERT_TRUE(col.ok());
      for (int64_t r = 0; r < batch->num_rows(); ++r) {
        if (email.IsNull(r)) {
          ASSERT_TRUE((*col)->IsNull(r));
          continue;
        }
        ASSERT_EQ((*col)->GetBool(r), expr::LikeMatch(email.GetString(r), pattern, ci)) << email.GetString(r);
      }
    }
  }
}

TEST(ExpressionApi, RuntimeErrorsNameTheRow) {
  BatchPtr batch = RandomBatch(2000, 4);
  auto e = MustCompile("CAST(status AS int64)", *batch->schema());
  auto r = e->Evaluate(*batch);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsDataError());
  int64_t first_bad = 0;
  while (batch->column(0)->IsNull(first_bad)) ++first_bad;
  EXPECT_EQ(r.status().message().substr(0, r.status().message().find(':')), "row " + std::to_string(first_bad));
  // Inside a CASE branch the row is still the batch's row, not the branch's.
  auto guarded = MustCompile("CASE WHEN qty > 9 THEN CAST(status AS int64) END", *batch->schema());
  auto g = guarded->Evaluate(*batch);
  ASSERT_FALSE(g.ok());
  int64_t row = 0;
  const Column& qty = *batch->column(2);
  const Column& status = *batch->column(0);
  while (!(qty.IsValid(row) && qty.Get<int64_t>(row) > 9 && status.IsValid(row))) ++row;
  EXPECT_EQ(g.status().message().substr(0, g.status().message().find(':')), "row " + std::to_string(row));
}

TEST(ExpressionApi, EvaluateIsThreadSafe) {
  BatchPtr batch = RandomBatch(20000, 5);
  auto e = MustCompile(
      "CASE WHEN status IN ('shipped', 'paid') AND amount > 50 THEN upper(trim(email)) ELSE "
      "regexp_replace(coalesce(email, 'none'), '[0-9]+', '#') END",
      *batch->schema());
  auto reference = e->Evaluate(*batch);
  ASSERT_TRUE(reference.ok());
  std::string expected = Render(**reference);
  std::vector<std::string> results(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < 5; ++k) {
        auto r = e->Evaluate(*batch);
        results[static_cast<size_t>(t)] = r.ok() ? Render(**r) : r.status().ToString();
      }
    });
  }
  for (auto& th : threads) th.join();
  for (const auto& r : results) EXPECT_EQ(r, expected);
}

}  // namespace
}  // namespace logidata::testing

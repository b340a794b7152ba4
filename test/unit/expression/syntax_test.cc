// Parsing: literals, quoting, precedence, canonical ToString (and that it reads back to the
// same tree), and parse errors with exact line:column positions.
#include "unit/expression/expression_test_util.h"

namespace logidata::testing {
namespace {

TEST(ExpressionSyntax, Literals) {
  RunCases({
      {"42", "42|42|42|42", "int32"},
      {"3000000000", "3000000000|3000000000|3000000000|3000000000", "int64"},
      {"-2147483648", "-2147483648|-2147483648|-2147483648|-2147483648", "int32"},
      {"12.50", "12.50|12.50|12.50|12.50", "decimal(4,2)"},
      {".5", "0.5|0.5|0.5|0.5", "decimal(1,1)"},
      {"1e3", "1000|1000|1000|1000", "float64"},
      {"2.5E-1", "0.25|0.25|0.25|0.25", "float64"},
      {"'it''s'", "it's|it's|it's|it's", "string"},
      {"''", "|||", "string"},
      {"TRUE", "true|true|true|true", "bool"},
      {"false", "false|false|false|false", "bool"},
      {"NULL", "NULL|NULL|NULL|NULL", "null"},
      {"DATE '2024-02-29'", "2024-02-29|2024-02-29|2024-02-29|2024-02-29", "date"},
      {"TIMESTAMP '2024-01-02 03:04:05.5'",
       "2024-01-02 03:04:05.500000|2024-01-02 03:04:05.500000|2024-01-02 03:04:05.500000|2024-01-02 03:04:05.500000",
       "timestamp"},
      {"1 -- a comment\n + 1", "2|2|2|2"},
      {"DATE '2024-02-30'", "ERROR: 1:6: invalid date '2024-02-30' (expected YYYY-MM-DD)"},
      {"TIMESTAMP 'noon'", "ERROR: 1:11: invalid timestamp 'noon' (expected YYYY-MM-DD HH:MM:SS)"},
  });
}

TEST(ExpressionSyntax, NamesAndQuoting) {
  BatchPtr batch = MakeBatch("order id:int64, select:string, Amount:float64", {{"1", "a", "2.5"}, {"2", "b", "NULL"}});
  struct Case {
    std::string text, expected;
  };
  for (const auto& c : std::vector<Case>{
           {"\"order id\" + 1", "2|3"},
           {"\"select\" || 'x'", "ax|bx"},
           {"Amount * 2", "5|NULL"},
           {"amount * 2", "ERROR: 1:1: unknown column 'amount' (did you mean 'Amount'?)"},
           {"select", "a|b"},  // only the expression language's own keywords are reserved
           {"\"nope\"", "ERROR: 1:1: unknown column 'nope' (columns: order id, select, Amount)"},
           {"\"\"", "ERROR: 1:1: empty quoted name"},
           {"\"order id", "ERROR: 1:1: unterminated quoted name"},
       }) {
    SCOPED_TRACE(c.text);
    auto e = CompileExpression(c.text, *batch->schema());
    if (!e.ok()) {
      EXPECT_EQ("ERROR: " + e.status().message(), c.expected);
      EXPECT_TRUE(e.status().IsInvalidArgument());
      continue;
    }
    auto col = (*e)->Evaluate(*batch);
    ASSERT_TRUE(col.ok()) << col.status().ToString();
    EXPECT_EQ(Render(**col), c.expected);
  }
}

TEST(ExpressionSyntax, Precedence) {
  RunCases({
      {"1 + 2 * 3 - 4 / 2", "5|5|5|5"},
      {"2 * 3 % 4", "2|2|2|2"},
      {"-2 * -3", "6|6|6|6"},
      {"1 + 1 = 2 AND 'a' || 'b' = 'ab'", "true|true|true|true"},
      {"NOT 1 = 2 OR FALSE AND FALSE", "true|true|true|true"},
      {"NOT (1 = 2 OR TRUE)", "false|false|false|false"},
      {"TRUE OR FALSE AND FALSE", "true|true|true|true"},
      {"i IS NULL = FALSE", "true|true|false|true"},
  });
}

TEST(ExpressionSyntax, ParseErrorsNamePositions) {
  RunCases({
      {"i +", "ERROR: 1:4: expected an expression but found end of input"},
      {"(i + 1", "ERROR: 1:7: expected ')' but found end of input"},
      {"lower(s", "ERROR: 1:8: expected ')' but found end of input"},
      {"i > 1 AND s = 'x' AND", "ERROR: 1:22: expected an expression but found end of input"},
      {"s = 'abc", "ERROR: 1:5: unterminated string literal"},
      {"i # 2", "ERROR: 1:3: unexpected character '#'"},
      {"i i", "ERROR: 1:3: unexpected 'i' after the expression"},
      {"i +\n  lowr(s)", "ERROR: 2:3: unknown function 'lowr' (did you mean 'lower'?)"},
      {"'é' = ii", "ERROR: 1:7: unknown column 'ii' (did you mean 'i'?)"},
      {"ii > 1", "ERROR: 1:1: unknown column 'ii' (did you mean 'i'?)"},
      {"", "ERROR: 1:1: expected an expression but found end of input"},
      {"CASE i WHEN 1 THEN 2", "ERROR: 1:21: expected END but found end of input"},
      {"CASE END", "ERROR: 1:6: expected an expression but found 'END' (quote it as \"END\" if it is a column)"},
      {"CAST(i AS)", "ERROR: 1:10: expected a type name but found ')'"},
      {"CAST(i int64)", "ERROR: 1:8: expected AS but found 'int64'"},
      {"i NOT 5", "ERROR: 1:3: unexpected 'NOT' after the expression"},
      {"i IN 1", "ERROR: 1:6: expected '(' but found '1'"},
      {"i BETWEEN 1", "ERROR: 1:12: expected AND but found end of input"},
      {"12abc", "ERROR: 1:1: malformed number '12a'"},
      {": x", "ERROR: 1:1: expected a parameter name after ':'"},
      {"count(*)", "ERROR: 1:7: '*' is not allowed in a scalar expression"},
      {"i IS 5", "ERROR: 1:6: expected NULL but found '5'"},
  });
}

TEST(ExpressionSyntax, DeepNestingIsAnErrorNotACrash) {
  Schema schema({{"x", DataType::Int64()}});
  std::vector<std::string> hostile = {
      std::string(100000, '(') + "x" + std::string(100000, ')'),
      [] { std::string s; for (int i = 0; i < 100000; ++i) s += "NOT "; return s + "TRUE"; }(),
      [] { std::string s = "x"; for (int i = 0; i < 100000; ++i) s += " + x"; return s; }(),
      [] { std::string s; for (int i = 0; i < 100000; ++i) s += "- "; return s + "x"; }(),
      [] { std::string s; for (int i = 0; i < 50000; ++i) s += "lower("; return s + "'a'" + std::string(50000, ')'); }(),
      [] { std::string s; for (int i = 0; i < 50000; ++i) s += "CASE WHEN TRUE THEN "; return s + "1"; }(),
  };
  for (const auto& text : hostile) {
    auto e = CompileExpression(text, schema);
    ASSERT_FALSE(e.ok());
    EXPECT_TRUE(e.status().IsInvalidArgument());
    EXPECT_NE(e.status().message().find("nested too deeply"), std::string::npos) << e.status().message();
  }
  // Wide but shallow is fine: long AND chains and IN lists.
  std::string wide = "x IN (0";
  for (int i = 1; i < 5000; ++i) wide += ", " + std::to_string(i);
  wide += ")";
  for (int i = 0; i < 1000; ++i) wide += " AND x > -1";
  EXPECT_TRUE(CompileExpression(wide, schema).ok());
  // A chain just under the limit compiles, and so does its canonical text (found by the fuzzer).
  std::string chain = "x";
  for (int i = 0; i < 100; ++i) chain += i % 2 ? " + 1" : " - 2";
  auto e = CompileExpression(chain, schema);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_TRUE(CompileExpression((*e)->ToString(), schema).ok()) << (*e)->ToString();
}

TEST(ExpressionSyntax, ToStringIsCanonicalAndReadsBack) {
  Schema schema({{"amount", DataType::Float64()}, {"status", DataType::String()}, {"email", DataType::String()},
                 {"qty", DataType::Int32()}, {"my col", DataType::Int64()}, {"d", DataType::Date()}});
  struct Case {
    std::string text, canonical;
  };
  for (const auto& c : std::vector<Case>{
           {"amount > 100 and status in ('shipped','paid')", "(amount > 100) AND (status IN ('shipped', 'paid'))"},
           {"lower(trim(email))", "lower(trim(email))"},
           {"qty * 2 + 1", "(qty * 2) + 1"},
           {"qty - -1", "qty - (-1)"},
           {"\"my col\" <> 3", "\"my col\" <> 3"},
           {"NOT (status = 'a' OR status IS NULL)", "NOT ((status = 'a') OR (status IS NULL))"},
           {"CASE WHEN qty > 0 THEN 'pos' ELSE 'neg' END", "CASE WHEN qty > 0 THEN 'pos' ELSE 'neg' END"},
           {"status LIKE 'A%' AND status NOT ILIKE '%z'", "(status LIKE 'A%') AND (status NOT ILIKE '%z')"},
           {"d >= '2024-01-01'", "d >= DATE '2024-01-01'"},
           {"cast(qty as string) || 'x'", "CAST(qty AS string) || 'x'"},
           // Left-associative chains print flat, so a long chain reads back within the depth limit.
           {"qty - 1 + 2 - 3", "qty - 1 + 2 - 3"},
           {"qty - (qty + 2)", "qty - (qty + 2)"},
           {"qty * 2 / 3 + 1", "(qty * 2 / 3) + 1"},
           {"status || 'a' || email", "status || 'a' || email"},
           {"try_cast(status AS decimal(10,2))", "TRY_CAST(status AS decimal(10,2))"},
           {"1 + 2 * 3", "7"},
           {"upper('it''s')", "'IT''S'"},
           {"qty BETWEEN 1 AND 5", "(qty >= 1) AND (qty <= 5)"},
           {"coalesce(amount, 0)", "coalesce(amount, 0)"},
           {"amount + 2.5e-1 * 2", "amount + 5e-01"},
           {"qty > 1.5", "qty > 1.5"},
       }) {
    SCOPED_TRACE(c.text);
    auto e = CompileExpression(c.text, schema);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    EXPECT_EQ((*e)->ToString(), c.canonical);
    auto again = CompileExpression((*e)->ToString(), schema);
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_EQ((*again)->ToString(), c.canonical);
  }
}

}  // namespace
}  // namespace logidata::testing

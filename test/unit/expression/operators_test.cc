// Operators on the sample batch (see expression_test_util.h): arithmetic, comparison, logic,
// IS NULL, IN, BETWEEN, LIKE, CASE, CAST and ||, each with NULL inputs and type errors.
#include "unit/expression/expression_test_util.h"

namespace logidata::testing {
namespace {

TEST(ExpressionOperators, Arithmetic) {
  RunCases({
      {"i + j", "11|-4|NULL|NULL", "int64"},
      {"i - 1", "0|-8|NULL|99", "int64"},
      {"i * j", "10|-21|NULL|NULL", "int64"},
      {"i / j", "0|-2|NULL|NULL", "int64"},  // integer division truncates toward zero
      {"i / 0", "NULL|NULL|NULL|NULL", "int64"},
      {"i % 3", "1|-1|NULL|1", "int64"},
      {"i % 0", "NULL|NULL|NULL|NULL", "int64"},
      {"-7 % 3", "-1|-1|-1|-1"},
      {"7 % -3", "1|1|1|1"},
      {"7 / 2", "3|3|3|3", "int64"},
      {"7.0 / 2", "3.5|3.5|3.5|3.5", "float64"},
      {"CAST(7 AS float64) / 2", "3.5|3.5|3.5|3.5", "float64"},
      {"f * 2", "3|-4.5|NULL|0", "float64"},
      {"f / 0", "NULL|NULL|NULL|NULL", "float64"},
      {"i + f", "2.5|-9.25|NULL|100", "float64"},
      {"d + 1", "13.50|0.95|NULL|101.00", "decimal(13,2)"},
      {"d * 2", "25.00|-0.10|NULL|200.00", "decimal(20,2)"},
      {"d * d", "156.2500|0.0025|NULL|10000.0000", "decimal(20,4)"},
      {"d / 4", "3.125|-0.0125|NULL|25", "float64"},
      {"d - d", "0.00|0.00|NULL|0.00"},
      {"i * 1.5", "1.5|-10.5|NULL|150.0", "decimal(21,1)"},
      {"-i", "-1|7|NULL|-100", "int64"},
      {"-f", "-1.5|2.25|NULL|-0", "float64"},
      {"- -i", "1|-7|NULL|100"},
      {"1 + 2 * 3", "7|7|7|7"},
      {"(1 + 2) * 3", "9|9|9|9"},
      {"2 - 3 - 4", "-5|-5|-5|-5"},
      {"i + NULL", "NULL|NULL|NULL|NULL"},
      {"9223372036854775807 + i", "ERROR: row 0: integer overflow in '+'"},
      {"9223372036854775807 + 1", "ERROR: 1:21: integer overflow in '+'"},
      {"-9223372036854775807 - i * i", "ERROR: row 1: integer overflow in '-'"},
      {"s + 1", "ERROR: 1:3: cannot apply '+' to string and int32"},
      {"b * 2", "ERROR: 1:3: cannot apply '*' to bool and int32"},
      {"dt + 1", "2024-01-16|2024-01-01|NULL|2024-03-01", "date"},
      {"dt - 1", "2024-01-14|2023-12-30|NULL|2024-02-28", "date"},
      {"1 + dt", "2024-01-16|2024-01-01|NULL|2024-03-01", "date"},
      {"dt - DATE '2024-01-01'", "14|-1|NULL|59", "int64"},
      {"ts + 1", "ERROR: 1:4: cannot apply '+' to timestamp and int32 (use date_add / date_diff)"},
  });
}

TEST(ExpressionOperators, Comparison) {
  RunCases({
      {"i > 0", "true|false|NULL|true", "bool"},
      {"i = j", "false|false|NULL|NULL"},
      {"j = 10", "true|false|false|NULL"},
      {"i <> 1", "false|true|NULL|true"},
      {"i != 1", "false|true|NULL|true"},
      {"f >= 0", "true|false|NULL|true"},
      {"f = 1.5", "true|false|NULL|false"},
      {"d < 50", "true|true|NULL|false"},
      {"d = 12.5", "true|false|NULL|false"},
      {"50 > d", "true|true|NULL|false"},
      {"j < 2147483648", "true|true|true|NULL"},
      {"s < 'x'", "true|true|NULL|true"},
      {"s >= 'world'", "false|true|NULL|false"},
      {"'world' <= s", "false|true|NULL|false"},
      {"s = t", "false|false|NULL|false"},
      {"dt > '2024-01-01'", "true|false|NULL|true"},
      {"dt = DATE '2024-02-29'", "false|false|NULL|true"},
      {"ts < '2024-01-15 12:00:00'", "true|true|NULL|false"},
      {"ts >= dt", "true|true|NULL|true"},
      {"b = true", "true|false|NULL|true"},
      {"b <> false", "true|false|NULL|true"},
      {"1 < 2", "true|true|true|true"},
      {"NULL = NULL", "NULL|NULL|NULL|NULL"},
      // Decimals too wide to share 38 digits compare as float64 instead of failing.
      {"(i + 0.123456789012345678) <> (i * 1.0000000000001 - 922.3)", "true|true|NULL|true"},
      {"s = 1", "ERROR: 1:3: cannot compare string with int32"},
      {"i > 'abc'", "ERROR: 1:3: cannot compare int64 with string"},
      {"dt > 'yesterday'", "ERROR: 1:6: cannot convert 'yesterday' to date"},
      {"b < dt", "ERROR: 1:3: cannot compare bool with date"},
  });
}

TEST(ExpressionOperators, LogicUsesThreeValuedLogic) {
  RunCases({
      {"b AND i > 0", "true|false|NULL|true", "bool"},
      {"b OR i > 50", "true|false|NULL|true"},
      {"NOT b", "false|true|NULL|false"},
      {"b AND NULL", "NULL|false|NULL|NULL"},
      {"b OR NULL", "true|NULL|NULL|true"},
      {"NULL AND FALSE", "false|false|false|false"},
      {"NULL OR TRUE", "true|true|true|true"},
      {"i > 0 AND s IS NULL", "false|false|NULL|false"},
      {"i IS NULL OR i > 50", "false|false|true|true"},
      {"b AND b AND i > 50", "false|false|NULL|true"},
      {"NOT (b OR i > 50)", "false|true|NULL|false"},
      {"NOT NOT b", "true|false|NULL|true"},
      {"i AND b", "ERROR: 1:1: AND expects a bool operand, got int64"},
      {"b OR s", "ERROR: 1:6: OR expects a bool operand, got string"},
      {"NOT i", "ERROR: 1:5: NOT expects a bool operand, got int64"},
  });
}

TEST(ExpressionOperators, AndOrSkipRowsAlreadyDecided) {
  // The cast would fail on every row where s is not numeric; AND never evaluates it there.
  RunCases({
      {"s = '12' AND CAST(s AS int64) > 5", "false|false|NULL|false"},
      {"s <> '12' OR CAST(s AS int64) > 5", "true|true|NULL|true"},
      {"s IS NULL AND CAST(s AS int64) > 5", "false|false|NULL|false"},
      {"i > 0 AND CAST(s AS int64) > 5", "ERROR: row 0: cannot cast 'Hello' to int64"},
  });
}

TEST(ExpressionOperators, IsNull) {
  RunCases({
      {"i IS NULL", "false|false|true|false", "bool"},
      {"s IS NOT NULL", "true|true|false|true"},
      {"j IS NULL", "false|false|false|true"},
      {"NULL IS NULL", "true|true|true|true"},
      {"(i + j) IS NULL", "false|false|true|true"},
  });
}

TEST(ExpressionOperators, InList) {
  RunCases({
      {"i IN (1, 100)", "true|false|NULL|true", "bool"},
      {"i NOT IN (1, 100)", "false|true|NULL|false"},
      {"i IN (1, NULL)", "true|NULL|NULL|NULL"},
      {"i NOT IN (1, NULL)", "false|NULL|NULL|NULL"},
      {"s IN ('Hello', 'x')", "true|false|NULL|false"},
      {"s NOT IN ('Hello', '')", "false|true|NULL|false"},
      {"j IN (3, 10, 11, 12, 13, 14, 15, 16)", "true|true|false|NULL"},
      {"f IN (1.5, 0)", "true|false|NULL|true"},
      {"d IN (12.5, 100)", "true|false|NULL|true"},
      {"b IN (false)", "false|true|NULL|false"},
      {"dt IN ('2024-01-15', '2024-02-29')", "true|false|NULL|true"},
      {"i IN (j, 1)", "true|false|NULL|NULL"},
      {"i IN (1)", "true|false|NULL|false"},
      {"s IN (1, 2)", "ERROR: 1:7: cannot compare string with int32"},
  });
}

TEST(ExpressionOperators, Between) {
  RunCases({
      {"i BETWEEN 0 AND 100", "true|false|NULL|true", "bool"},
      {"i NOT BETWEEN 0 AND 10", "false|true|NULL|true"},
      {"dt BETWEEN '2024-01-01' AND '2024-01-31'", "true|false|NULL|false"},
      {"f BETWEEN -3 AND 1", "false|true|NULL|true"},
      {"s BETWEEN 'a' AND 'z'", "false|true|NULL|false"},
  });
}

TEST(ExpressionOperators, Like) {
  RunCases({
      {"s LIKE 'H%'", "true|false|NULL|false", "bool"},
      {"s LIKE '%o%'", "true|true|NULL|false"},
      {"s LIKE '%d'", "false|true|NULL|false"},
      {"s LIKE 'w_rld'", "false|true|NULL|false"},
      {"s LIKE 'Hello'", "true|false|NULL|false"},
      {"s LIKE 'hello'", "false|false|NULL|false"},
      {"s NOT LIKE 'H%'", "false|true|NULL|true"},
      {"s ILIKE 'h%O'", "true|false|NULL|false"},
      {"s ILIKE '%ORL%'", "false|true|NULL|false"},
      {"s LIKE '%'", "true|true|NULL|true"},
      {"s LIKE ''", "false|false|NULL|true"},
      {"s LIKE '_'", "false|false|NULL|false"},
      {"s LIKE 'H%l%o'", "true|false|NULL|false"},
      {"s LIKE '%l%l%'", "true|false|NULL|false"},
      {"t LIKE '\\%\\_'", "false|false|NULL|true"},
      {"s LIKE t", "false|false|NULL|false"},
      {"i LIKE '1%'", "true|false|NULL|true"},
      {"s LIKE NULL", "NULL|NULL|NULL|NULL"},
  });
}

TEST(ExpressionOperators, Case) {
  RunCases({
      {"CASE WHEN i > 0 THEN 'pos' WHEN i < 0 THEN 'neg' ELSE 'zero' END", "pos|neg|zero|pos", "string"},
      {"CASE WHEN i > 0 THEN 'pos' END", "pos|NULL|NULL|pos"},
      {"CASE j WHEN 10 THEN 'ten' WHEN 3 THEN 'three' ELSE 'other' END", "ten|three|other|other"},
      {"CASE WHEN b THEN i ELSE f END", "1|-2.25|NULL|100", "float64"},
      {"CASE WHEN b THEN d ELSE 0 END", "12.50|0.00|0.00|100.00"},
      {"CASE WHEN b THEN dt END", "2024-01-15|NULL|NULL|2024-02-29", "date"},
      {"CASE WHEN b THEN b ELSE NULL END", "true|NULL|NULL|true", "bool"},
      {"CASE WHEN TRUE THEN 1 ELSE 2 END", "1|1|1|1"},
      {"CASE WHEN FALSE THEN 1 WHEN i > 0 THEN 2 END", "2|NULL|NULL|2"},
      // Branches run only on the rows that take them: no error for rows that do not.
      {"CASE WHEN s = 'x' THEN CAST(s AS int64) ELSE 0 END", "0|0|0|0"},
      {"CASE WHEN t = 'x' THEN 1 ELSE CAST(t AS int64) END", "ERROR: row 0: cannot cast ' a b ' to int64"},
      {"CASE WHEN j > 100 THEN 1 WHEN i > 1 THEN CAST(s AS int32) ELSE 0 END",
       "ERROR: row 3: cannot cast '' to int32"},
      {"CASE WHEN i > 0 THEN 1 ELSE 'x' END", "ERROR: 1:29: CASE results have incompatible types int32 and string"},
      {"CASE WHEN 1 THEN 2 END", "ERROR: 1:11: WHEN expects a bool operand, got int32"},
      {"CASE s WHEN 1 THEN 2 END", "ERROR: 1:13: cannot compare string with int32"},
  });
}

TEST(ExpressionOperators, Cast) {
  RunCases({
      {"CAST(i AS string)", "1|-7|NULL|100", "string"},
      {"CAST(f AS int64)", "2|-2|NULL|0", "int64"},
      {"CAST(d AS int32)", "13|0|NULL|100", "int32"},
      {"CAST(i AS decimal(5,1))", "1.0|-7.0|NULL|100.0", "decimal(5,1)"},
      {"CAST(f AS decimal(3,1))", "1.5|-2.3|NULL|0.0"},
      {"CAST(d AS float64)", "12.5|-0.05|NULL|100"},
      {"CAST(d AS decimal(4,1))", "12.5|-0.1|NULL|100.0"},
      {"CAST(i AS bool)", "true|true|NULL|true"},
      {"CAST(b AS int32)", "1|0|NULL|1"},
      {"CAST(f AS string)", "1.5|-2.25|NULL|0"},
      {"CAST(d AS string)", "12.50|-0.05|NULL|100.00"},
      {"CAST(dt AS string)", "2024-01-15|2023-12-31|NULL|2024-02-29"},
      {"CAST(ts AS date)", "2024-01-15|2023-12-31|NULL|2024-02-29", "date"},
      {"CAST(dt AS timestamp)", "2024-01-15 00:00:00|2023-12-31 00:00:00|NULL|2024-02-29 00:00:00", "timestamp"},
      {"CAST('2024-03-01' AS date)", "2024-03-01|2024-03-01|2024-03-01|2024-03-01"},
      {"CAST(' 42 ' AS int32)", "42|42|42|42"},
      {"CAST('12.345' AS decimal(5,2))", "12.35|12.35|12.35|12.35"},
      {"CAST('yes' AS bool)", "true|true|true|true"},
      {"CAST(NULL AS int64)", "NULL|NULL|NULL|NULL", "int64"},
      {"CAST(s AS int64)", "ERROR: row 0: cannot cast 'Hello' to int64"},
      {"CAST(i * 100000000000 AS int32)", "ERROR: row 0: cannot cast 100000000000 to int32"},
      {"TRY_CAST(s AS int64)", "NULL|NULL|NULL|NULL", "int64"},
      {"TRY_CAST(t AS date)", "NULL|NULL|NULL|NULL"},
      {"TRY_CAST('12' AS int64) + 1", "13|13|13|13"},
      {"CAST('abc' AS int32)", "ERROR: 1:1: cannot cast 'abc' to int32"},
      {"CAST(1e10 AS int32)", "ERROR: 1:1: cannot cast 1e+10 to int32"},
      {"CAST(dt AS int64)", "ERROR: 1:1: cannot cast date to int64"},
      {"CAST(i AS widget)", "ERROR: 1:11: unknown type 'widget'*"},
      {"CAST(i AS decimal(50,2))", "ERROR: 1:11: decimal precision must be 1..38*"},
  });
}

TEST(ExpressionOperators, ConcatOperator) {
  RunCases({
      {"s || '!'", "Hello!|world!|NULL|!", "string"},
      {"s || i", "Hello1|world-7|NULL|100"},
      {"'a' || 1.5", "a1.5|a1.5|a1.5|a1.5"},
      {"s || ' ' || t", "Hello  a b |world x|NULL| %_"},
  });
}

}  // namespace
}  // namespace logidata::testing

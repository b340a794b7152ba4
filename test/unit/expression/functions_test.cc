// Every built-in function on the sample batch (see expression_test_util.h), with NULL inputs,
// result types and argument errors.
#include "unit/expression/expression_test_util.h"

namespace logidata::testing {
namespace {

TEST(ExpressionFunctions, Strings) {
  RunCases({
      {"lower(s)", "hello|world|NULL|", "string"},
      {"upper(s)", "HELLO|WORLD|NULL|", "string"},
      {"LOWER(s)", "hello|world|NULL|"},
      {"upper('straße')", "STRAßE|STRAßE|STRAßE|STRAßE"},  // ASCII-only case mapping
      {"trim(t)", "a b|x|NULL|%_"},
      {"ltrim(t)", "a b |x|NULL|%_"},
      {"rtrim(t)", " a b|x|NULL|%_"},
      {"trim(s, 'Hd')", "ello|worl|NULL|"},
      {"lower(trim(t))", "a b|x|NULL|%_"},
      {"length(s)", "5|5|NULL|0", "int64"},
      {"length('héllo')", "5|5|5|5"},
      {"substr(s, 2, 3)", "ell|orl|NULL|"},
      {"substr(s, 2)", "ello|orld|NULL|"},
      {"substr(s, 0, 2)", "H|w|NULL|"},
      {"substr(s, -1, 3)", "H|w|NULL|"},
      {"substr(s, 4, 100)", "lo|ld|NULL|"},
      {"substr(s, 2, 0)", "||NULL|"},
      {"substr(s, j)", "|rld|NULL|NULL"},
      {"substring('héllo', 2, 2)", "él|él|él|él"},
      {"concat(s, '-', i)", "Hello-1|world--7|-|-100", "string"},
      {"concat(NULL)", "|||"},
      {"concat(dt, ' ', b)", "2024-01-15 true|2023-12-31 false| |2024-02-29 true"},
      {"replace(s, 'l', 'L')", "HeLLo|worLd|NULL|"},
      {"replace(s, '', 'x')", "Hello|world|NULL|"},
      {"replace(s, 'l', '')", "Heo|word|NULL|"},
      {"starts_with(s, 'He')", "true|false|NULL|false", "bool"},
      {"ends_with(s, 'ld')", "false|true|NULL|false"},
      {"contains(s, 'or')", "false|true|NULL|false"},
      {"contains(s, '')", "true|true|NULL|true"},
      {"lower(i)", "ERROR: 1:7: argument 1 of lower must be string, got int64"},
      {"lower(s, t)", "ERROR: 1:1: lower expects 1 argument, got 2 (lower(string))"},
      {"substr(s)", "ERROR: 1:1: substr expects 2 to 3 arguments, got 1 (substr(string, start[, length]))"},
      {"substr(s, 'a')", "ERROR: 1:11: argument 2 of substr must be int64, got string"},
  });
}

TEST(ExpressionFunctions, Conditional) {
  RunCases({
      {"coalesce(i, j, 0)", "1|-7|0|100", "int64"},
      {"coalesce(s, 'none')", "Hello|world|none|", "string"},
      {"coalesce(f, i)", "1.5|-2.25|NULL|0", "float64"},
      {"coalesce(NULL, dt)", "2024-01-15|2023-12-31|NULL|2024-02-29", "date"},
      {"coalesce(s, 1)", "ERROR: 1:13: arguments of coalesce have incompatible types string and int32"},
      {"nullif(j, 3)", "10|NULL|0|NULL", "int32"},
      {"nullif(s, '')", "Hello|world|NULL|NULL"},
      {"nullif(i, j)", "1|-7|NULL|100"},
      {"greatest(i, j)", "10|3|0|100", "int64"},
      {"least(i, j, 5)", "1|-7|0|5"},
      {"greatest(s, t)", "Hello|x|NULL|%_"},
      {"least(dt, DATE '2024-01-01')", "2024-01-01|2023-12-31|2024-01-01|2024-01-01"},
      {"greatest(b, false)", "true|false|false|true"},
      {"hash(i) = hash(i)", "true|true|true|true"},
      {"hash(1) = hash(CAST(1 AS int64))", "true|true|true|true"},
      {"hash(1) <> hash(2)", "true|true|true|true"},
      {"hash(s, i) = hash(s, i)", "true|true|true|true"},
      {"hash(s) IS NULL", "false|false|false|false"},
  });
}

TEST(ExpressionFunctions, Math) {
  RunCases({
      {"abs(i)", "1|7|NULL|100", "int64"},
      {"abs(j)", "10|3|0|NULL", "int64"},
      {"abs(f)", "1.5|2.25|NULL|0", "float64"},
      {"abs(d)", "12.50|0.05|NULL|100.00", "decimal(10,2)"},
      {"abs(-9223372036854775807 - 1 + i * 0)", "ERROR: row 0: integer overflow in abs"},
      {"round(f)", "2|-2|NULL|0", "float64"},
      {"round(d, 1)", "12.50|-0.10|NULL|100.00", "decimal(10,2)"},
      {"round(i, -1)", "0|-10|NULL|100", "int64"},
      {"round(2.345, 2)", "2.350|2.350|2.350|2.350"},
      {"round(CAST(2.25 AS float64), 1)", "2.3|2.3|2.3|2.3"},
      {"round(f, j)", "1.5|-2.25|NULL|NULL"},
      {"floor(f)", "1|-3|NULL|0"},
      {"ceil(f)", "2|-2|NULL|0"},
      {"floor(d)", "12.00|-1.00|NULL|100.00"},
      {"ceil(d)", "13.00|0.00|NULL|100.00"},
      {"floor(i)", "1|-7|NULL|100"},
      {"sqrt(i)", "1|NULL|NULL|10", "float64"},
      {"power(j, 2)", "100|9|0|NULL", "float64"},
      {"power(2, 10)", "1024|1024|1024|1024"},
      {"ln(i) > 0", "false|NULL|NULL|true"},
      {"exp(0)", "1|1|1|1"},
      {"log10(i)", "0|NULL|NULL|2"},
      {"abs(s)", "ERROR: 1:5: abs: argument 1 must be numeric, got string"},
  });
}

TEST(ExpressionFunctions, Regex) {
  RunCases({
      {"regexp_matches(s, '^[a-z]+$')", "false|true|NULL|false", "bool"},
      {"regexp_matches(s, 'l{2}')", "true|false|NULL|false"},
      {"regexp_matches(s, '(?i)^h')", "true|false|NULL|false"},
      {"regexp_replace(s, '[lo]', '*')", "He***|w*r*d|NULL|", "string"},
      {"regexp_replace(t, '\\s', '')", "ab|x|NULL|%_"},
      {"regexp_replace(s, '(l+)', '<\\1>')", "He<ll>o|wor<l>d|NULL|"},
      {"regexp_extract(s, '[aeiou]')", "e|o|NULL|NULL"},
      {"regexp_extract(s, '(w)(o)', 2)", "NULL|o|NULL|NULL"},
      {"regexp_matches(s, '(')", "ERROR: 1:19: regexp_matches: invalid regular expression '(': missing )*"},
      {"regexp_matches(s, t)", "ERROR: 1:19: regexp_matches: the regular expression must be a constant"},
      {"regexp_replace(s, 'a', '\\2')", "ERROR: 1:24: regexp_replace: invalid replacement*"},
      {"regexp_extract(s, 'x', 3)", "ERROR: 1:24: regexp_extract: group 3 does not exist (the pattern has 0 groups)"},
  });
}

TEST(ExpressionFunctions, Temporal) {
  RunCases({
      {"year(dt)", "2024|2023|NULL|2024", "int64"},
      {"quarter(dt)", "1|4|NULL|1"},
      {"month(ts)", "1|12|NULL|2"},
      {"day(dt)", "15|31|NULL|29"},
      {"hour(ts)", "10|23|NULL|0"},
      {"minute(ts)", "30|59|NULL|0"},
      {"second(ts)", "45|59|NULL|0"},
      {"hour(dt)", "0|0|NULL|0"},
      {"day_of_week(dt)", "1|0|NULL|4"},
      {"day_of_year(dt)", "15|365|NULL|60"},
      {"year('2021-05-06')", "2021|2021|2021|2021"},
      {"date_trunc('month', dt)", "2024-01-01|2023-12-01|NULL|2024-02-01", "date"},
      {"date_trunc('week', dt)", "2024-01-15|2023-12-25|NULL|2024-02-26"},
      {"date_trunc('year', ts)", "2024-01-01 00:00:00|2023-01-01 00:00:00|NULL|2024-01-01 00:00:00", "timestamp"},
      {"date_trunc('hour', ts)", "2024-01-15 10:00:00|2023-12-31 23:00:00|NULL|2024-02-29 00:00:00"},
      {"date_trunc('quarter', dt)", "2024-01-01|2023-10-01|NULL|2024-01-01"},
      {"date_trunc('fortnight', dt)", "ERROR: 1:12: date_trunc: unknown unit 'fortnight'*"},
      {"date_trunc(s, dt)", "ERROR: 1:12: date_trunc: the unit must be a constant"},
      {"date_diff('day', dt, DATE '2024-03-01')", "46|61|NULL|1", "int64"},
      {"date_diff('month', dt, DATE '2024-03-01')", "2|3|NULL|1"},
      {"date_diff('year', dt, DATE '2025-01-01')", "1|2|NULL|1"},
      {"date_diff('hour', ts, TIMESTAMP '2024-01-16 00:00:00')", "14|361|NULL|-1056"},
      {"date_diff('days', dt, ts)", "0|0|NULL|0"},
      {"date_add('month', 1, DATE '2024-01-31')", "2024-02-29|2024-02-29|2024-02-29|2024-02-29", "date"},
      {"date_add('day', j, dt)", "2024-01-25|2024-01-03|NULL|NULL", "date"},
      {"date_add('hour', 2, ts)", "2024-01-15 12:30:45|2024-01-01 01:59:59|NULL|2024-02-29 02:00:00", "timestamp"},
      {"date_add('hour', 1, dt)", "2024-01-15 01:00:00|2023-12-31 01:00:00|NULL|2024-02-29 01:00:00", "timestamp"},
      {"date_add('year', 1, dt)", "2025-01-15|2024-12-31|NULL|2025-02-28"},
      {"date_add('day', 9223372036854775807, dt)", "ERROR: row 0: date_add result out of range"},
      {"now()", "2024-06-15 12:30:00|2024-06-15 12:30:00|2024-06-15 12:30:00|2024-06-15 12:30:00", "timestamp"},
      {"current_date", "2024-06-15|2024-06-15|2024-06-15|2024-06-15", "date"},
      {"CURRENT_DATE - dt", "152|167|NULL|107"},
      {"ts < now()", "true|true|NULL|true"},
      {"year(s)", "ERROR: 1:6: argument 1 of year must be timestamp, got string"},
  });
}

TEST(ExpressionFunctions, UnknownFunctionSuggestsAName) {
  RunCases({
      {"lowr(s)", "ERROR: 1:1: unknown function 'lowr' (did you mean 'lower'?)"},
      {"frobnicate(s)", "ERROR: 1:1: unknown function 'frobnicate'"},
      {"i + sqrtt(4)", "ERROR: 1:5: unknown function 'sqrtt' (did you mean 'sqrt'?)"},
  });
}

}  // namespace
}  // namespace logidata::testing

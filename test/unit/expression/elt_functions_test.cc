// The string, date-format, JSON, digest and UUID functions added for ELT work, table-driven over
// the sample batch (expression_test_util.h): results, NULL propagation, result types and
// argument errors that name the function and the argument.
#include <set>

#include "unit/expression/expression_test_util.h"

namespace logidata::testing {
namespace {

TEST(ExpressionEltFunctions, SplitLeftRightPad) {
  RunCases({
      {"split_part('a,b,c', ',', 1)", "a|a|a|a", "string"},
      {"split_part('a,b,c', ',', 3)", "c|c|c|c"},
      {"split_part('a,b,c', ',', 4)", "|||"},
      {"split_part('a,b,c', ',', -3)", "a|a|a|a"},
      {"split_part('a,b,c', ',', -4)", "|||"},
      {"split_part('a::b', '::', 2)", "b|b|b|b"},
      {"split_part('abc', '', 1)", "abc|abc|abc|abc"},
      {"split_part(s, 'l', 2)", "|d|NULL|"},
      {"split_part(s, NULL, 1)", "NULL|NULL|NULL|NULL"},
      {"split_part('a', 'o', j)", "ERROR: row 2: argument 3 of split_part (the field index) must not be 0"},
      {"split_part(s, 'o', 0)", "ERROR: row 0: argument 3 of split_part (the field index) must not be 0"},
      {"split_part(s, 'o')", "ERROR: 1:1: split_part expects 3 arguments, got 2 (split_part(string, delimiter, index))"},
      {"split_part(s, 'o', 'x')", "ERROR: 1:20: argument 3 of split_part must be int64, got string"},
      {"left(s, 2)", "He|wo|NULL|", "string"},
      {"left(s, -2)", "Hel|wor|NULL|"},
      {"left(s, 0)", "||NULL|"},
      {"left(s, 100)", "Hello|world|NULL|"},
      {"left(s, -100)", "||NULL|"},
      {"right(s, 3)", "llo|rld|NULL|"},
      {"right(s, -1)", "ello|orld|NULL|"},
      {"right('naïve', 3)", "ïve|ïve|ïve|ïve"},
      {"left('naïve', 3)", "naï|naï|naï|naï"},
      {"left(s, j)", "Hello|wor|NULL|NULL"},
      {"lpad(s, 7, '*')", "**Hello|**world|NULL|*******", "string"},
      {"rpad(s, 7, '-=')", "Hello-=|world-=|NULL|-=-=-=-"},
      {"lpad(s, 3)", "Hel|wor|NULL|   "},
      {"lpad('x', 3)", "  x|  x|  x|  x"},
      {"lpad('ab', 5, 'é')", "éééab|éééab|éééab|éééab"},
      {"lpad('ab', 5, '')", "ab|ab|ab|ab"},
      {"lpad(s, -1, 'x')", "||NULL|"},
      {"rpad(s, j, '.')", "Hello.....|wor|NULL|NULL"},
      {"lpad(s, 2000000, 'x')", "ERROR: row 0: argument 2 of lpad (the length) is 2000000, more than the limit of 1048576"},
      {"lpad(s, 'x')", "ERROR: 1:9: argument 2 of lpad must be int64, got string"},
  });
}

TEST(ExpressionEltFunctions, ReverseInitcap) {
  RunCases({
      {"reverse(s)", "olleH|dlrow|NULL|", "string"},
      {"reverse('héllo')", "olléh|olléh|olléh|olléh"},
      {"reverse(reverse(t))", " a b |x|NULL|%_"},
      {"initcap('hello wORLD')", "Hello World|Hello World|Hello World|Hello World"},
      {"initcap('o''neil mc-donald 2nd')", "O'Neil Mc-Donald 2nd|O'Neil Mc-Donald 2nd|O'Neil Mc-Donald 2nd|O'Neil Mc-Donald 2nd"},
      {"initcap(s)", "Hello|World|NULL|"},
      {"reverse(i)", "ERROR: 1:9: argument 1 of reverse must be string, got int64"},
  });
}

TEST(ExpressionEltFunctions, RegexpSplit) {
  RunCases({
      {"regexp_split('a1b22c', '[0-9]+', 1)", "a|a|a|a", "string"},
      {"regexp_split('a1b22c', '[0-9]+', 3)", "c|c|c|c"},
      {"regexp_split('a1b22c', '[0-9]+', 4)", "|||"},
      {"regexp_split('a1b22c', '[0-9]+', -2)", "b|b|b|b"},
      {"regexp_split('abc', 'x*', 1)", "abc|abc|abc|abc"},
      {"regexp_split(s, 'l+', 2)", "o|d|NULL|"},
      {"regexp_split(s, '(', 1)", "ERROR: 1:17: regexp_split: invalid regular expression '(': missing ): ("},
      {"regexp_split(s, t, 1)", "ERROR: 1:17: regexp_split: the regular expression must be a constant*"},
      {"regexp_split(s, 'l', j - j)", "ERROR: row 0: argument 3 of regexp_split (the field index) must not be 0"},
  });
}

TEST(ExpressionEltFunctions, ParseAndFormatDates) {
  RunCases({
      {"parse_date('2024-01-15', '%Y-%m-%d')", "2024-01-15|2024-01-15|2024-01-15|2024-01-15", "date"},
      {"parse_date('15.01.24', '%d.%m.%y')", "2024-01-15|2024-01-15|2024-01-15|2024-01-15"},
      {"parse_date('15.01.75', '%d.%m.%y')", "1975-01-15|1975-01-15|1975-01-15|1975-01-15"},
      {"parse_date('2024/060', '%Y/%j')", "2024-02-29|2024-02-29|2024-02-29|2024-02-29"},
      {"parse_date('march 5 2024', '%B %d %Y')", "2024-03-05|2024-03-05|2024-03-05|2024-03-05"},
      {"parse_date('Tue, 05 Mar 2024', '%a, %d %b %Y')", "2024-03-05|2024-03-05|2024-03-05|2024-03-05"},
      {"parse_date(format_date(dt, '%d/%m/%Y'), '%d/%m/%Y') = dt", "true|true|NULL|true"},
      {"parse_date('2023-02-29', '%F')", "ERROR: 1:1: parse_date: '2023-02-29' does not match the format (no such date 2023-2-29)"},
      {"parse_date('2024-01-15x', '%F')", "ERROR: 1:1: parse_date: '2024-01-15x' does not match the format (unexpected text 'x' after the format)"},
      {"parse_date('15/01/2024', '%F')", "ERROR: 1:1: parse_date: '15/01/2024' does not match the format (expected '-' at position 3)"},
      {"parse_date(s, '%F')", "ERROR: row 0: parse_date: 'Hello' does not match the format (%Y does not match at position 1)"},
      {"parse_date('2024', '%Q')", "ERROR: 1:20: parse_date: argument 2 (the format '%Q'): unknown directive '%Q'*"},
      {"parse_date('2024', t)", "ERROR: 1:20: parse_date: the format must be a constant*"},
      {"parse_date(NULL, '%F')", "NULL|NULL|NULL|NULL", "date"},
      {"parse_timestamp('2024-01-15 10:30:45.25', '%F %T.%f')", "2024-01-15 10:30:45.250000|2024-01-15 10:30:45.250000|2024-01-15 10:30:45.250000|2024-01-15 10:30:45.250000", "timestamp"},
      {"parse_timestamp('12:00 AM 2024-01-15', '%I:%M %p %F')", "2024-01-15 00:00:00|2024-01-15 00:00:00|2024-01-15 00:00:00|2024-01-15 00:00:00"},
      {"parse_timestamp('2024-01-15 23:30 -0130', '%F %H:%M %z')", "2024-01-16 01:00:00|2024-01-16 01:00:00|2024-01-16 01:00:00|2024-01-16 01:00:00"},
      {"parse_timestamp('2024-01-15T10:00:00Z', '%FT%T%z')", "2024-01-15 10:00:00|2024-01-15 10:00:00|2024-01-15 10:00:00|2024-01-15 10:00:00"},
      {"parse_timestamp('2024-01-15 24:00', '%F %H:%M')", "ERROR: 1:1: parse_timestamp: '2024-01-15 24:00' does not match the format (time of day out of range)"},
      {"parse_timestamp('13:00 PM', '%I:%M %p')", "ERROR: 1:1: parse_timestamp: '13:00 PM' does not match the format (hour 13 is not 1-12 with %p)"},
      {"parse_timestamp(format_date(ts, '%F %T'), '%F %T') = ts", "true|true|NULL|true"},
      {"format_date(dt, '%Y/%m/%d')", "2024/01/15|2023/12/31|NULL|2024/02/29", "string"},
      {"format_date(dt, '%A %e %B %y, day %j')", "Monday 15 January 24, day 015|Sunday 31 December 23, day 365|NULL|Thursday 29 February 24, day 060"},
      {"format_date(ts, '%I:%M:%S %p')", "10:30:45 AM|11:59:59 PM|NULL|12:00:00 AM"},
      {"format_date(ts, '%T.%f %z %%')", "10:30:45.000000 +0000 %|23:59:59.000000 +0000 %|NULL|00:00:00.000000 +0000 %"},
      {"format_date(dt, '%')", "ERROR: 1:17: format_date: argument 2 (the format '%'): the format ends with a lone '%'"},
      {"format_date(dt, NULL)", "ERROR: 1:17: format_date: argument 2 (the format) must not be NULL"},
      {"format_date(i, '%F')", "ERROR: 1:13: argument 1 of format_date must be timestamp, got int64"},
  });
}

TEST(ExpressionEltFunctions, DateArithmetic) {
  RunCases({
      {"date_add('day', 10, dt)", "2024-01-25|2024-01-10|NULL|2024-03-10", "date"},
      {"date_add('month', 1, dt)", "2024-02-15|2024-01-31|NULL|2024-03-29"},
      {"date_add('year', -1, dt)", "2023-01-15|2022-12-31|NULL|2023-02-28"},
      {"dt + 1", "2024-01-16|2024-01-01|NULL|2024-03-01"},
      {"dt - DATE '2024-01-01'", "14|-1|NULL|59", "int64"},
      {"date_diff('month', DATE '2023-11-30', dt)", "2|1|NULL|3"},
  });
}

TEST(ExpressionEltFunctions, JsonExtract) {
  RunCases({
      {"json_extract('{\"a\":{\"b\":[1,2,{\"c\":\"x\"}]}}', '$.a.b[2].c')", "x|x|x|x", "string"},
      {"json_extract('{\"a\":{\"b\":[1,2]}}', '$.a.b[0]')", "1|1|1|1"},
      {"json_extract('{\"a\":{\"b\":[1,2]}}', '$.a.b')", "[1,2]|[1,2]|[1,2]|[1,2]"},
      {"json_extract('{\"a b\":true}', '$[\"a b\"]')", "true|true|true|true"},
      {"json_extract('{\"a\":null}', '$.a')", "NULL|NULL|NULL|NULL"},
      {"json_extract('{\"a\":1}', '$.b')", "NULL|NULL|NULL|NULL"},
      {"json_extract('[1,2]', '$[5]')", "NULL|NULL|NULL|NULL"},
      {"json_extract('{\"a\":1.5e3}', '$')", "{\"a\":1500.0}|{\"a\":1500.0}|{\"a\":1500.0}|{\"a\":1500.0}"},
      {"json_extract(s, '$.a')", "ERROR: row 0: json_extract: argument 1 is not valid JSON"},
      {"json_extract(NULL, '$.a')", "NULL|NULL|NULL|NULL"},
      {"json_extract('{}', 'a.b')", "ERROR: 1:20: json_extract: argument 2 (the path 'a.b') must start with '$'"},
      {"json_extract('{}', '$.a[x]')", "ERROR: 1:20: json_extract: argument 2 (the path '$.a[x]') expected an array index and ']' at position 5"},
      {"json_extract('{}', '$..a')", "ERROR: 1:20: json_extract: argument 2 (the path '$..a') empty key at position 3"},
  });
}

TEST(ExpressionEltFunctions, DigestsAndUuid) {
  RunCases({
      {"md5('')", "d41d8cd98f00b204e9800998ecf8427e|d41d8cd98f00b204e9800998ecf8427e|d41d8cd98f00b204e9800998ecf8427e|d41d8cd98f00b204e9800998ecf8427e", "string"},
      {"md5(s)", "8b1a9953c4611296a827abf8c47804d7|7d793037a0760186574b0282f2f435e7|NULL|d41d8cd98f00b204e9800998ecf8427e"},
      {"sha256('')", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855|e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855|e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855|e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"md5(i)", "ERROR: 1:5: argument 1 of md5 must be string, got int64"},
      {"length(uuid())", "36|36|36|36", "int64"},
      {"uuid(1)", "ERROR: 1:1: uuid expects 0 arguments, got 1 (uuid())"},
  });
}

// uuid() is volatile: a new value per row and per evaluation, never folded to one constant, and
// each value is a well-formed version-4 RFC 4122 UUID.
TEST(ExpressionEltFunctions, UuidIsRandomPerRow) {
  BatchPtr batch = SampleBatch();
  auto compiled = CompileExpression("uuid()", *batch->schema(), {});
  ASSERT_TRUE(compiled.ok()) << compiled.status().message();
  std::set<std::string> seen;
  for (int round = 0; round < 50; ++round) {
    auto column = (*compiled)->Evaluate(*batch);
    ASSERT_TRUE(column.ok());
    for (int64_t r = 0; r < (*column)->length(); ++r) {
      std::string u = (*column)->GetValue(r).string_value();
      ASSERT_EQ(u.size(), 36u) << u;
      EXPECT_EQ(u[8], '-');
      EXPECT_EQ(u[14], '4') << u;
      EXPECT_NE(std::string("89ab").find(u[19]), std::string::npos) << u;
      seen.insert(u);
    }
  }
  EXPECT_EQ(seen.size(), 200u);
}

}  // namespace
}  // namespace logidata::testing

#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "row_module_runner.h"

namespace logidata::testing {
namespace {

using Rows_ = std::vector<std::vector<std::string>>;

BatchPtr People() {
  return MakeBatch("id:int64, name:string, email:string, phone:string, city:string, age:int64",
                   {{"1", "  ann LEE ", " Ann@Example.COM ", "(555) 234-5678", "NULL", "30"},
                    {"2", "NULL", "bob@@x", "020 7946 0958", "Paris", "NULL"},
                    {"3", "cy", "NULL", "NULL", " Rome ", "-4"}});
}

struct CleanerCase {
  std::string name;
  nlohmann::json config;
  std::string schema;
  Rows_ out;
  Rows_ rejects;
};

class CleanerCases : public ::testing::TestWithParam<CleanerCase> {};

TEST_P(CleanerCases, CleansAndRoutes) {
  const CleanerCase& c = GetParam();
  auto op = BindModule(RowRegistry(), "transform.cleaner", c.config, {People()->schema()});
  ASSERT_TRUE(op.ok()) << op.status().ToString();
  ASSERT_EQ((*op)->output_schemas().size(), 2u);
  EXPECT_EQ((*op)->output_schemas()[0]->ToString(), c.schema);
  EXPECT_EQ((*op)->output_schemas()[1]->ToString(), c.schema + ", _rule: string, _reason: string");
  for (int threads : {1, 2}) {
    auto out = RunModule("transform.cleaner", c.config, {{People()}}, threads);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ(PortRows(*out, 0), c.out) << "threads=" << threads;
    EXPECT_EQ(PortRows(*out, 1), c.rejects) << "threads=" << threads;
    for (const auto& port : *out) {
      for (const auto& b : port) EXPECT_TRUE(b->Validate().ok()) << b->Validate().ToString();
    }
  }
}

const std::string kSchema = "id: int64, name: string, email: string, phone: string, city: string, age: int64";

INSTANTIATE_TEST_SUITE_P(
    All, CleanerCases,
    ::testing::Values(
        CleanerCase{"trim_all_strings",
                    {{"operations", {{{"op", "trim"}}}}},
                    kSchema,
                    {{"1", "ann LEE", "Ann@Example.COM", "(555) 234-5678", "NULL", "30"},
                     {"2", "NULL", "bob@@x", "020 7946 0958", "Paris", "NULL"},
                     {"3", "cy", "NULL", "NULL", "Rome", "-4"}},
                    {}},
        CleanerCase{"trim_and_title_some",
                    {{"operations", {{{"op", "trim"}, {"columns", {"name"}}},
                                     {{"op", "case"}, {"mode", "title"}, {"columns", {"name"}}}}}},
                    kSchema,
                    {{"1", "Ann Lee", " Ann@Example.COM ", "(555) 234-5678", "NULL", "30"},
                     {"2", "NULL", "bob@@x", "020 7946 0958", "Paris", "NULL"},
                     {"3", "Cy", "NULL", "NULL", " Rome ", "-4"}},
                    {}},
        CleanerCase{"upper_default_columns",
                    {{"operations", {{{"op", "case"}, {"mode", "upper"}}}}},
                    kSchema,
                    {{"1", "  ANN LEE ", " ANN@EXAMPLE.COM ", "(555) 234-5678", "NULL", "30"},
                     {"2", "NULL", "BOB@@X", "020 7946 0958", "PARIS", "NULL"},
                     {"3", "CY", "NULL", "NULL", " ROME ", "-4"}},
                    {}},
        CleanerCase{"fill_nulls",
                    {{"operations", {{{"op", "fill_nulls"}, {"values", {{"city", "unknown"}, {"age", 0}}}}}}},
                    kSchema,
                    {{"1", "  ann LEE ", " Ann@Example.COM ", "(555) 234-5678", "unknown", "30"},
                     {"2", "NULL", "bob@@x", "020 7946 0958", "Paris", "0"},
                     {"3", "cy", "NULL", "NULL", " Rome ", "-4"}},
                    {}},
        CleanerCase{"drop_nulls_some",
                    {{"operations", {{{"op", "drop_nulls"}, {"columns", {"age"}}}}}},
                    kSchema,
                    {{"1", "  ann LEE ", " Ann@Example.COM ", "(555) 234-5678", "NULL", "30"},
                     {"3", "cy", "NULL", "NULL", " Rome ", "-4"}},
                    {}},
        CleanerCase{"drop_nulls_all_after_fill",
                    {{"operations", {{{"op", "fill_nulls"}, {"values", {{"city", "?"}, {"email", "none"}}}},
                                     {{"op", "drop_nulls"}}}}},
                    kSchema,
                    {{"1", "  ann LEE ", " Ann@Example.COM ", "(555) 234-5678", "?", "30"}},
                    {}},
        CleanerCase{"email_flag",
                    {{"operations", {{{"op", "email"}, {"columns", {"email"}}}}}},
                    kSchema + ", email_valid: bool",
                    {{"1", "  ann LEE ", "ann@example.com", "(555) 234-5678", "NULL", "30", "true"},
                     {"2", "NULL", "bob@@x", "020 7946 0958", "Paris", "NULL", "false"},
                     {"3", "cy", "NULL", "NULL", " Rome ", "-4", "NULL"}},
                    {}},
        CleanerCase{"email_null",
                    {{"operations", {{{"op", "email"}, {"columns", {"email"}}, {"invalid", "null"}}}}},
                    kSchema,
                    {{"1", "  ann LEE ", "ann@example.com", "(555) 234-5678", "NULL", "30"},
                     {"2", "NULL", "NULL", "020 7946 0958", "Paris", "NULL"},
                     {"3", "cy", "NULL", "NULL", " Rome ", "-4"}},
                    {}},
        CleanerCase{"email_reject",
                    {{"operations", {{{"op", "email"}, {"columns", {"email"}}, {"invalid", "reject"}}}}},
                    kSchema,
                    {{"1", "  ann LEE ", "ann@example.com", "(555) 234-5678", "NULL", "30"},
                     {"3", "cy", "NULL", "NULL", " Rome ", "-4"}},
                    {{"2", "NULL", "bob@@x", "020 7946 0958", "Paris", "NULL", "email",
                      "invalid email address in column 'email': 'bob@@x'"}}},
        CleanerCase{"phone_default_us",
                    {{"operations", {{{"op", "phone"}, {"columns", {"phone"}}, {"invalid", "keep"}}}}},
                    kSchema,
                    {{"1", "  ann LEE ", " Ann@Example.COM ", "+15552345678", "NULL", "30"},
                     {"2", "NULL", "bob@@x", "020 7946 0958", "Paris", "NULL"},
                     {"3", "cy", "NULL", "NULL", " Rome ", "-4"}},
                    {}},
        CleanerCase{"phone_uk_flag",
                    {{"operations", {{{"op", "phone"}, {"columns", {"phone"}}, {"country_code", "+44"}}}}},
                    kSchema + ", phone_valid: bool",
                    {{"1", "  ann LEE ", " Ann@Example.COM ", "+445552345678", "NULL", "30", "true"},
                     {"2", "NULL", "bob@@x", "+442079460958", "Paris", "NULL", "true"},
                     {"3", "cy", "NULL", "NULL", " Rome ", "-4", "NULL"}},
                    {}},
        CleanerCase{"phone_reject",
                    {{"operations", {{{"op", "phone"}, {"columns", {"phone"}}, {"invalid", "reject"}}}}},
                    kSchema,
                    {{"1", "  ann LEE ", " Ann@Example.COM ", "+15552345678", "NULL", "30"},
                     {"3", "cy", "NULL", "NULL", " Rome ", "-4"}},
                    {{"2", "NULL", "bob@@x", "020 7946 0958", "Paris", "NULL", "phone",
                      "invalid phone number in column 'phone': '020 7946 0958'"}}},
        CleanerCase{"rules_reject",
                    {{"rules", {{{"name", "adult"}, {"expression", "age >= 18"}},
                                {{"name", "has_name"}, {"expression", "name IS NOT NULL"}, {"message", "name missing"}}}}},
                    kSchema,
                    {{"1", "  ann LEE ", " Ann@Example.COM ", "(555) 234-5678", "NULL", "30"}},
                    {{"2", "NULL", "bob@@x", "020 7946 0958", "Paris", "NULL", "adult", "'age >= 18' is NULL"},
                     {"3", "cy", "NULL", "NULL", " Rome ", "-4", "adult", "'age >= 18' is false"}}},
        CleanerCase{"rules_see_cleaned_values",
                    {{"operations", {{{"op", "email"}, {"columns", {"email"}}},
                                     {{"op", "fill_nulls"}, {"values", {{"age", 18}}}}}},
                     {"rules", {{{"name", "valid_email"}, {"expression", "email_valid"}},
                                {{"name", "adult"}, {"expression", "age >= 18"}}}}},
                    kSchema + ", email_valid: bool",
                    {{"1", "  ann LEE ", "ann@example.com", "(555) 234-5678", "NULL", "30", "true"}},
                    {{"2", "NULL", "bob@@x", "020 7946 0958", "Paris", "18", "false", "valid_email",
                      "'email_valid' is false"},
                     {"3", "cy", "NULL", "NULL", " Rome ", "-4", "NULL", "valid_email", "'email_valid' is NULL"}}},
        // A dropped row is not also rejected.
        CleanerCase{"drop_before_rules",
                    {{"operations", {{{"op", "drop_nulls"}, {"columns", {"age"}}}}},
                     {"rules", {{{"name", "adult"}, {"expression", "age >= 18"}}}}},
                    kSchema,
                    {{"1", "  ann LEE ", " Ann@Example.COM ", "(555) 234-5678", "NULL", "30"}},
                    {{"3", "cy", "NULL", "NULL", " Rome ", "-4", "adult", "'age >= 18' is false"}}}),
    [](const auto& info) { return info.param.name; });

TEST(Cleaner, FailActionStopsTheRunWithThePosition) {
  nlohmann::json config = {{"rules", {{{"name", "adult"}, {"expression", "age >= 18"}, {"action", "fail"}}}}};
  auto out = RunModule("transform.cleaner", config, {{People()}});
  ASSERT_FALSE(out.ok());
  EXPECT_TRUE(out.status().IsDataError());
  EXPECT_THAT(out.status().message(), ::testing::HasSubstr("rule 'adult' failed at row 1 of batch 0"));
}

class CleanerBadConfigs : public ::testing::TestWithParam<BadConfig> {};

TEST_P(CleanerBadConfigs, NameTheField) {
  ExpectConfigRefused("transform.cleaner", GetParam(), People()->schema());
}

INSTANTIATE_TEST_SUITE_P(
    All, CleanerBadConfigs,
    ::testing::Values(
        BadConfig{"empty", nlohmann::json::object(), "/operations", "at least one"},
        BadConfig{"ops_not_array", {{"operations", "trim"}}, "/operations", "array"},
        BadConfig{"unknown_op", {{"operations", {{{"op", "trim"}}, {{"op", "polish"}}}}}, "/operations/1/op", "'polish'"},
        BadConfig{"missing_op", {{"operations", {{{"columns", {"name"}}}}}}, "/operations/0/op", "required"},
        BadConfig{"unknown_column", {{"operations", {{{"op", "trim"}, {"columns", {"name", "emial"}}}}}},
                  "/operations/0/columns/1", "did you mean 'email'"},
        BadConfig{"trim_number", {{"operations", {{{"op", "trim"}, {"columns", {"age"}}}}}},
                  "/operations/0/columns/0", "string columns only"},
        BadConfig{"bad_case", {{"operations", {{{"op", "case"}, {"mode", "camel"}}}}}, "/operations/0/mode", "'camel'"},
        BadConfig{"fill_no_values", {{"operations", {{{"op", "fill_nulls"}}}}}, "/operations/0/values", "object"},
        BadConfig{"fill_wrong_type", {{"operations", {{{"op", "fill_nulls"}, {"values", {{"age", "old"}}}}}}},
                  "/operations/0/values/age", "integer"},
        BadConfig{"fill_unknown", {{"operations", {{{"op", "fill_nulls"}, {"values", {{"cty", "x"}}}}}}},
                  "/operations/0/values/cty", "did you mean 'city'"},
        BadConfig{"email_no_columns", {{"operations", {{{"op", "email"}}}}}, "/operations/0/columns", "at least one"},
        BadConfig{"email_bad_policy", {{"operations", {{{"op", "email"}, {"columns", {"email"}}, {"invalid", "drop"}}}}},
                  "/operations/0/invalid", "'drop'"},
        BadConfig{"flag_twice", {{"operations", {{{"op", "email"}, {"columns", {"email"}}}, {{"op", "email"}, {"columns", {"email"}}}}}},
                  "/operations/1/columns/0", "email_valid"},
        BadConfig{"phone_bad_country", {{"operations", {{{"op", "phone"}, {"columns", {"phone"}}, {"country_code", "UK"}}}}},
                  "/operations/0/country_code", "calling code"},
        BadConfig{"rule_unknown_column", {{"rules", {{{"name", "r"}, {"expression", "agee > 1"}}}}},
                  "/rules/0/expression", "age"},
        BadConfig{"rule_not_bool", {{"rules", {{{"name", "r"}, {"expression", "age + 1"}}}}},
                  "/rules/0/expression", "true or false"},
        BadConfig{"rule_no_name", {{"rules", {{{"expression", "age > 1"}}}}}, "/rules/0/name", "required"},
        BadConfig{"rule_dup_name", {{"rules", {{{"name", "r"}, {"expression", "age > 1"}}, {{"name", "r"}, {"expression", "age > 2"}}}}},
                  "/rules/1/name", "twice"},
        BadConfig{"rule_bad_action", {{"rules", {{{"name", "r"}, {"expression", "age > 1"}, {"action", "warn"}}}}},
                  "/rules/0/action", "'warn'"}),
    [](const auto& info) { return info.param.name; });

struct DedupeCase {
  std::string name;
  nlohmann::json dedupe;
  std::vector<std::string> expected_ids;
};

class CleanerDedupe : public ::testing::TestWithParam<DedupeCase> {};

// Emails that differ only by case/spaces become duplicates after normalisation.
TEST_P(CleanerDedupe, KeepsOneRowPerCleanedKey) {
  const DedupeCase& c = GetParam();
  std::vector<BatchPtr> input = {
      MakeBatch("id:int64, email:string", {{"1", "A@x.com"}, {"2", " b@x.com"}, {"3", "a@X.com "}}),
      MakeBatch("id:int64, email:string", {{"4", "NULL"}, {"5", "B@x.com"}, {"6", "NULL"}, {"7", "c@x.com"}})};
  nlohmann::json config = {{"operations", {{{"op", "email"}, {"columns", {"email"}}, {"invalid", "keep"}}}},
                           {"dedupe", c.dedupe}};
  auto op = BindModule(RowRegistry(), "transform.cleaner", config, {input[0]->schema()});
  ASSERT_TRUE(op.ok()) << op.status().ToString();
  EXPECT_TRUE((*op)->RequiresOrderedInput(0));
  for (int threads : {1, 2}) {
    auto out = RunModule("transform.cleaner", config, {input}, threads);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    std::vector<std::string> ids;
    for (const auto& row : PortRows(*out, 0)) ids.push_back(row[0]);
    std::sort(ids.begin(), ids.end());
    EXPECT_EQ(ids, c.expected_ids) << "threads=" << threads;
  }
}

INSTANTIATE_TEST_SUITE_P(
    All, CleanerDedupe,
    ::testing::Values(DedupeCase{"first", {{"keys", {"email"}}}, {"1", "2", "4", "7"}},
                      DedupeCase{"last", {{"keys", {"email"}}, {"keep", "last"}}, {"3", "5", "6", "7"}},
                      DedupeCase{"whole_rows", nlohmann::json::object(), {"1", "2", "3", "4", "5", "6", "7"}}),
    [](const auto& info) { return info.param.name; });

TEST(Cleaner, DedupeBadConfigs) {
  auto schema = People()->schema();
  Status s = BindOnly("transform.cleaner", {{"dedupe", {{"keys", {"id", "emali"}}}}}, {schema});
  EXPECT_THAT(s.message(), ::testing::StartsWith("/dedupe/keys/1: column 'emali' does not exist (did you mean 'email'?)"));
  s = BindOnly("transform.cleaner", {{"dedupe", {{"keep", "middle"}}}}, {schema});
  EXPECT_THAT(s.message(), ::testing::StartsWith("/dedupe/keep: "));
  s = BindOnly("transform.cleaner", {{"dedupe", "id"}}, {schema});
  EXPECT_THAT(s.message(), ::testing::StartsWith("/dedupe: "));
}

TEST(Cleaner, ParallelRunEqualsSerialRun) {
  auto input = GeneratedBatches(20, 600);
  nlohmann::json config = {
      {"operations", {{{"op", "trim"}}, {{"op", "case"}, {"mode", "upper"}},
                      {{"op", "fill_nulls"}, {"values", {{"amount", -1}}}}}},
      {"rules", {{{"name", "named"}, {"expression", "name IS NOT NULL"}}, {{"name", "small"}, {"expression", "amount < 10000"}}}}};
  auto serial = RunModule("transform.cleaner", config, {input}, 1);
  auto parallel = RunModule("transform.cleaner", config, {input}, 2);
  ASSERT_TRUE(serial.ok()) << serial.status().ToString();
  ASSERT_TRUE(parallel.ok()) << parallel.status().ToString();
  const auto out = PortRows(*serial, 0);
  const auto rejects = PortRows(*serial, 1);
  EXPECT_EQ(out.size() + rejects.size(), 12000u);
  EXPECT_GT(rejects.size(), 1000u);
  EXPECT_EQ(out, PortRows(*parallel, 0));
  EXPECT_EQ(rejects, PortRows(*parallel, 1));
  EXPECT_EQ(out[0][3], "NAME 1");
}

}  // namespace
}  // namespace logidata::testing

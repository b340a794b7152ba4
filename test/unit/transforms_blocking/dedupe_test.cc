#include <map>
#include <set>

#include "blocking_test_util.h"
#include "transforms/dedupe.h"

namespace logidata::testing {
namespace {

using Rows2 = std::vector<std::vector<std::string>>;

struct DedupeCase {
  std::string name;
  nlohmann::json config;
  Rows2 expected;  // in input order
};

BatchPtr Input() {
  return MakeBatch("id:int64, email:string, day:date, amt:decimal(8,2), ok:bool",
                   {{"1", "a@x", "2024-01-01", "1.00", "true"},
                    {"2", "b@x", "2024-01-01", "2.00", "false"},
                    {"1", "a@x", "2024-01-02", "3.00", "true"},
                    {"NULL", "c@x", "2024-01-02", "4.00", "NULL"},
                    {"1", "NULL", "2024-01-03", "5.00", "true"},
                    {"NULL", "c@x", "2024-01-04", "6.00", "false"},
                    {"2", "b@x", "2024-01-05", "7.00", "false"},
                    {"1", "NULL", "2024-01-06", "8.00", "true"}});
}

TEST(DedupeTest, KeepModesAndKeysInEveryMode) {
  const Rows2 all = Rows(*Input());
  auto pick = [&](std::vector<int> idx) {
    Rows2 out;
    for (int i : idx) out.push_back(all[static_cast<size_t>(i)]);
    return out;
  };
  const std::vector<DedupeCase> cases = {
      {"first_two_keys", {{"keys", {"id", "email"}}, {"keep", "first"}}, pick({0, 1, 3, 4})},
      {"last_two_keys", {{"keys", {"id", "email"}}, {"keep", "last"}}, pick({2, 5, 6, 7})},
      {"first_one_key_default_keep", {{"keys", {"id"}}}, pick({0, 1, 3})},
      {"last_one_key", {{"keys", {"id"}}, {"keep", "last"}}, pick({5, 6, 7})},
      {"first_bool_key", {{"keys", {"ok"}}}, pick({0, 1, 3})},
      {"first_date_decimal", {{"keys", {"day"}}}, pick({0, 2, 4, 5, 6, 7})},
      {"all_columns", {{"keep", "first"}}, all},
  };
  for (const auto& c : cases) {
    for (const auto& mode : AllModes()) {
      SCOPED_TRACE(c.name + " / " + mode.name);
      auto out = RunModule("transform.dedupe", c.config, {Split(Input(), 3)}, mode);
      ASSERT_TRUE(out.ok()) << out.status().ToString();
      if (mode.budget > 1000) {
        EXPECT_EQ(Rows(*out), c.expected);  // input order kept when nothing spills
      } else {
        Rows2 expected = c.expected;
        std::sort(expected.begin(), expected.end());
        EXPECT_EQ(SortedRows(*out), expected);
      }
    }
  }
}

TEST(DedupeTest, EmptyInput) {
  for (const auto& mode : AllModes()) {
    for (const std::string keep : {"first", "last"}) {
      SCOPED_TRACE(keep + " / " + mode.name);
      auto out = RunModule("transform.dedupe", {{"keys", {"id"}}, {"keep", keep}}, {{MakeBatch("id:int64", {})}}, mode);
      ASSERT_TRUE(out.ok()) << out.status().ToString();
      EXPECT_TRUE(SortedRows(*out).empty());
    }
  }
}

// Random rows, many duplicates: every mode against a naive first/last pass.
TEST(DedupeTest, RandomAgainstReference) {
  BatchPtr input = RandomBatch("a:int32, b:string, v:int64", 20000, 40, 5);
  const Rows2 rows = Rows(*input);
  for (const std::string keep : {"first", "last"}) {
    std::map<std::pair<std::string, std::string>, size_t> winner;
    for (size_t i = 0; i < rows.size(); ++i) {
      auto key = std::make_pair(rows[i][0], rows[i][1]);
      if (keep == "last" || !winner.count(key)) winner[key] = i;
    }
    std::set<size_t> kept;
    for (const auto& [k, i] : winner) kept.insert(i);
    Rows2 expected;
    for (size_t i : kept) expected.push_back(rows[i]);
    Rows2 sorted = expected;
    std::sort(sorted.begin(), sorted.end());
    for (const auto& mode : AllModes()) {
      SCOPED_TRACE(keep + " / " + mode.name);
      auto out = RunModule("transform.dedupe", {{"keys", {"a", "b"}}, {"keep", keep}}, {Split(input, 700)}, mode);
      ASSERT_TRUE(out.ok()) << out.status().ToString();
      if (mode.budget > 1000) EXPECT_EQ(Rows(*out), expected);
      else EXPECT_EQ(SortedRows(*out), sorted);
    }
  }
}

// The core on its own, as the cleaner uses it: keep-first returns survivors batch by batch.
TEST(DedupeTest, CoreStreamsKeepFirst) {
  BatchPtr input = Input();
  DedupeCore core(input->schema(), {0}, DedupeKeep::kFirst);
  Rows2 got;
  for (const auto& b : Split(input, 3)) {
    auto kept = core.Add(b);
    ASSERT_TRUE(kept.ok());
    if (*kept != nullptr) {
      for (auto& r : Rows(**kept)) got.push_back(r);
    }
  }
  ASSERT_TRUE(core.Finish([&](BatchPtr) { return Status::Internal("keep-first emits nothing at the end"); }).ok());
  EXPECT_EQ(got.size(), 3u);
  EXPECT_GT(core.MemoryUsage(), 0);
}

TEST(DedupeTest, BindErrorsNameThePointer) {
  const std::vector<BindErrorCase> cases = {
      {{{"keys", {"id", "mail"}}}, "/keys/1", "column 'mail' does not exist"},
      {{{"keys", {"id"}}, {"keep", "middle"}}, "/keep", "not one of"},
      {{{"keys", "id"}}, "/keys", "array"},
      {{{"keys", {"id", "id"}}}, "/keys/1", "twice"},
  };
  ExpectBindErrors("transform.dedupe", {Input()->schema()}, cases);
}

}  // namespace
}  // namespace logidata::testing

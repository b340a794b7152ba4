#include <map>

#include "blocking_test_util.h"

namespace logidata::testing {
namespace {

using Rows2 = std::vector<std::vector<std::string>>;

BatchPtr Left() {
  return MakeBatch("id:int64, k:string, v:int32", {{"1", "a", "10"},
                                                   {"2", "b", "20"},
                                                   {"2", "b", "21"},
                                                   {"3", "c", "30"},
                                                   {"NULL", "a", "40"},
                                                   {"1", "NULL", "50"}});
}
BatchPtr Right() {
  return MakeBatch("k:string, id:int32, v:string", {{"a", "1", "x"},
                                                    {"b", "2", "y1"},
                                                    {"b", "2", "y2"},
                                                    {"d", "4", "z"},
                                                    {"NULL", "1", "n"}});
}

struct JoinCase {
  std::string type;
  Rows2 expected;
};

TEST(HashJoinTest, EveryTypeOnTwoKeysInEveryMode) {
  const std::vector<JoinCase> cases = {
      {"inner",
       {{"1", "a", "10", "a", "1", "x"}, {"2", "b", "20", "b", "2", "y1"}, {"2", "b", "20", "b", "2", "y2"},
        {"2", "b", "21", "b", "2", "y1"}, {"2", "b", "21", "b", "2", "y2"}}},
      {"left",
       {{"1", "NULL", "50", "NULL", "NULL", "NULL"}, {"1", "a", "10", "a", "1", "x"}, {"2", "b", "20", "b", "2", "y1"},
        {"2", "b", "20", "b", "2", "y2"}, {"2", "b", "21", "b", "2", "y1"}, {"2", "b", "21", "b", "2", "y2"},
        {"3", "c", "30", "NULL", "NULL", "NULL"}, {"NULL", "a", "40", "NULL", "NULL", "NULL"}}},
      {"right",
       {{"1", "a", "10", "a", "1", "x"}, {"2", "b", "20", "b", "2", "y1"}, {"2", "b", "20", "b", "2", "y2"},
        {"2", "b", "21", "b", "2", "y1"}, {"2", "b", "21", "b", "2", "y2"}, {"NULL", "NULL", "NULL", "NULL", "1", "n"},
        {"NULL", "NULL", "NULL", "d", "4", "z"}}},
      {"full",
       {{"1", "NULL", "50", "NULL", "NULL", "NULL"}, {"1", "a", "10", "a", "1", "x"}, {"2", "b", "20", "b", "2", "y1"},
        {"2", "b", "20", "b", "2", "y2"}, {"2", "b", "21", "b", "2", "y1"}, {"2", "b", "21", "b", "2", "y2"},
        {"3", "c", "30", "NULL", "NULL", "NULL"}, {"NULL", "NULL", "NULL", "NULL", "1", "n"},
        {"NULL", "NULL", "NULL", "d", "4", "z"}, {"NULL", "a", "40", "NULL", "NULL", "NULL"}}},
      {"semi", {{"1", "a", "10"}, {"2", "b", "20"}, {"2", "b", "21"}}},
      {"anti", {{"1", "NULL", "50"}, {"3", "c", "30"}, {"NULL", "a", "40"}}},
  };
  for (const auto& c : cases) {
    for (const auto& mode : AllModes()) {
      SCOPED_TRACE(c.type + " / " + mode.name);
      nlohmann::json config = {{"type", c.type},
                               {"on", {{{"left", "id"}, {"right", "id"}}, {{"left", "k"}, {"right", "k"}}}}};
      auto out = RunModule("transform.join", config, {Split(Left(), 2), Split(Right(), 2)}, mode);
      ASSERT_TRUE(out.ok()) << out.status().ToString();
      EXPECT_EQ(SortedRows(*out), c.expected);
    }
  }
}

TEST(HashJoinTest, OutputSchemaSuffixesClashes) {
  auto op = BindModule(BlockingRegistry(), "transform.join",
                       {{"type", "left"}, {"on", {{{"left", "id"}, {"right", "id"}}}}, {"right_suffix", "_c"}},
                       {Left()->schema(), Right()->schema()});
  ASSERT_TRUE(op.ok()) << op.status().ToString();
  EXPECT_EQ((*op)->output_schemas()[0]->ToString(), "id: int64, k: string, v: int32, k_c: string, id_c: int32, v_c: string");
  EXPECT_EQ((*op)->PortsRequiredBefore(0), std::vector<int>{1});
}

TEST(HashJoinTest, KeyTypesAreUnified) {
  BatchPtr l = MakeBatch("d:date, x:decimal(6,2), f:float64", {{"2024-01-02", "1.50", "2"}, {"2024-01-03", "2.00", "3"}});
  BatchPtr r = MakeBatch("t:timestamp, y:int64, i:int32", {{"2024-01-02 00:00:00", "2", "2"}, {"2024-01-03 00:00:01", "2", "3"}});
  struct Case {
    nlohmann::json on;
    Rows2 expected;
  };
  const std::vector<Case> cases = {
      {{{{"left", "d"}, {"right", "t"}}}, {{"2024-01-02", "1.50", "2", "2024-01-02 00:00:00", "2", "2"}}},
      {{{{"left", "x"}, {"right", "y"}}}, {{"2024-01-03", "2.00", "3", "2024-01-02 00:00:00", "2", "2"},
                                           {"2024-01-03", "2.00", "3", "2024-01-03 00:00:01", "2", "3"}}},
      {{{{"left", "f"}, {"right", "i"}}}, {{"2024-01-02", "1.50", "2", "2024-01-02 00:00:00", "2", "2"},
                                           {"2024-01-03", "2.00", "3", "2024-01-03 00:00:01", "2", "3"}}},
  };
  for (const auto& c : cases) {
    for (const auto& mode : AllModes()) {
      SCOPED_TRACE(c.on.dump() + " / " + mode.name);
      auto out = RunModule("transform.join", {{"on", c.on}}, {{l}, {r}}, mode);
      ASSERT_TRUE(out.ok()) << out.status().ToString();
      EXPECT_EQ(SortedRows(*out), c.expected);
    }
  }
}

TEST(HashJoinTest, EmptySides) {
  BatchPtr empty_left = MakeBatch("id:int64, k:string, v:int32", {});
  BatchPtr empty_right = MakeBatch("k:string, id:int32, v:string", {});
  nlohmann::json on = {{{"left", "id"}, {"right", "id"}}};
  for (const auto& mode : AllModes()) {
    SCOPED_TRACE(mode.name);
    auto full = RunModule("transform.join", {{"type", "full"}, {"on", on}}, {{empty_left}, {Right()}}, mode);
    ASSERT_TRUE(full.ok()) << full.status().ToString();
    EXPECT_EQ(SortedRows(*full).size(), 5u);
    auto left = RunModule("transform.join", {{"type", "left"}, {"on", on}}, {{Left()}, {empty_right}}, mode);
    ASSERT_TRUE(left.ok()) << left.status().ToString();
    EXPECT_EQ(SortedRows(*left).size(), 6u);
    auto inner = RunModule("transform.join", {{"on", on}}, {{Left()}, {empty_right}}, mode);
    ASSERT_TRUE(inner.ok()) << inner.status().ToString();
    EXPECT_TRUE(SortedRows(*inner).empty());
  }
}

// Random inputs with duplicate and null keys: every type and mode against a nested-loop join.
TEST(HashJoinTest, RandomAgainstNestedLoop) {
  BatchPtr l = RandomBatch("a:int64, b:string, p:int64", 3000, 60, 11);
  BatchPtr r = RandomBatch("a:int32, b:string, q:int64", 2000, 60, 12);
  auto lr = Rows(*l), rr = Rows(*r);
  for (const std::string type : {"inner", "left", "right", "full", "semi", "anti"}) {
    Rows2 expected;
    std::vector<bool> right_matched(rr.size(), false);
    for (const auto& x : lr) {
      bool any = false;
      for (size_t j = 0; j < rr.size(); ++j) {
        const auto& y = rr[j];
        if (x[0] == "NULL" || x[1] == "NULL" || x[0] != y[0] || x[1] != y[1]) continue;
        any = true;
        right_matched[j] = true;
        if (type != "semi" && type != "anti") expected.push_back({x[0], x[1], x[2], y[0], y[1], y[2]});
      }
      if ((type == "semi" && any) || (type == "anti" && !any)) expected.push_back(x);
      if (!any && (type == "left" || type == "full")) expected.push_back({x[0], x[1], x[2], "NULL", "NULL", "NULL"});
    }
    if (type == "right" || type == "full") {
      for (size_t j = 0; j < rr.size(); ++j) {
        if (!right_matched[j]) expected.push_back({"NULL", "NULL", "NULL", rr[j][0], rr[j][1], rr[j][2]});
      }
    }
    std::sort(expected.begin(), expected.end());
    for (const auto& mode : AllModes()) {
      SCOPED_TRACE(type + " / " + mode.name);
      nlohmann::json config = {{"type", type}, {"on", {{{"left", "a"}, {"right", "a"}}, {{"left", "b"}, {"right", "b"}}}}};
      auto out = RunModule("transform.join", config, {Split(l, 256), Split(r, 256)}, mode);
      ASSERT_TRUE(out.ok()) << out.status().ToString();
      EXPECT_EQ(SortedRows(*out), expected);
    }
  }
}

TEST(HashJoinTest, BindErrorsNameThePointer) {
  const std::vector<BindErrorCase> cases = {
      {{{"on", nlohmann::json::array()}}, "/on", "at least one"},
      {{{"on", {{{"left", "id"}, {"right", "id"}}, {{"left", "zz"}, {"right", "k"}}}}}, "/on/1/left", "'zz'"},
      {{{"on", {{{"left", "id"}, {"right", "nope"}}}}}, "/on/0/right", "'nope'"},
      {{{"on", {{{"left", "id"}, {"right", "k"}}}}}, "/on/0", "cannot compare"},
      {{{"type", "outer"}, {"on", {{{"left", "id"}, {"right", "id"}}}}}, "/type", "not one of"},
      {{{"on", {{{"left", "id"}, {"right", "id"}}}}, {"right_suffix", ""}}, "/right_suffix", "clashes"},
  };
  ExpectBindErrors("transform.join", {Left()->schema(), Right()->schema()}, cases);
}

}  // namespace
}  // namespace logidata::testing

// Every field of a valid config replaced by a value of every JSON type: binding must either
// succeed or fail with a ConfigError whose JSON pointer starts with "/" — never crash, never throw,
// never an internal error.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "row_module_runner.h"

namespace logidata::testing {
namespace {

struct ValidConfig {
  std::string key;
  nlohmann::json config;
};

std::vector<ValidConfig> ValidConfigs() {
  return {
      {"transform.filter", {{"expression", "amount > 1 AND name IS NOT NULL"}}},
      {"transform.select", {{"columns", {{{"name", "id"}, {"as", "x"}, {"type", "string"}}, {{"name", "name"}}}}}},
      {"transform.select", {{"exclude", {"grp", "amount"}}}},
      {"transform.derive", {{"columns", {{{"name", "a"}, {"expression", "id + 1"}}, {{"name", "b"}, {"expression", "a * 2"}}}}}},
      {"transform.cleaner",
       {{"operations",
         {{{"op", "trim"}, {"columns", {"name"}}},
          {{"op", "case"}, {"mode", "upper"}},
          {{"op", "fill_nulls"}, {"values", {{"amount", 0}, {"name", "?"}}}},
          {{"op", "drop_nulls"}, {"columns", {"id"}}},
          {{"op", "email"}, {"columns", {"name"}}, {"invalid", "null"}},
          {{"op", "phone"}, {"columns", {"name"}}, {"country_code", "44"}, {"invalid", "flag"}}}},
        {"rules", {{{"name", "r"}, {"expression", "amount >= 0"}, {"action", "reject"}, {"message", "m"}}}},
        {"dedupe", {{"keys", {"id"}}, {"keep", "last"}}}}},
      {"transform.union", {{"mode", "by_position"}}},
      {"transform.limit", {{"n", 10}, {"offset", 2}}},
      {"transform.sample", {{"fraction", 0.5}, {"seed", 3}}},
      {"transform.sample", {{"n", 5}, {"seed", 3}}},
  };
}

const std::vector<nlohmann::json>& Replacements() {
  static const std::vector<nlohmann::json> values = {
      nullptr, true, 0, -1, 1.5, "", "x", "id", nlohmann::json::array(), nlohmann::json::array({1}),
      nlohmann::json::object(), nlohmann::json{{"name", 1}}};
  return values;
}

// Calls `fn` with a copy of `config` where the value at each path is replaced (leaves and inner
// nodes alike), plus the path.
void ForEachMutation(const nlohmann::json& config, const std::function<void(const nlohmann::json&, std::string)>& fn) {
  std::vector<nlohmann::json::json_pointer> paths;
  std::function<void(const nlohmann::json&, const nlohmann::json::json_pointer&)> walk =
      [&](const nlohmann::json& node, const nlohmann::json::json_pointer& at) {
        if (!at.empty()) paths.push_back(at);
        if (node.is_object()) {
          for (const auto& [k, v] : node.items()) walk(v, at / k);
        } else if (node.is_array()) {
          for (size_t i = 0; i < node.size(); ++i) walk(node[i], at / i);
        }
      };
  walk(config, nlohmann::json::json_pointer());
  for (const auto& path : paths) {
    for (const auto& value : Replacements()) {
      nlohmann::json copy = config;
      copy[path] = value;
      fn(copy, path.to_string());
    }
  }
  // The whole config replaced too.
  for (const auto& value : Replacements()) fn(value, "");
}

TEST(ConfigMutations, NeverCrashAndNameAField) {
  const std::vector<SchemaPtr> one = {ParseSchemaSpec("id:int64, grp:int64, amount:float64, name:string")};
  int binds = 0;
  for (const auto& valid : ValidConfigs()) {
    std::vector<SchemaPtr> schemas = one;
    if (valid.key == "transform.union") schemas.push_back(one[0]);
    ASSERT_TRUE(BindOnly(valid.key, valid.config, schemas).ok()) << valid.key << " " << valid.config.dump();
    ForEachMutation(valid.config, [&](const nlohmann::json& config, const std::string& path) {
      ++binds;
      Status s;
      try {
        s = BindOnly(valid.key, config, schemas);
      } catch (const std::exception& e) {
        ADD_FAILURE() << valid.key << " threw " << e.what() << " for " << config.dump();
        return;
      }
      if (s.ok()) return;
      EXPECT_TRUE(s.IsInvalidArgument()) << valid.key << " " << config.dump() << " -> " << s.ToString();
      EXPECT_THAT(s.message(), ::testing::StartsWith("/")) << valid.key << " " << config.dump() << " (" << path
                                                          << ") -> " << s.ToString();
    });
  }
  EXPECT_GT(binds, 500);
}

}  // namespace
}  // namespace logidata::testing

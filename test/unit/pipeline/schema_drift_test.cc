// Schema drift between two runs' source schemas: added, removed and retyped columns per source,
// new or removed sources are no drift, and the one-line description. Table-driven.
#include "pipeline/schema_drift.h"

#include <gtest/gtest.h>

namespace logidata {
namespace {

nlohmann::json Columns(std::initializer_list<std::pair<const char*, const char*>> columns) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [name, type] : columns) out.push_back({{"name", name}, {"type", type}});
  return out;
}

TEST(SchemaDrift, DiffPerSource) {
  struct Case {
    std::string name;
    nlohmann::json previous, current, expected;
    std::string description;
  };
  const nlohmann::json base = {{"src", Columns({{"id", "int64"}, {"amount", "float64"}, {"note", "string"}})}};
  const std::vector<Case> cases = {
      {"unchanged", base, base, nlohmann::json::array(), ""},
      {"no previous run", nullptr, base, nlohmann::json::array(), ""},
      {"added, removed and retyped",
       base,
       {{"src", Columns({{"id", "int64"}, {"amount", "string"}, {"coupon", "string"}})}},
       nlohmann::json::array({{{"node_id", "src"},
                               {"added", Columns({{"coupon", "string"}})},
                               {"removed", Columns({{"note", "string"}})},
                               {"retyped", {{{"name", "amount"}, {"from", "float64"}, {"to", "string"}}}}}}),
       "src: added coupon (string); removed note (string); retyped amount float64 → string"},
      {"a new source and a removed one are no drift",
       base,
       {{"other", Columns({{"x", "int64"}})}},
       nlohmann::json::array(),
       ""},
      {"column order alone is no drift",
       base,
       {{"src", Columns({{"note", "string"}, {"id", "int64"}, {"amount", "float64"}})}},
       nlohmann::json::array(),
       ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const nlohmann::json drift = DiffSourceSchemas(c.previous, c.current);
    EXPECT_EQ(drift, c.expected) << drift.dump();
    EXPECT_EQ(DescribeSchemaDrift(drift), c.description);
  }
}

}  // namespace
}  // namespace logidata

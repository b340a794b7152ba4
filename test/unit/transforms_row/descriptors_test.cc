#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "row_module_runner.h"

namespace logidata::testing {
namespace {

const std::vector<std::string> kModules = {"filter", "select", "derive", "cleaner", "union", "limit", "sample"};

class Descriptors : public ::testing::TestWithParam<std::string> {};

// Walks every property schema below `schema`, calling `fn(path, property_schema)`.
void ForEachProperty(const nlohmann::json& schema, const std::string& path,
                     const std::function<void(const std::string&, const nlohmann::json&)>& fn) {
  if (!schema.is_object()) return;
  if (schema.contains("properties")) {
    for (const auto& [name, prop] : schema["properties"].items()) {
      fn(path + "/" + name, prop);
      ForEachProperty(prop, path + "/" + name, fn);
    }
  }
  if (schema.contains("items")) ForEachProperty(schema["items"], path + "/items", fn);
  if (schema.contains("oneOf")) {
    for (size_t i = 0; i < schema["oneOf"].size(); ++i) {
      ForEachProperty(schema["oneOf"][i], path + "/oneOf/" + std::to_string(i), fn);
    }
  }
}

TEST_P(Descriptors, AreCompleteForTheUi) {
  auto found = RowRegistry().Find("transform", GetParam());
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  const ModuleDescriptor& d = **found;
  EXPECT_EQ(d.key(), "transform." + GetParam());
  // Summary: one line, starts with a capitalised verb ending in 's', ends with a period.
  ASSERT_FALSE(d.summary.empty());
  EXPECT_TRUE(std::isupper(static_cast<unsigned char>(d.summary[0]))) << d.summary;
  const std::string first_word = d.summary.substr(0, d.summary.find_first_of(" ,"));
  EXPECT_EQ(first_word.back(), 's') << d.summary;
  EXPECT_EQ(d.summary.back(), '.');
  EXPECT_EQ(d.summary.find('\n'), std::string::npos);
  EXPECT_GT(d.description.size(), 40u);
  EXPECT_FALSE(d.category.empty());
  EXPECT_FALSE(d.icon.empty());
  EXPECT_FALSE(d.inputs.empty());
  EXPECT_FALSE(d.outputs.empty());
  for (const auto& p : d.inputs) EXPECT_FALSE(p.description.empty()) << p.name;
  for (const auto& p : d.outputs) EXPECT_FALSE(p.description.empty()) << p.name;

  const nlohmann::json& schema = d.config_schema;
  EXPECT_EQ(schema["type"], "object");
  EXPECT_TRUE(schema.contains("title"));
  EXPECT_EQ(schema["additionalProperties"], false);
  int properties = 0;
  ForEachProperty(schema, "", [&](const std::string& path, const nlohmann::json& prop) {
    ++properties;
    if (path.ends_with("/op")) return;  // the discriminator of a oneOf branch
    EXPECT_TRUE(prop.contains("title")) << GetParam() << path;
    if (prop.contains("enum")) {
      EXPECT_TRUE(prop.contains("default")) << GetParam() << path;
    }
    if (prop.contains("default") && prop.contains("enum")) {
      EXPECT_THAT(prop["enum"], ::testing::Contains(prop["default"])) << GetParam() << path;
    }
  });
  EXPECT_GT(properties, 0);
  // ToJson round-trips the schema for the API.
  EXPECT_EQ(d.ToJson()["config_schema"], schema);
}

INSTANTIATE_TEST_SUITE_P(All, Descriptors, ::testing::ValuesIn(kModules),
                         [](const auto& info) { return info.param; });

TEST(Descriptors, RegisteringTwiceIsAnError) {
  ModuleRegistry registry;
  ASSERT_TRUE(RegisterRowTransforms(registry).ok());
  EXPECT_FALSE(RegisterRowTransforms(registry).ok());
  EXPECT_EQ(registry.All().size(), kModules.size());
}

TEST(Descriptors, CleanerHasRejectsPort) {
  auto d = RowRegistry().Find("transform", "cleaner");
  ASSERT_TRUE(d.ok());
  ASSERT_EQ((*d)->outputs.size(), 2u);
  EXPECT_EQ((*d)->outputs[1].name, "rejects");
}

}  // namespace
}  // namespace logidata::testing

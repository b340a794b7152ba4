// Module pages rendered from descriptors, the connection-type catalogue derived from them, and the
// check that docs/modules holds exactly what the registry generates today.
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "module/builtin_modules.h"
#include "module/connection_types.h"
#include "module/module_docs.h"

namespace logidata {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

ModuleDescriptor Module(ModuleKind kind, std::string name, json schema) {
  ModuleDescriptor d;
  d.kind = kind;
  d.name = std::move(name);
  d.summary = "Does a thing.";
  d.description = "Longer help.\n\nSecond paragraph.";
  d.category = "rows";
  d.inputs = {{"in", "Rows in.", false}};
  d.outputs = {{"out", "Rows out.", false}};
  d.config_schema = std::move(schema);
  return d;
}

struct PageCase {
  std::string name;
  json schema;
  std::vector<std::string> present;  // substrings the page must contain
  std::vector<std::string> absent;
};

class ModulePageCases : public ::testing::TestWithParam<PageCase> {};

TEST_P(ModulePageCases, RendersEveryFieldOfTheSchema) {
  const PageCase& c = GetParam();
  const std::string page = RenderModulePage(Module(ModuleKind::kTransform, "thing", c.schema));
  EXPECT_TRUE(IsGeneratedModuleDoc(page));
  EXPECT_THAT(page, HasSubstr("# transform.thing\n\nDoes a thing."));
  EXPECT_THAT(page, HasSubstr("Longer help.\n\nSecond paragraph."));
  EXPECT_THAT(page, HasSubstr("| input | `in` | Rows in. |"));
  EXPECT_THAT(page, HasSubstr("| output | `out` | Rows out. |"));
  for (const std::string& s : c.present) EXPECT_THAT(page, HasSubstr(s)) << page;
  for (const std::string& s : c.absent) EXPECT_THAT(page, Not(HasSubstr(s))) << page;
}

INSTANTIATE_TEST_SUITE_P(
    Schemas, ModulePageCases,
    ::testing::Values(
        PageCase{"no_options", json::parse(R"({"type": "object", "additionalProperties": false})"), {"No options."},
                 {"| Field |"}},
        PageCase{"required_default_enum_limits",
                 json::parse(R"({"type": "object", "required": ["path"], "additionalProperties": false,
                     "properties": {
                       "mode": {"type": "string", "title": "Mode", "description": "How to go.",
                                "enum": ["fast", "slow"], "default": "fast"},
                       "n": {"type": "integer", "minimum": 0, "maximum": 10, "examples": [3]},
                       "path": {"type": "string", "minLength": 1}}})"),
                 {"| `mode` | string |  | `fast` | **Mode.** How to go. One of `fast`, `slow`. |",
                  "| `n` | integer |  |  | Limits: ≥ 0; ≤ 10. Example: `3`. |",
                  "| `path` | string | yes |  | Limits: not empty. |", "Fields not listed here are errors."},
                 {}},
        PageCase{"nested_arrays_maps_and_formats",
                 json::parse(R"({"type": "object", "properties": {
                       "columns": {"type": "array", "items": {"type": "object", "required": ["name"],
                         "properties": {"name": {"type": "string", "format": "column"}, "as": {"type": "string"}}}},
                       "types": {"type": "object", "additionalProperties": {"type": "string"}},
                       "secret": {"type": ["string", "null"]}}})"),
                 {"| `columns` | array of object |", "| `columns[].name` | string (column) | yes |",
                  "| `columns[].as` | string |  |", "| `types` | object of string |", "| `secret` | string or null |"},
                 {"Fields not listed here are errors."}},
        PageCase{"one_of_required_and_tagged_variants",
                 json::parse(R"({"type": "object", "oneOf": [{"required": ["a"]}, {"required": ["b"]}],
                     "properties": {
                       "a": {"type": "string"},
                       "b": {"type": "string"},
                       "bound": {"oneOf": [{"type": "integer", "minimum": 0}, {"type": "string", "enum": ["unbounded"]}]},
                       "ops": {"type": "array", "items": {"oneOf": [
                         {"type": "object", "title": "Trim", "required": ["op"],
                          "properties": {"op": {"const": "trim"}, "columns": {"type": "array", "items": {"type": "string"}}}}]}}}})"),
                 {"Give exactly one of `a` or `b`.", "| `bound` | integer or `unbounded` |",
                  "| `ops[]` | object |  |  | (`op` = `trim`) **Trim.** |",
                  "| `ops[].columns` | array of string |  |  | (`op` = `trim`) |"},
                 {"| `ops[].op` |"}},
        PageCase{"table_cells_stay_one_line",
                 json::parse(R"({"type": "object", "properties": {
                       "x": {"type": "string", "description": "a | b\nc\n\nd", "default": ""}}})"),
                 {"| `x` | string |  | `\"\"` | a \\| b c<br>d |"},
                 {}},
        PageCase{"root_examples_are_full_nodes",
                 json::parse(R"({"type": "object", "properties": {"x": {"type": "integer"}}, "examples": [{"x": 1}]})"),
                 {"## Example\n\n```json\n{\n  \"config\": {\n    \"x\": 1\n  },\n  \"module\": \"transform.thing\"\n}\n```"},
                 {}}),
    [](const ::testing::TestParamInfo<PageCase>& info) { return info.param.name; });

TEST(ModuleIndex, GroupsByKindAndListsConnectionTypes) {
  ModuleDescriptor pg = Module(ModuleKind::kExtract, "pg", {{"type", "object"}});
  pg.inputs.clear();
  pg.connection_types = {"postgres", "postgresql"};
  ModuleDescriptor u = Module(ModuleKind::kTransform, "union", {{"type", "object"}});
  u.inputs = {{"in", "Any number.", true}};
  ModuleDescriptor load = Module(ModuleKind::kLoad, "pg", {{"type", "object"}});
  load.connection_types = {"postgres"};
  const std::string index = RenderModuleIndex({&pg, &u, &load});
  const size_t extract = index.find("## Extract"), transform = index.find("## Transform"), load_at = index.find("## Load");
  ASSERT_NE(extract, std::string::npos);
  EXPECT_LT(extract, index.find("[extract.pg](extract.pg.md)"));
  EXPECT_LT(index.find("[extract.pg](extract.pg.md)"), transform);
  EXPECT_LT(transform, index.find("[transform.union](transform.union.md) | Does a thing. | in* → out |"));
  EXPECT_LT(load_at, index.find("[load.pg](load.pg.md)"));
  EXPECT_THAT(index, HasSubstr("| `postgres` | `postgresql` | [extract.pg](extract.pg.md), [load.pg](load.pg.md) |"));
  EXPECT_THAT(index, HasSubstr("| `secret` |"));
}

struct CatalogCase {
  std::string name;
  std::vector<std::vector<std::string>> declared;  // one entry per module
  std::vector<std::string> accepted;
  std::vector<std::string> canonical;
};

class ConnectionTypeCases : public ::testing::TestWithParam<CatalogCase> {};

TEST_P(ConnectionTypeCases, DerivesTheAcceptedTypesFromTheModules) {
  const CatalogCase& c = GetParam();
  std::vector<ModuleDescriptor> modules;
  for (size_t i = 0; i < c.declared.size(); ++i) {
    modules.push_back(Module(ModuleKind::kExtract, "m" + std::to_string(i), {{"type", "object"}}));
    modules.back().connection_types = c.declared[i];
  }
  std::vector<const ModuleDescriptor*> pointers;
  for (const auto& m : modules) pointers.push_back(&m);
  EXPECT_EQ(AcceptedConnectionTypes(pointers), c.accepted);
  EXPECT_EQ(CanonicalConnectionTypes(pointers), c.canonical);
}

INSTANTIATE_TEST_SUITE_P(
    Catalogs, ConnectionTypeCases,
    ::testing::Values(CatalogCase{"none_declared_leaves_secret", {{}, {}}, {"secret"}, {"secret"}},
                      CatalogCase{"second_spellings_are_accepted_not_offered",
                                  {{"postgres", "postgresql"}, {"postgres", "mysql", "mariadb"}, {"s3"}},
                                  {"mariadb", "mysql", "postgres", "postgresql", "s3", "secret"},
                                  {"mysql", "postgres", "s3", "secret"}},
                      CatalogCase{"an_alias_alone_still_offers_its_main_name", {{"rest"}}, {"http", "rest", "secret"},
                                  {"http", "secret"}},
                      CatalogCase{"a_module_declaring_secret_is_merged", {{"secret"}}, {"secret"}, {"secret"}}),
    [](const ::testing::TestParamInfo<CatalogCase>& info) { return info.param.name; });

TEST(BuiltinConnectionTypes, AreExactlyWhatTheConnectorsOpen) {
  // The connection tester and the connectors' LookupConnection accept these spellings; a type
  // missing here could not be saved, an extra one would be a connection nothing can use.
  EXPECT_EQ(AcceptedConnectionTypes(BuiltinModules().All()),
            (std::vector<std::string>{"azure_blob", "clickhouse", "http", "mariadb", "mysql", "postgres", "postgresql",
                                      "rabbitmq", "rest", "s3", "secret", "sqlite"}));
  EXPECT_EQ(CanonicalConnectionTypes(BuiltinModules().All()),
            (std::vector<std::string>{"azure_blob", "clickhouse", "http", "mysql", "postgres", "rabbitmq", "s3", "secret",
                                      "sqlite"}));
}

std::string ReadWhole(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The committed pages must be what the registry generates now: a module added or changed
// without regenerating fails here.
TEST(ModuleDocsFolder, MatchesTheRegistry) {
  const std::filesystem::path dir = std::filesystem::path(LOGIDATA_SOURCE_DIR) / "docs" / "modules";
  const std::string fix = "docs/modules is out of date with the module registry; regenerate it from the source "
                          "folder with:\n  build/logidata modules --markdown docs/modules\n(build/ = your build folder) "
                          "and commit the result. Problem: ";
  std::set<std::string> generated;
  for (const MarkdownPage& page : RenderModuleDocs(BuiltinModules().All())) {
    SCOPED_TRACE(page.file_name);
    generated.insert(page.file_name);
    const std::filesystem::path path = dir / page.file_name;
    ASSERT_TRUE(std::filesystem::exists(path)) << fix << page.file_name << " is missing";
    EXPECT_TRUE(ReadWhole(path) == page.text) << fix << page.file_name << " differs from the generated page";
  }
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (generated.count(name) > 0) continue;
    ADD_FAILURE() << fix << name << " is not generated from any module (a removed module's page, or a hand-written "
                                    "page: put its text into the module descriptor's description)";
  }
}

TEST(ModuleDocsFolder, EveryBuiltinModuleSaysWhatItDoes) {
  for (const ModuleDescriptor* m : BuiltinModules().All()) {
    SCOPED_TRACE(m->key());
    EXPECT_FALSE(m->description.empty());
    EXPECT_FALSE(m->summary.empty());
    EXPECT_EQ(m->summary.back(), '.');
  }
}

}  // namespace
}  // namespace logidata

// docs/functions.md is generated from the function registry (summary, signature, examples), and
// every documented example is evaluated here, so the reference cannot drift from the code.
// Regenerate after changing a function's docs: LOGIDATA_UPDATE_DOCS=1 ./unit_expression
//   --gtest_filter='FunctionDocs.*'
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "expression/function_registry.h"
#include "unit/expression/expression_test_util.h"

namespace logidata::testing {
namespace {

std::string RenderFunctionDocs() {
  std::map<std::string, std::vector<const expr::FunctionInfo*>> by_category;
  std::vector<const expr::FunctionInfo*> undocumented;
  for (const auto& [name, info] : expr::FunctionRegistry::Builtin().functions()) {
    if (info.summary.empty()) undocumented.push_back(&info);
    else by_category[info.category].push_back(&info);
  }
  std::ostringstream out;
  out << "# Expression functions\n\n"
         "<!-- Generated from the function registry by test/unit/expression/function_docs_test.cc; do not edit.\n"
         "     Regenerate: LOGIDATA_UPDATE_DOCS=1 build/test/unit_expression --gtest_filter='FunctionDocs.*' -->\n\n"
         "Functions are used in expressions (`filter`, `derive`, `select` casts, data-quality rules). Names are\n"
         "case-insensitive. Unless stated otherwise a NULL argument gives NULL. Positions and lengths count\n"
         "characters (UTF-8 code points). Arguments named as constants (formats, patterns, paths, units) must\n"
         "be literals or run parameters; they are checked when the pipeline is validated, and an error names\n"
         "the function and the argument. Every example below is evaluated by the unit tests.\n\n"
         "Date arithmetic: `date_add(unit, n, d)` adds (negative `n` subtracts) and `date_diff(unit, a, b)`\n"
         "counts unit boundaries; `d + n` / `d - n` add days and `d1 - d2` gives days. There is no separate\n"
         "interval type: an interval is a unit and a count.\n";
  for (const auto& [category, functions] : by_category) {
    out << "\n## " << category << "\n";
    for (const auto* f : functions) {
      out << "\n### `" << f->signature << "`\n\n" << f->summary << "\n\n";
      out << "| Expression | Result |\n|---|---|\n";
      for (const auto& e : f->examples) {
        std::string expression = e.expression;
        std::string escaped;
        for (char c : expression) {
          if (c == '|') escaped += "\\|";
          else escaped += c;
        }
        out << "| `" << escaped << "` | " << (e.result.empty() ? "*(empty string)*" : "`" + e.result + "`") << " |\n";
      }
    }
  }
  out << "\n## Other functions\n\nDocumented in the source for now (signature only):\n\n";
  for (const auto* f : undocumented) out << "- `" << f->signature << "`\n";
  return out.str();
}

TEST(FunctionDocs, GeneratedFileIsCurrent) {
  const std::string path = std::string(LOGIDATA_SOURCE_DIR) + "/docs/functions.md";
  const std::string expected = RenderFunctionDocs();
  if (std::getenv("LOGIDATA_UPDATE_DOCS") != nullptr) {
    std::ofstream(path) << expected;
  }
  std::ifstream in(path);
  std::stringstream actual;
  actual << in.rdbuf();
  EXPECT_EQ(actual.str(), expected) << "docs/functions.md is stale; regenerate it (see the header of this test)";
}

TEST(FunctionDocs, EveryExampleEvaluatesAsDocumented) {
  int documented = 0;
  for (const auto& [name, info] : expr::FunctionRegistry::Builtin().functions()) {
    if (info.summary.empty()) continue;
    ++documented;
    EXPECT_FALSE(info.examples.empty()) << name << " has a summary but no example";
    EXPECT_FALSE(info.category.empty()) << name << " has no docs category";
    for (const auto& e : info.examples) {
      SCOPED_TRACE(name + ": " + e.expression);
      std::string all = EvalText(e.expression);
      std::string first = all.substr(0, all.find('|'));
      EXPECT_EQ(first, e.result);
    }
  }
  EXPECT_GE(documented, 18);
}

}  // namespace
}  // namespace logidata::testing

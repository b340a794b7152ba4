// `logidata modules --markdown DIR` run as a user runs it: writes every generated page, rewrites
// only what changed, removes generated pages of modules that no longer exist and leaves files it
// did not generate alone.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "module/builtin_modules.h"
#include "module/module_docs.h"

namespace logidata {
namespace {

namespace fs = std::filesystem;

std::string ReadWhole(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs the binary; returns its exit code and fills `out` with stdout and stderr.
int RunModulesMarkdown(const fs::path& dir, std::string& out) {
  const fs::path log = dir.parent_path() / "modules.log";
  const std::string cmd = std::string(LOGIDATA_BINARY_DIR) + "/logidata modules --markdown '" + dir.string() +
                          "' > '" + log.string() + "' 2>&1";
  int rc = std::system(cmd.c_str());
  out = ReadWhole(log);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

TEST(ModulesMarkdown, WritesEveryPageAndRemovesOnlyStaleGeneratedOnes) {
  const fs::path root = fs::temp_directory_path() / ("ld-modules-md-" + std::to_string(::getpid()));
  fs::remove_all(root);
  const fs::path dir = root / "modules";
  fs::create_directories(dir);
  std::ofstream(dir / "extract.gone.md") << kGeneratedModuleDocMarker << "\n\n# extract.gone\n";
  std::ofstream(dir / "notes.md") << "# Written by hand\n";
  std::ofstream(dir / "README.md") << kGeneratedModuleDocMarker << "\n\nold index\n";

  const std::vector<MarkdownPage> pages = RenderModuleDocs(BuiltinModules().All());
  struct Step {
    std::string name;
    std::string expect_in_output;
  };
  const std::vector<Step> steps = {
      {"first run writes all and removes the stale page",
       std::to_string(pages.size()) + " pages, " + std::to_string(pages.size()) + " written, 1 stale pages removed"},
      {"second run changes nothing", std::to_string(pages.size()) + " pages, 0 written, 0 stale pages removed"},
  };
  for (const Step& step : steps) {
    SCOPED_TRACE(step.name);
    std::string out;
    ASSERT_EQ(RunModulesMarkdown(dir, out), 0) << out;
    EXPECT_NE(out.find(step.expect_in_output), std::string::npos) << out;
    for (const MarkdownPage& page : pages) {
      EXPECT_EQ(ReadWhole(dir / page.file_name), page.text) << page.file_name;
    }
    EXPECT_FALSE(fs::exists(dir / "extract.gone.md"));
    EXPECT_EQ(ReadWhole(dir / "notes.md"), "# Written by hand\n");
  }
  std::string out;
  const std::string bad = std::string(LOGIDATA_BINARY_DIR) + "/logidata modules --markdown x --json > /dev/null 2>&1";
  EXPECT_NE(std::system(bad.c_str()), 0) << "--markdown and --json together are a usage error";
  if (!HasFailure()) fs::remove_all(root);
}

}  // namespace
}  // namespace logidata

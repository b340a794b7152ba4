// `logidata modules [--json | --markdown DIR]`: the module catalogue with config schemas, as a
// table, as JSON, or as the Markdown pages of docs/modules (one per module plus README.md).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "cli/commands.h"
#include "cli/table_printer.h"
#include "module/builtin_modules.h"
#include "module/module_docs.h"

namespace logidata::cli {
namespace {

namespace fs = std::filesystem;

std::string ReadWhole(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Writes the pages that changed and deletes generated pages of modules that no longer exist.
// Files without the generated marker (a README someone wrote by hand) are left alone.
int WriteMarkdown(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    std::cerr << dir << ": cannot create the folder: " << ec.message() << "\n";
    return kExitUsage;
  }
  const std::vector<MarkdownPage> pages = RenderModuleDocs(BuiltinModules().All());
  std::set<std::string> names;
  int changed = 0, removed = 0;
  for (const MarkdownPage& page : pages) {
    names.insert(page.file_name);
    const fs::path path = fs::path(dir) / page.file_name;
    if (fs::exists(path) && ReadWhole(path) == page.text) continue;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << page.text;
    out.close();
    if (!out) {
      std::cerr << path.string() << ": cannot write\n";
      return kExitFailed;
    }
    ++changed;
  }
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    const fs::path& path = entry.path();
    if (!entry.is_regular_file() || path.extension() != ".md" || names.count(path.filename().string()) > 0) continue;
    if (!IsGeneratedModuleDoc(ReadWhole(path))) continue;
    fs::remove(path, ec);
    if (ec) {
      std::cerr << path.string() << ": cannot remove the stale page: " << ec.message() << "\n";
      return kExitFailed;
    }
    ++removed;
  }
  std::cout << dir << ": " << pages.size() << " pages, " << changed << " written, " << removed
            << " stale pages removed\n";
  return kExitOk;
}

}  // namespace

void AddModulesCommand(CLI::App& app, int* exit_code) {
  auto json = std::make_shared<bool>(false);
  auto markdown_dir = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("modules", "List every module with its configuration schema");
  CLI::Option* json_flag = cmd->add_flag("--json", *json, "Print the descriptors (with JSON Schemas) as JSON");
  cmd->add_option("--markdown", *markdown_dir,
                  "Write one Markdown page per module plus README.md into DIR (docs/modules)")
      ->type_name("DIR")
      ->excludes(json_flag);
  cmd->callback([json, markdown_dir, exit_code] {
    const auto modules = BuiltinModules().All();
    if (!markdown_dir->empty()) {
      *exit_code = WriteMarkdown(*markdown_dir);
      return;
    }
    if (*json) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto* m : modules) out.push_back(m->ToJson());
      std::cout << out.dump(2) << std::endl;
    } else {
      TablePrinter table({"module", "version", "summary"});
      for (const auto* m : modules) table.AddRow({m->key(), m->version, m->summary});
      table.Print(std::cout, 90);
    }
    *exit_code = kExitOk;
  });
}

}  // namespace logidata::cli

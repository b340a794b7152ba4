// Module documentation rendered from the registry: one Markdown page per module (what it does,
// its ports, every config field read from its JSON Schema, example configs) plus an index that
// groups the modules by kind. The descriptors are the only input, so the pages in docs/modules
// cannot say anything the registry does not serve — a test compares the committed pages with
// this output. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "module/module_descriptor.h"

namespace logidata {

// First line of every generated page; `modules --markdown` only deletes stale files that carry it.
inline constexpr std::string_view kGeneratedModuleDocMarker =
    "<!-- Generated from the module registry by `logidata modules --markdown docs/modules`. Do not edit: "
    "change the module's descriptor and regenerate. -->";

struct MarkdownPage {
  std::string file_name;  // "extract.csv.md", "README.md"
  std::string text;
};

// "extract.csv.md".
std::string ModuleDocFileName(const ModuleDescriptor& module);

// One module's page.
std::string RenderModulePage(const ModuleDescriptor& module);

// README.md: every module grouped by kind (extract, transform, load), with its summary, ports and
// the connection types that modules accept.
std::string RenderModuleIndex(const std::vector<const ModuleDescriptor*>& modules);

// Every page: one per module plus README.md, in file-name order.
std::vector<MarkdownPage> RenderModuleDocs(const std::vector<const ModuleDescriptor*>& modules);

// True when `text` is a page this generator wrote (it starts with the marker).
bool IsGeneratedModuleDoc(std::string_view text);

}  // namespace logidata

#include "module/module_docs.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <sstream>

#include "module/connection_types.h"

namespace logidata {
namespace {

using nlohmann::json;

// A table cell holds one line: pipes would end the cell and newlines the row.
std::string Cell(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      // A blank line between paragraphs becomes one break, a single newline a space.
      if (i + 1 < text.size() && text[i + 1] == '\n') {
        out += "<br>";
        while (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      } else {
        out += ' ';
      }
    } else {
      out += c;
    }
  }
  return out;
}

// `value` as written in a config: strings bare, everything else as compact JSON.
std::string Code(const json& value) {
  std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  if (value.is_string() && text.empty()) text = "\"\"";
  // A backtick inside would close the code span; a double-backtick span holds it.
  if (text.find('`') != std::string::npos) return "`` " + text + " ``";
  return "`" + text + "`";
}

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += sep;
    out += parts[i];
  }
  return out;
}

std::vector<std::string> NonEmpty(std::vector<std::string> parts) {
  parts.erase(std::remove(parts.begin(), parts.end(), std::string()), parts.end());
  return parts;
}

std::string CodeList(const json& values, std::string_view sep = ", ") {
  std::vector<std::string> parts;
  for (const auto& v : values) parts.push_back(Code(v));
  return Join(parts, sep);
}

std::vector<std::string> TypeNames(const json& schema) {
  std::vector<std::string> names;
  auto type = schema.find("type");
  if (type == schema.end()) return names;
  if (type->is_string()) names.push_back(type->get<std::string>());
  if (type->is_array()) {
    for (const auto& t : *type) {
      if (t.is_string()) names.push_back(t.get<std::string>());
    }
  }
  return names;
}

// "string", "integer or string", "array of object", "object of string" (a map),
// "string (expression)".
std::string TypeText(const json& schema) {
  if (auto c = schema.find("const"); c != schema.end()) return "constant " + Code(*c);
  if (auto one = schema.find("oneOf"); one != schema.end() && one->is_array() && TypeNames(schema).empty()) {
    std::vector<std::string> alternatives;
    for (const auto& branch : *one) {
      if (!branch.is_object() || branch.contains("properties")) continue;
      std::string t = TypeText(branch);
      if (auto e = branch.find("enum"); e != branch.end()) t = CodeList(*e, " or ");
      if (!t.empty()) alternatives.push_back(t);
    }
    if (!alternatives.empty()) return Join(alternatives, " or ");
  }
  std::vector<std::string> names = TypeNames(schema);
  std::vector<std::string> parts;
  for (const std::string& name : names) {
    std::string t = name;
    if (name == "array") {
      if (auto items = schema.find("items"); items != schema.end() && items->is_object()) {
        std::string inner = TypeText(*items);
        if (!inner.empty()) t += " of " + inner;
      }
    } else if (name == "object") {
      auto extra = schema.find("additionalProperties");
      if (!schema.contains("properties") && extra != schema.end() && extra->is_object()) {
        std::string inner = TypeText(*extra);
        if (!inner.empty()) t += " of " + inner;
      }
    } else if (auto format = schema.find("format"); format != schema.end() && format->is_string()) {
      t += " (" + format->get<std::string>() + ")";
    }
    parts.push_back(t);
  }
  if (parts.empty() && schema.contains("enum")) return "enum";
  return Join(parts, " or ");
}

// Limits worth telling a user: ranges, lengths, item counts, patterns.
std::string Constraints(const json& schema) {
  std::vector<std::string> parts;
  auto add = [&](const char* key, const char* text) {
    if (auto v = schema.find(key); v != schema.end() && v->is_number()) parts.push_back(text + v->dump());
  };
  add("minimum", "≥ ");
  add("exclusiveMinimum", "> ");
  add("maximum", "≤ ");
  add("exclusiveMaximum", "< ");
  add("minLength", "at least characters: ");
  add("maxLength", "at most characters: ");
  add("minItems", "at least items: ");
  add("maxItems", "at most items: ");
  if (auto p = schema.find("pattern"); p != schema.end() && p->is_string()) parts.push_back("matches " + Code(*p));
  // minLength 1 is the usual "not empty"; say it that way.
  for (auto& p : parts) {
    if (p == "at least characters: 1") p = "not empty";
  }
  return Join(parts, "; ");
}

std::string Describe(const json& schema) {
  std::vector<std::string> parts;
  std::string title = schema.value("title", "");
  std::string description = schema.value("description", "");
  if (!title.empty()) parts.push_back("**" + title + ".**");
  if (!description.empty()) parts.push_back(description);
  if (auto e = schema.find("enum"); e != schema.end() && e->is_array()) {
    parts.push_back("One of " + CodeList(*e) + ".");
  }
  if (std::string limits = Constraints(schema); !limits.empty()) parts.push_back("Limits: " + limits + ".");
  if (auto ex = schema.find("examples"); ex != schema.end() && ex->is_array() && !ex->empty()) {
    parts.push_back("Example" + std::string(ex->size() > 1 ? "s" : "") + ": " + CodeList(*ex) + ".");
  }
  return Cell(Join(parts, " "));
}

struct FieldRow {
  std::string path;
  std::string type;
  bool required = false;
  std::string default_value;
  std::string description;
};

void CollectFields(const json& object_schema, const std::string& prefix, const std::string& note,
                   std::vector<FieldRow>& rows);

// Rows for one field, then for what nests inside it (object properties, array items).
void CollectField(const std::string& path, const json& schema, bool required, const std::string& note,
                  std::vector<FieldRow>& rows) {
  FieldRow row;
  row.path = path;
  row.type = TypeText(schema);
  row.required = required;
  if (auto d = schema.find("default"); d != schema.end()) row.default_value = Code(*d);
  row.description = Join(NonEmpty({note, Describe(schema)}), " ");
  rows.push_back(std::move(row));

  const json* nested = &schema;
  std::string nested_path = path;
  if (auto items = schema.find("items"); items != schema.end() && items->is_object()) {
    nested = &*items;
    nested_path += "[]";
  }
  if (nested->contains("properties")) CollectFields(*nested, nested_path + ".", note, rows);
  // Tagged variants ({"op": "trim", …}): one group of rows per variant, named by its constant.
  if (auto one = nested->find("oneOf"); one != nested->end() && one->is_array()) {
    for (const auto& branch : *one) {
      if (!branch.is_object() || !branch.contains("properties")) continue;
      std::string tag;
      for (const auto& item : branch["properties"].items()) {
        if (item.value().contains("const")) tag = "`" + item.key() + "` = " + Code(item.value()["const"]);
      }
      std::string variant_note = tag.empty() ? "" : "(" + tag + ")";
      FieldRow header;
      header.path = nested_path;
      header.type = "object";
      header.description = Join(NonEmpty({variant_note, Describe(branch)}), " ");
      rows.push_back(std::move(header));
      CollectFields(branch, nested_path + ".", variant_note, rows);
    }
  }
}

void CollectFields(const json& object_schema, const std::string& prefix, const std::string& note,
                   std::vector<FieldRow>& rows) {
  auto properties = object_schema.find("properties");
  if (properties == object_schema.end() || !properties->is_object()) return;
  std::set<std::string> required;
  if (auto r = object_schema.find("required"); r != object_schema.end() && r->is_array()) {
    for (const auto& name : *r) {
      if (name.is_string()) required.insert(name.get<std::string>());
    }
  }
  // Keep the order the module wrote its properties in when the JSON library kept it; it sorts
  // keys, so the order is alphabetical — stable, which is what a generated file needs.
  for (const auto& item : properties->items()) {
    const json& prop = item.value();
    if (!prop.is_object() || prop.contains("const")) continue;  // a variant's tag is its header
    CollectField(prefix + item.key(), prop, required.count(item.key()) > 0, note, rows);
  }
}

// "Give exactly one of `columns` or `exclude`." from a top-level oneOf of required lists.
std::string AlternativesSentence(const json& schema) {
  auto one = schema.find("oneOf");
  if (one == schema.end() || !one->is_array()) return "";
  std::vector<std::string> choices;
  for (const auto& branch : *one) {
    if (!branch.is_object() || !branch.contains("required") || branch.contains("properties")) return "";
    std::vector<std::string> names;
    for (const auto& n : branch["required"]) names.push_back(Code(n));
    choices.push_back(Join(names, " and "));
  }
  if (choices.empty()) return "";
  return "Give exactly one of " + Join(choices, " or ") + ".";
}

void WritePorts(std::ostringstream& out, const ModuleDescriptor& m) {
  out << "## Ports\n\n";
  if (m.inputs.empty() && m.outputs.empty()) {
    out << "None.\n\n";
    return;
  }
  out << "| Direction | Port | Description |\n|---|---|---|\n";
  for (const PortSpec& p : m.inputs) {
    out << "| input | `" << p.name << "`" << (p.variadic ? " (any number of edges)" : "") << " | "
        << Cell(p.description) << " |\n";
  }
  for (const PortSpec& p : m.outputs) {
    out << "| output | `" << p.name << "` | " << Cell(p.description) << " |\n";
  }
  out << "\n";
}

void WriteConfig(std::ostringstream& out, const ModuleDescriptor& m) {
  const json& schema = m.config_schema;
  out << "## Configuration\n\n";
  if (std::string d = schema.value("description", ""); !d.empty()) out << d << "\n\n";
  if (std::string alt = AlternativesSentence(schema); !alt.empty()) out << alt << "\n\n";
  std::vector<FieldRow> rows;
  CollectFields(schema, "", "", rows);
  if (rows.empty()) {
    out << "No options.\n\n";
    return;
  }
  if (schema.value("additionalProperties", json(true)) == json(false)) {
    out << "Fields not listed here are errors.\n\n";
  }
  out << "| Field | Type | Required | Default | Description |\n|---|---|---|---|---|\n";
  for (const FieldRow& r : rows) {
    out << "| `" << r.path << "` | " << Cell(r.type) << " | " << (r.required ? "yes" : "") << " | "
        << Cell(r.default_value) << " | " << r.description << " |\n";
  }
  out << "\n";
}

void WriteExamples(std::ostringstream& out, const ModuleDescriptor& m) {
  auto examples = m.config_schema.find("examples");
  if (examples == m.config_schema.end() || !examples->is_array() || examples->empty()) return;
  out << "## Example" << (examples->size() > 1 ? "s" : "") << "\n\n";
  for (const auto& example : *examples) {
    out << "```json\n" << json{{"module", m.key()}, {"config", example}}.dump(2) << "\n```\n\n";
  }
}

std::string ConnectionTypesText(const ModuleDescriptor& m) {
  std::vector<std::string> names;
  for (const std::string& t : m.connection_types) names.push_back("`" + t + "`");
  return Join(names, ", ");
}

std::string PortsText(const std::vector<PortSpec>& ports) {
  std::vector<std::string> names;
  for (const PortSpec& p : ports) names.push_back(p.name + (p.variadic ? "*" : ""));
  return names.empty() ? "—" : Join(names, ", ");
}

}  // namespace

std::string ModuleDocFileName(const ModuleDescriptor& module) { return module.key() + ".md"; }

std::string RenderModulePage(const ModuleDescriptor& m) {
  std::ostringstream out;
  out << kGeneratedModuleDocMarker << "\n\n";
  out << "# " << m.key() << "\n\n" << m.summary << "\n\n";
  out << "| | |\n|---|---|\n";
  out << "| Kind | " << ModuleKindName(m.kind) << " |\n";
  out << "| Version | " << m.version << " |\n";
  if (!m.category.empty()) out << "| Palette group | " << m.category << " |\n";
  if (std::string types = ConnectionTypesText(m); !types.empty()) {
    out << "| Connection types | " << types << " |\n";
  }
  out << "\n";
  if (!m.description.empty()) out << m.description << "\n\n";
  WritePorts(out, m);
  WriteConfig(out, m);
  WriteExamples(out, m);
  out << "[All modules](README.md)\n";
  return out.str();
}

std::string RenderModuleIndex(const std::vector<const ModuleDescriptor*>& modules) {
  std::ostringstream out;
  out << kGeneratedModuleDocMarker << "\n\n";
  out << "# Modules\n\n"
      << "Every extractor, transformer and loader, with its ports and every option of its config. "
         "These pages are generated from the same descriptors the API serves (`GET /api/v1/modules`, "
         "`logidata modules --json`) and the editor builds its forms from, so they say exactly what the "
         "engine accepts. How nodes, edges, parameters and loads fit together: "
         "[pipeline format](../pipeline-format.md).\n\n";
  for (ModuleKind kind : {ModuleKind::kExtract, ModuleKind::kTransform, ModuleKind::kLoad}) {
    std::string name(ModuleKindName(kind));
    name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
    out << "## " << name << "\n\n| Module | Summary | Inputs → outputs |\n|---|---|---|\n";
    for (const ModuleDescriptor* m : modules) {
      if (m->kind != kind) continue;
      out << "| [" << m->key() << "](" << ModuleDocFileName(*m) << ") | " << Cell(m->summary) << " | "
          << PortsText(m->inputs) << " → " << PortsText(m->outputs) << " |\n";
    }
    out << "\n";
  }
  out << "`*`: a port that takes any number of edges.\n\n";

  // type → modules, so a user can see what a connection of each type is good for.
  out << "## Connection types\n\n"
      << "Connectors name a connection (`\"connection\": \"warehouse\"`) whose definition — type, host, port, "
         "database, user, secret, options — lives outside the pipeline: in the metadata store on the server "
         "(Connections page, `/api/v1/connections`), in a connections file for the CLI "
         "([deployment](../deployment.md#cli-connections)). The server accepts exactly these types; a "
         "connection's options are described on the pages of the modules that use it.\n\n"
      << "| Type | Also written | Used by |\n|---|---|---|\n";
  for (const ConnectionTypeInfo& info : ConnectionTypeCatalog(modules)) {
    std::vector<std::string> aliases, users;
    for (const std::string& a : info.aliases) aliases.push_back("`" + a + "`");
    for (const std::string& key : info.modules) users.push_back("[" + key + "](" + key + ".md)");
    std::string used_by = Join(users, ", ");
    if (info.type == kSecretConnectionType && used_by.empty()) {
      used_by = "transforms that read a named key or secret value (no connector)";
    }
    out << "| `" << info.type << "` | " << Join(aliases, ", ") << " | " << used_by << " |\n";
  }
  out << "\n";
  return out.str();
}

std::vector<MarkdownPage> RenderModuleDocs(const std::vector<const ModuleDescriptor*>& modules) {
  std::vector<MarkdownPage> pages;
  pages.push_back({"README.md", RenderModuleIndex(modules)});
  for (const ModuleDescriptor* m : modules) pages.push_back({ModuleDocFileName(*m), RenderModulePage(*m)});
  std::sort(pages.begin(), pages.end(),
            [](const MarkdownPage& a, const MarkdownPage& b) { return a.file_name < b.file_name; });
  return pages;
}

bool IsGeneratedModuleDoc(std::string_view text) { return text.substr(0, kGeneratedModuleDocMarker.size()) == kGeneratedModuleDocMarker; }

}  // namespace logidata

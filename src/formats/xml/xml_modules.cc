#include "formats/xml/xml_modules.h"

#include "formats/json/record_extract_operator.h"
#include "formats/xml/xml_reader.h"
#include "module/file_module_schema.h"

namespace logidata {

namespace {

Result<std::unique_ptr<Operator>> MakeXmlExtractOperator(const BindContext& ctx) {
  const nlohmann::json& cfg = FileModuleConfig(ctx);
  std::string text = cfg.value("record_path", std::string());
  auto record_path = ParseXmlRecordPath(text);
  if (!record_path) {
    return ConfigError("/record_path", "'" + text + "' is not a path such as /orders/order or //order");
  }
  return MakeRecordExtractOperator(ctx, BindRecordReader(ReadXmlRecords, std::move(*record_path)));
}

constexpr const char* kXmlExtractDetails = R"md(`record_path`: `/orders/order` from the root, `//order` anywhere, `//archive/order` any `order` whose parent is `archive`; namespace prefixes are ignored. The file is streamed through expat (in 16 MiB slices), so big files need no DOM. Child elements hold their trimmed text; an empty child (`<note/>`) is an empty value (NULL for typed columns); a repeated child keeps its last value. Elements matching inside a record are not records of their own. Type inference and `columns` work as for [extract.json](extract.json.md), except that XML text may become any type. Malformed XML fails with `file:line:column: malformed XML: mismatched tag`.

```json
{"id": "orders", "module": "extract.xml",
 "config": {"path": "feed.xml", "record_path": "/shop/orders/order", "columns": {"total": "decimal(10,2)"}}}
```)md";

ModuleDescriptor XmlExtractModule() {
  ModuleDescriptor d = FileModuleDescriptor(ModuleKind::kExtract, "xml", "file-xml",
                                            "Reads repeated records from XML files.", "One row per matched element.");
  d.description =
      "Streams an XML file, a glob or a folder and reads each element matched by `record_path` (`/orders/order` "
      "from the root, `//order` anywhere) as one row. The element's attributes become columns (`@id` → `id`), "
      "child elements columns by their path (`customer.name`), child attributes `child.attr`, and the element's "
      "own text `text`. Column types are inferred like for JSON; set `columns` to choose.";
  nlohmann::json props = nlohmann::json::object();
  props["path"] = FilePathProperty("A file, a glob such as data/*.xml, or a folder.");
  props["record_path"] = SchemaProperty("string", "Record path", "The repeated element: /orders/order from the root, or //order anywhere.");
  props["record_path"]["minLength"] = 2;
  AddTypeSamplingProperties(props, "records", kRecordColumnTypeNames);
  d.config_schema = FileModuleConfigSchema("XML extract", std::move(props), {"path", "record_path"});
  d.factory = MakeXmlExtractOperator;
  d.description += "\n\n";
  d.description += kXmlExtractDetails;
  return d;
}

}  // namespace

Status RegisterXmlModules(ModuleRegistry& registry) { return registry.Register(XmlExtractModule()); }

}  // namespace logidata

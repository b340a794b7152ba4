#include "formats/xml/xml_modules.h"

#include "formats/json/record_extract_operator.h"
#include "formats/xml/xml_load_operator.h"
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

constexpr const char* kXmlLoadDetails = R"md(**Shape.** `<?xml version="1.0" encoding="UTF-8"?>`, the root element, then one row element per line. Every column is a child element named by its column name; dotted names nest (`customer.address.city` → `<customer><address><city>Oslo</city></address></customer>`), and columns sharing a prefix share one element, placed where the first of them is. A column that would be both a value and a parent (`customer` beside `customer.name`), or a name part that is not an XML element name (`order id`, `2nd`, `a:b`, `xmlFoo`), fails the bind naming the column: rename it first (transform.rename). `root_element` and `row_element` are checked the same way.

**Values.** Integers and decimals exactly (`-12.50`), doubles as the shortest text that reads back (`NaN`, `INF`, `-INF` as in xs:double), `true`/`false`, dates `2024-01-02`, timestamps `2024-01-02T03:04:05[.ffffff]` (plus `Z` when zoned), binary as hex (xs:hexBinary). Text is escaped: `&` `<` `>` `"` `'` become `&amp;` `&lt;` `&gt;` `&quot;` `&apos;`, and CR becomes `&#13;` so it reads back as CR rather than LF.

**Characters XML 1.0 cannot hold** — control characters other than tab, LF and CR, U+FFFE, U+FFFF and bytes that are not UTF-8 — fail the run naming the row, column and byte (`invalid_characters: fail`, the default), or are each replaced by U+FFFD (`replace`).

**Nulls.** `nulls: omit` (default) leaves the element out, and a parent whose values are all null too; a row of nulls is an empty row element. `nil` writes `<name xsi:nil="true"/>` and declares `xmlns:xsi` on the root.

**Publishing.** The file is streamed (about 1 MiB is held before it is written) and published atomically: a failed or cancelled run leaves the target as it was. On S3, use [load.s3](load.s3.md) with `format: xml`. Output reads back through [extract.xml](extract.xml.md) with `record_path` `/rows/row`.

```json
{"id": "orders_xml", "module": "load.xml",
 "config": {"path": "out/orders.xml", "root_element": "orders", "row_element": "order", "nulls": "nil"}}
```)md";

ModuleDescriptor XmlLoadModule() {
  ModuleDescriptor d = FileModuleDescriptor(ModuleKind::kLoad, "xml", "file-xml", "Writes rows to an XML file.",
                                            "The rows to write.");
  d.description =
      "Writes one element per row inside a root element; columns become child elements, and dotted column names "
      "nest (`customer.address.city`). Text is escaped, nulls are left out or written as xsi:nil, and the file "
      "appears only when the run succeeds.";
  nlohmann::json props = nlohmann::json::object();
  props["path"] = FilePathProperty("The output file.");
  props["root_element"] = SchemaProperty("string", "Root element", "Name of the document's root element.");
  props["root_element"]["default"] = "rows";
  props["root_element"]["minLength"] = 1;
  props["row_element"] = SchemaProperty("string", "Row element", "Name of the element written for each row.");
  props["row_element"]["default"] = "row";
  props["row_element"]["minLength"] = 1;
  props["nulls"] = SchemaProperty("string", "Nulls", "omit: leave the element out; nil: write it with xsi:nil=\"true\".");
  props["nulls"]["enum"] = {"omit", "nil"};
  props["nulls"]["default"] = "omit";
  props["invalid_characters"] = SchemaProperty("string", "Invalid characters",
                                               "Characters XML 1.0 cannot hold (control characters, invalid UTF-8): fail the run, or replace each with U+FFFD.");
  props["invalid_characters"]["enum"] = {"fail", "replace"};
  props["invalid_characters"]["default"] = "fail";
  d.config_schema = FileModuleConfigSchema("XML load", std::move(props));
  d.factory = MakeXmlLoadOperator;
  d.description += "\n\n";
  d.description += kXmlLoadDetails;
  return d;
}

}  // namespace

Status RegisterXmlModules(ModuleRegistry& registry) {
  LD_RETURN_IF_ERROR(registry.Register(XmlExtractModule()));
  return registry.Register(XmlLoadModule());
}

}  // namespace logidata

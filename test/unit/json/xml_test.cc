// extract.xml: record paths, attributes and nested children as columns, type inference,
// overrides, sampling, and malformed input with line:column.
#include "format_test_util.h"

namespace logidata::testing {
namespace {

using Table = std::vector<std::vector<std::string>>;

const char* kOrders = R"(<?xml version="1.0" encoding="UTF-8"?>
<shop>
  <orders>
    <order id="1" paid="true">
      <customer><name>Ann &amp; Co</name><city>Oslo</city></customer>
      <total currency="EUR">12.50</total>
      <placed>2024-01-02</placed>
    </order>
    <order id="2" paid="false">
      <customer><name>Bo</name></customer>
      <total currency="USD">7</total>
      <placed>2024-02-03T10:00:00</placed>
      <note/>
    </order>
  </orders>
  <archive><order id="3"><total>1</total></order></archive>
</shop>
)";

struct XmlCase {
  std::string name;
  std::string content;
  nlohmann::json config;  // merged over {"path": <file>}
  std::string schema;
  Table rows;
};

class XmlExtractTest : public ::testing::TestWithParam<XmlCase> {};

TEST_P(XmlExtractTest, ReadsRecords) {
  const XmlCase& c = GetParam();
  SCOPED_TRACE(c.name);
  nlohmann::json config = c.config;
  config["path"] = WriteFile(TempDir("xml-extract"), "in.xml", c.content);
  ExtractResult r = RunExtract("extract.xml", config);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.schema->ToString(), ParseSchemaSpec(c.schema)->ToString());
  EXPECT_EQ(Rows(r.batches), c.rows);
}

INSTANTIATE_TEST_SUITE_P(
    Options, XmlExtractTest,
    ::testing::Values(
        XmlCase{"absolute_path", kOrders, {{"record_path", "/shop/orders/order"}},
                "id:int64, paid:bool, customer.name:string, customer.city:string, total.currency:string, "
                "total:float64, placed:timestamp, note:string",
                {{"1", "true", "Ann & Co", "Oslo", "EUR", "12.5", "2024-01-02 00:00:00", "NULL"},
                 {"2", "false", "Bo", "NULL", "USD", "7", "2024-02-03 10:00:00", ""}}},
        XmlCase{"anywhere_path", kOrders, {{"record_path", "//order"}, {"columns", {{"total", "decimal(6,2)"}}}},
                "id:int64, paid:bool, customer.name:string, customer.city:string, total.currency:string, "
                "total:decimal(6,2), placed:timestamp, note:string",
                {{"1", "true", "Ann & Co", "Oslo", "EUR", "12.50", "2024-01-02 00:00:00", "NULL"},
                 {"2", "false", "Bo", "NULL", "USD", "7.00", "2024-02-03 10:00:00", ""},
                 {"3", "NULL", "NULL", "NULL", "NULL", "1.00", "NULL", "NULL"}}},
        XmlCase{"anywhere_with_parent", kOrders, {{"record_path", "//archive/order"}},
                "id:int64, total:int64", {{"3", "1"}}},
        XmlCase{"namespaces_and_own_text",
                "<a:root xmlns:a=\"urn:x\"><a:item a:k=\"x\">hello <b>1</b></a:item><a:item>  </a:item></a:root>",
                {{"record_path", "/root/item"}},
                "k:string, b:int64, text:string",
                {{"x", "1", "hello"}, {"NULL", "NULL", "NULL"}}},
        XmlCase{"cdata_and_dates", "<r><e><d>2024-05-06</d><s><![CDATA[<x>]]></s></e></r>",
                {{"record_path", "/r/e"}},
                "d:date, s:string", {{"2024-05-06", "<x>"}}}),
    [](const auto& info) { return info.param.name; });

struct XmlErrorCase {
  std::string name;
  std::string content;
  nlohmann::json config;
  std::string expected;  // with {file}
};

class XmlErrorTest : public ::testing::TestWithParam<XmlErrorCase> {};

TEST_P(XmlErrorTest, FailsNamingPlaceAndReason) {
  const XmlErrorCase& c = GetParam();
  SCOPED_TRACE(c.name);
  nlohmann::json config = c.config;
  std::string path = WriteFile(TempDir("xml-error"), "bad.xml", c.content);
  config["path"] = path;
  ExtractResult r = RunExtract("extract.xml", config);
  ASSERT_FALSE(r.status.ok());
  std::string expected = c.expected;
  if (auto p = expected.find("{file}"); p != std::string::npos) expected.replace(p, 6, path);
  EXPECT_NE(r.status.ToString().find(expected), std::string::npos) << r.status.ToString();
}

INSTANTIATE_TEST_SUITE_P(
    Errors, XmlErrorTest,
    ::testing::Values(
        XmlErrorCase{"mismatched_tag", "<r>\n<e><a>1</b></e>\n</r>", {{"record_path", "/r/e"}},
                     "{file}:2:10: malformed XML: mismatched tag"},
        XmlErrorCase{"truncated", "<r><e><a>1</a></e><e>", {{"record_path", "/r/e"}}, "{file}:1:"},
        XmlErrorCase{"not_xml", "id,name\n1,a\n", {{"record_path", "/r/e"}}, "malformed XML"},
        XmlErrorCase{"latin1_without_declaration", "<r>\n<e><a>Jos\xE9</a></e>\n</r>", {{"record_path", "/r/e"}},
                     "{file}:2:10: malformed XML: invalid UTF-8: byte 0xE9; if the file is Latin-1, declare it"},
        XmlErrorCase{"relative_path", "<r/>", {{"record_path", "r/e"}}, "/record_path"},
        XmlErrorCase{"predicate_path", "<r/>", {{"record_path", "//e[@id=1]"}}, "/record_path"},
        XmlErrorCase{"trailing_slash", "<r/>", {{"record_path", "/r/"}}, "/record_path"},
        XmlErrorCase{"value_beyond_sample", "<r><e><n>1</n></e><e><n>x</n></e></r>",
                     {{"record_path", "/r/e"}, {"infer_rows", 1}}, "{file}:1: column 'n': cannot read 'x' as int64"}),
    [](const auto& info) { return info.param.name; });

TEST(XmlExtract, SamplesOnlyInferRowsButReadsAll) {
  std::string text = "<r>";
  for (int i = 0; i < 1000; ++i) text += "<e><v>" + std::to_string(i) + "</v></e>";
  text += "<e><v>1.5</v></e></r>";
  std::string path = WriteFile(TempDir("xml-sample"), "s.xml", text);
  ExtractResult narrow = RunExtract("extract.xml", {{"path", path}, {"record_path", "/r/e"}, {"infer_rows", 10}});
  ASSERT_FALSE(narrow.status.ok());  // 1.5 does not fit the int64 inferred from 10 rows
  ExtractResult wide = RunExtract("extract.xml", {{"path", path}, {"record_path", "/r/e"}});
  ASSERT_TRUE(wide.status.ok()) << wide.status.ToString();
  EXPECT_EQ(wide.schema->ToString(), ParseSchemaSpec("v:float64")->ToString());
  EXPECT_EQ(Rows(wide.batches).size(), 1001u);
}

}  // namespace
}  // namespace logidata::testing

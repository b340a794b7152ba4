// load.xml: nesting from dotted names, escaping, values, nulls (omit / xsi:nil), names checked,
// characters XML cannot hold, atomic publish, a check by xmllint (libxml2) and a round trip
// through extract.xml.
#include <cstdio>
#include <filesystem>

#include "format_test_util.h"

namespace logidata::testing {
namespace {

std::string Declaration(const std::string& root_attrs = "") {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rows" + root_attrs + ">\n";
}

// Runs a command; its stdout, or "<exit N>" when it fails.
std::string Command(const std::string& command) {
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return "<popen failed>";
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int rc = pclose(p);
  return rc == 0 ? out : "<exit " + std::to_string(rc) + ">" + out;
}

TEST(XmlLoad, DottedColumnsNestAndSharePrefixes) {
  std::string path = TempDir("xml-load") + "/out.xml";
  // customer.* columns are not adjacent: they still share one <customer>, placed where the first is.
  auto batch = MakeBatch("id:int64, customer.name:string, amount:decimal(10,2), customer.address.city:string, customer.address.zip:string",
                         {{"1", "Ann", "12.50", "Oslo", "0150"}, {"2", "Bob", "-3.00", "NULL", "NULL"}, {"3", "NULL", "NULL", "NULL", "NULL"}});
  Status st = RunLoad("load.xml", {{"path", path}, {"root_element", "orders"}, {"row_element", "order"}}, {batch});
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(ReadFileText(path),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<orders>\n"
            "<order><id>1</id><customer><name>Ann</name><address><city>Oslo</city><zip>0150</zip></address></customer>"
            "<amount>12.50</amount></order>\n"
            "<order><id>2</id><customer><name>Bob</name></customer><amount>-3.00</amount></order>\n"
            "<order><id>3</id></order>\n"
            "</orders>\n");
}

TEST(XmlLoad, NilNullsAreDeclaredAndKeepParents) {
  std::string path = TempDir("xml-nil") + "/out.xml";
  auto batch = MakeBatch("a:int64, c.d:string", {{"NULL", "NULL"}});
  ASSERT_TRUE(RunLoad("load.xml", {{"path", path}, {"nulls", "nil"}}, {batch}).ok());
  EXPECT_EQ(ReadFileText(path), Declaration(" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"") +
                                    "<row><a xsi:nil=\"true\"/><c><d xsi:nil=\"true\"/></c></row>\n</rows>\n");
  // Omitted, a row of nulls is still one (empty) row.
  ASSERT_TRUE(RunLoad("load.xml", {{"path", path}}, {batch}).ok());
  EXPECT_EQ(ReadFileText(path), Declaration() + "<row/>\n</rows>\n");
  // No rows: an empty root.
  ASSERT_TRUE(RunLoad("load.xml", {{"path", path}}, {MakeBatch("a:int64", {})}).ok());
  EXPECT_EQ(ReadFileText(path), Declaration() + "</rows>\n");
}

TEST(XmlLoad, ValuesAreEscapedAndExact) {
  std::string path = TempDir("xml-values") + "/out.xml";
  auto batch = MakeBatch("s:string, f:float64, b:bool, d:date, t:timestamp, i:int32",
                         {{"<a href=\"x\">R&D's</a>\r\n", "0.1", "true", "2024-02-29", "2024-01-02 03:04:05.25", "-7"},
                          {"", "1e+300", "false", "1970-01-01", "2000-01-01 00:00:00", "0"}});
  ASSERT_TRUE(RunLoad("load.xml", {{"path", path}}, {batch}).ok());
  EXPECT_EQ(ReadFileText(path),
            Declaration() +
                "<row><s>&lt;a href=&quot;x&quot;&gt;R&amp;D&apos;s&lt;/a&gt;&#13;\n</s><f>0.1</f><b>true</b><d>2024-02-29</d>"
                "<t>2024-01-02T03:04:05.250000</t><i>-7</i></row>\n"
                "<row><s></s><f>1e+300</f><b>false</b><d>1970-01-01</d><t>2000-01-01T00:00:00</t><i>0</i></row>\n</rows>\n");
}

TEST(XmlLoad, NamesThatAreNotXmlNamesFailTheBind) {
  auto batch = MakeBatch("x:int64", {{"1"}});
  struct Case {
    nlohmann::json config;
    std::string expected;
  };
  for (const Case& c : std::vector<Case>{{{{"row_element", "my row"}}, "/row_element"},
                                         {{{"root_element", "xmlRows"}}, "/root_element"},
                                         {{{"row_element", "a:b"}}, "/row_element"},
                                         {{{"nulls", "empty"}}, "/nulls"},
                                         {{{"invalid_characters", "drop"}}, "/invalid_characters"}}) {
    nlohmann::json config = c.config;
    config["path"] = TempDir("xml-names") + "/out.xml";
    Status st = RunLoad("load.xml", config, {batch});
    ASSERT_FALSE(st.ok()) << config.dump();
    EXPECT_NE(st.ToString().find(c.expected), std::string::npos) << st.ToString();
  }
  const std::string path = TempDir("xml-columns") + "/out.xml";
  for (const auto& [schema, expected] : std::vector<std::pair<std::string, std::string>>{
           {"order id:int64", "column 'order id': 'order id' is not an XML element name"},
           {"a..b:int64", "column 'a..b': '' is not an XML element name"},
           {"2nd:int64", "'2nd' is not an XML element name"},
           {"c:int64, c.d:int64", "column 'c' would be both a value and the parent of column 'c.d'"},
           {"c.d:int64, c:int64", "column 'c' names the element 'c' that another column also writes"}}) {
    Status st = RunLoad("load.xml", {{"path", path}}, {MakeBatch(schema, {})});
    ASSERT_FALSE(st.ok()) << schema;
    EXPECT_NE(st.message().find(expected), std::string::npos) << st.ToString();
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(XmlLoad, ControlCharactersFailNamingRowAndColumnOrAreReplaced) {
  const std::string path = TempDir("xml-control") + "/out.xml";
  auto batch = MakeBatch("id:int64, note:string", {{"1", "fine"}, {"2", std::string("bell\x07")}});
  Status st = RunLoad("load.xml", {{"path", path}}, {batch});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kDataError);
  EXPECT_NE(st.message().find("row 2, column 'note': byte 5"), std::string::npos) << st.ToString();
  EXPECT_FALSE(std::filesystem::exists(path));  // the failed run published nothing

  ASSERT_TRUE(RunLoad("load.xml", {{"path", path}, {"invalid_characters", "replace"}}, {batch}).ok());
  EXPECT_NE(ReadFileText(path).find("<note>bell\xEF\xBF\xBD</note>"), std::string::npos) << ReadFileText(path);
}

TEST(XmlLoad, AFailedRunLeavesTheTargetAsItWas) {
  // More than the 1 MiB the writer holds, so part of the output has reached the (temporary) file
  // when the last row fails.
  const std::string dir = TempDir("xml-atomic");
  const std::string path = WriteFile(dir, "out.xml", "old");
  std::vector<std::vector<std::string>> rows;
  for (int i = 0; i < 40000; ++i) rows.push_back({std::to_string(i), std::string(40, 'x')});
  rows.push_back({"40000", "broken\x02"});
  Status st = RunLoad("load.xml", {{"path", path}}, {MakeBatch("id:int64, text:string", rows)});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(ReadFileText(path), "old");
  // Aborted (a failure elsewhere in the run): the same.
  ASSERT_TRUE(RunLoad("load.xml", {{"path", path}}, {MakeBatch("id:int64", {{"1"}})}, /*commit=*/false).ok());
  EXPECT_EQ(ReadFileText(path), "old");
  // Nothing else is left in the folder (no temporary file).
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 1u);
}

TEST(XmlLoad, XmllintAcceptsTheOutputAndReadsBackEveryValue) {
  ASSERT_EQ(Command("command -v xmllint >/dev/null && echo yes"), "yes\n")
      << "xmllint is missing: scripts/setup installs libxml2-utils";
  const std::string path = TempDir("xml-lint") + "/out.xml";
  const std::vector<std::string> texts = {"a & b", "<tag attr=\"v\">", "it's", "]]>", "tab\there", "cr\rlf\n",
                                          "Zürich 東京 🙂", "&#38; stays text", std::string("nul\0here", 8)};
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < texts.size(); ++i) rows.push_back({std::to_string(i + 1), texts[i], i % 2 ? "NULL" : "x"});
  ASSERT_TRUE(RunLoad("load.xml", {{"path", path}, {"nulls", "nil"}, {"invalid_characters", "replace"}},
                      {MakeBatch("id:int64, v.text:string, v.other:string", rows)})
                  .ok());
  EXPECT_EQ(Command("xmllint --noout '" + path + "' 2>&1"), "");
  for (size_t i = 0; i < texts.size(); ++i) {
    SCOPED_TRACE(i);
    std::string want = texts[i];
    if (i + 1 == texts.size()) want = std::string("nul\xEF\xBF\xBDhere");  // NUL was replaced
    // xmllint's XPath string() of the element (it adds a newline): what an XML parser reads back.
    EXPECT_EQ(Command("xmllint --xpath 'string(/rows/row[" + std::to_string(i + 1) + "]/v/text)' '" + path + "'"), want + "\n");
  }
  EXPECT_EQ(Command("xmllint --xpath \"count(//*[@*[local-name()='nil']='true'])\" '" + path + "' 2>&1"), "4\n");

  // And through extract.xml: same rows (the null column is omitted by default here).
  ASSERT_TRUE(RunLoad("load.xml", {{"path", path}}, {MakeBatch("id:int64, c.name:string", {{"1", "a&b"}, {"2", "<x>"}})}).ok());
  EXPECT_EQ(Command("xmllint --noout '" + path + "' 2>&1"), "");
  ExtractResult r = RunExtract("extract.xml", {{"path", path}, {"record_path", "/rows/row"}, {"columns", {{"id", "int64"}}}});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(Rows(r.batches), (std::vector<std::vector<std::string>>{{"1", "a&b"}, {"2", "<x>"}}));
}

}  // namespace
}  // namespace logidata::testing

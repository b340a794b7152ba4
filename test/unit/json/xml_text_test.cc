// XML 1.0 text for load.xml: element names and escaped character data.
#include "formats/xml/xml_text.h"

#include <gtest/gtest.h>

namespace logidata {
namespace {

std::string Escaped(std::string_view text, InvalidXmlChars policy = InvalidXmlChars::kFail) {
  std::string out;
  size_t bad = 0;
  if (!AppendXmlText(text, policy, &out, &bad)) return "<bad at " + std::to_string(bad) + ">";
  return out;
}

TEST(XmlTextTest, ElementNames) {
  for (const char* ok : {"row", "_x", "Order-Line.2", "straße", "名前", "a1", "xm", "Xm_l"}) EXPECT_TRUE(IsXmlElementName(ok)) << ok;
  for (const char* bad : {"", "1st", "-a", ".a", "a b", "a:b", "xml", "XMLdata", "xmlns", "a&b", "a<", "\xC3", "a\x01"}) {
    EXPECT_FALSE(IsXmlElementName(bad)) << bad;
  }
}

TEST(XmlTextTest, MarkupCharactersBecomeReferences) {
  EXPECT_EQ(Escaped("a & b < c > d \"e\" 'f'"), "a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;");
  EXPECT_EQ(Escaped("]]>"), "]]&gt;");
  EXPECT_EQ(Escaped("&amp;"), "&amp;amp;");  // text, not markup: escaped again
  // Tab and LF are kept; CR is a reference, since parsers turn a raw CR into LF.
  EXPECT_EQ(Escaped("a\tb\nc\r\nd"), "a\tb\nc&#13;\nd");
  EXPECT_EQ(Escaped("Zürich 東京 🙂 \x7F"), "Zürich 東京 🙂 \x7F");
}

TEST(XmlTextTest, CharactersXmlCannotHoldFailOrAreReplaced) {
  struct Case {
    std::string text;
    size_t bad_at;
    std::string replaced;
  };
  const std::vector<Case> cases = {
      {std::string("ab\0c", 4), 2, "ab\xEF\xBF\xBD" "c"},
      {"a\x01", 1, "a\xEF\xBF\xBD"},
      {"\x1F<", 0, "\xEF\xBF\xBD&lt;"},
      {"x\xEF\xBF\xBE", 1, "x\xEF\xBF\xBD"},              // U+FFFE
      {"\xED\xA0\x80", 0, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},  // a UTF-8 encoded surrogate: three bad bytes
      {"\xC0\xAF", 0, "\xEF\xBF\xBD\xEF\xBF\xBD"},              // overlong '/'
      {"ok\xC3", 2, "ok\xEF\xBF\xBD"},                         // truncated sequence
      {"\xF4\x90\x80\x80", 0, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},  // past U+10FFFF
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.text));
    EXPECT_EQ(Escaped(c.text), "<bad at " + std::to_string(c.bad_at) + ">");
    EXPECT_EQ(Escaped(c.text, InvalidXmlChars::kReplace), c.replaced);
  }
}

}  // namespace
}  // namespace logidata

#include "types/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace logidata {
namespace {

struct Utf8Case {
  const char* name;
  std::string text;
  size_t invalid_at;  // kValidUtf8 when well-formed
};

TEST(Utf8Test, FindsTheFirstIllFormedSequence) {
  const std::string ascii40(40, 'a');
  const std::vector<Utf8Case> cases = {
      {"empty", "", kValidUtf8},
      {"ascii", "plain text, 123", kValidUtf8},
      {"long ascii", ascii40 + ascii40, kValidUtf8},
      {"two-byte", "caf\xC3\xA9", kValidUtf8},
      {"three-byte", "\xE6\x97\xA5\xE6\x9C\xAC", kValidUtf8},
      {"four-byte", "\xF0\x9F\x98\x80", kValidUtf8},
      {"max code point", "\xF4\x8F\xBF\xBF", kValidUtf8},
      {"latin-1 e acute", "caf\xE9", 3},
      {"latin-1 after a long ascii run", ascii40 + "\xE9" + "x", 40},
      {"lone continuation", "a\x80", 1},
      {"overlong slash", "\xC0\xAF", 0},
      {"overlong C1", "\xC1\xBF", 0},
      {"overlong three-byte", "\xE0\x80\xAF", 0},
      {"surrogate", "x\xED\xA0\x80", 1},
      {"past U+10FFFF", "\xF4\x90\x80\x80", 0},
      {"F5 lead", "\xF5\x80\x80\x80", 0},
      {"truncated at end", "ab\xE6\x97", 2},
      {"bad continuation", "\xE6\x41\xA5", 0},
      {"valid then invalid", ascii40 + "\xC3\xA9" + ascii40 + "\xFF", 82},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(FindInvalidUtf8(c.text), c.invalid_at);
    // The same text at every alignment (the wide loop must not skip or overrun anything).
    for (size_t pad = 1; pad < 17; ++pad) {
      const std::string padded = std::string(pad, 'p') + c.text;
      EXPECT_EQ(FindInvalidUtf8(padded), c.invalid_at == kValidUtf8 ? kValidUtf8 : c.invalid_at + pad) << pad;
    }
  }
}

TEST(Utf8Test, DescribesTheBadBytes) {
  EXPECT_EQ(DescribeInvalidUtf8("caf\xE9", 3), "byte 0xE9");
  EXPECT_EQ(DescribeInvalidUtf8("\xE0\x80\xAF", 0), "bytes 0xE0 0x80 0xAF");
  EXPECT_EQ(DescribeInvalidUtf8("a\x80", 1), "byte 0x80");
}

}  // namespace
}  // namespace logidata

namespace logidata {
namespace {

// Found by the CSV fuzzer: cells ".0\xE8\x88" and "\x8A" are each ill-formed, but their
// concatenation holds the valid sequence E8 88 8A, so the column-wide check needs the end check.
TEST(Utf8Test, ReportsWhetherTheTextHasMultibyteSequences) {
  bool multibyte = true;
  EXPECT_EQ(FindInvalidUtf8(std::string(40, 'a'), &multibyte), kValidUtf8);
  EXPECT_FALSE(multibyte);
  EXPECT_EQ(FindInvalidUtf8(std::string(40, 'a') + "caf\xC3\xA9", &multibyte), kValidUtf8);
  EXPECT_TRUE(multibyte);
  EXPECT_EQ(FindInvalidUtf8("ab\xE9", &multibyte), 2u);
  EXPECT_TRUE(multibyte);
}

TEST(Utf8Test, SeesASequenceCutAtTheEndOfACell) {
  EXPECT_FALSE(EndsInsideUtf8Sequence(""));
  EXPECT_FALSE(EndsInsideUtf8Sequence("abc"));
  EXPECT_FALSE(EndsInsideUtf8Sequence("caf\xC3\xA9"));
  EXPECT_FALSE(EndsInsideUtf8Sequence("\xE8\x88\x8A"));
  EXPECT_FALSE(EndsInsideUtf8Sequence("\xF0\x9F\x98\x80"));
  EXPECT_TRUE(EndsInsideUtf8Sequence(".0\xE8\x88"));
  EXPECT_TRUE(EndsInsideUtf8Sequence("a\xC3"));
  EXPECT_TRUE(EndsInsideUtf8Sequence("\xF0\x9F\x98"));
  EXPECT_TRUE(EndsInsideUtf8Sequence("\x8A"));
  EXPECT_TRUE(EndsInsideUtf8Sequence("a\x8A"));  // a continuation byte after ASCII
  EXPECT_TRUE(IsValidUtf8(".0\xE8\x88\x8A"));      // why the end check is needed
}

}  // namespace
}  // namespace logidata

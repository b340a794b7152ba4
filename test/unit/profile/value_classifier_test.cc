#include "profile/value_classifier.h"

#include <gtest/gtest.h>

namespace logidata::profile {
namespace {

struct Case {
  std::string value;
  std::vector<SemanticKind> kinds;  // exactly these
  std::string layout;               // a layout that must fit ("" = none needed)
};

std::string KindsOf(ValueKinds k) {
  std::string out;
  for (int i = 0; i < kSemanticKindCount; ++i) {
    if (k.Has(static_cast<SemanticKind>(i))) out += std::string(SemanticKindName(static_cast<SemanticKind>(i))) + " ";
  }
  return out;
}

TEST(ValueClassifierTest, KnownValues) {
  using K = SemanticKind;
  const Case cases[] = {
      {"42", {K::kInteger}, ""},
      {"-7", {K::kInteger}, ""},
      {"007", {}, ""},  // leading zeros: a code, not a number
      {"02134", {K::kPostalCode}, ""},
      {"12345", {K::kInteger, K::kPostalCode}, ""},
      {"3.14", {K::kDecimal}, ""},
      {"1e-5", {K::kDecimal}, ""},
      {"true", {K::kBoolean}, ""},
      {"No", {K::kBoolean}, ""},
      {"NO", {K::kBoolean, K::kCountryCode}, ""},
      {"DE", {K::kCountryCode}, ""},
      {"XX", {}, ""},
      {"2024-02-29", {K::kDate}, "%Y-%m-%d"},
      {"2023-02-29", {}, ""},  // not a leap year
      {"31/12/2024", {K::kDate}, "%d/%m/%Y"},
      {"12/31/2024", {K::kDate}, "%m/%d/%Y"},
      {"03.04.2024", {K::kDate}, "%d.%m.%Y"},
      {"5 Mar 2024", {K::kDate}, "%d %b %Y"},
      {"2024-03-05 13:45:00", {K::kTimestamp}, "%Y-%m-%d %H:%M:%S%f"},
      {"2024-03-05T13:45:00.123Z", {K::kTimestamp}, "%Y-%m-%dT%H:%M:%S%f%z"},
      {"2024-03-05T13:45:00+02:00", {K::kTimestamp}, "%Y-%m-%dT%H:%M:%S%f%z"},
      {"23:59:59", {K::kTime}, "%H:%M:%S%f"},
      {"24:00", {}, ""},
      {"ann@example.com", {K::kEmail}, ""},
      {"ann@example", {}, ""},
      {"+49 30 1234567", {K::kPhone}, ""},
      {"(555) 123-4567", {K::kPhone}, ""},
      {"4111 1111 1111 1111", {K::kCard}, ""},
      {"4111111111111111", {K::kInteger, K::kCard}, ""},
      {"DE89 3704 0044 0532 0130 00", {K::kIban}, ""},
      {"192.168.1.20", {K::kIp}, ""},
      {"2001:db8::1", {K::kIp}, ""},
      {"https://example.com/a?b=c", {K::kUrl}, ""},
      {"123e4567-e89b-12d3-a456-426614174000", {K::kUuid}, ""},
      {"$1,234.50", {K::kCurrency}, ""},
      {"12.50 EUR", {K::kCurrency}, ""},
      {"€5", {K::kCurrency}, ""},
      {"$1,23.50", {}, ""},
      {"SW1A 1AA", {K::kPostalCode}, ""},
      {"K1A 0B1", {K::kPostalCode}, ""},
      {"hello world", {}, ""},
  };
  const auto& formats = TemporalFormats();
  for (const Case& c : cases) {
    SCOPED_TRACE(c.value);
    const ValueKinds got = ClassifyValue(c.value);
    ValueKinds want;
    for (SemanticKind k : c.kinds) want.kinds |= uint32_t{1} << static_cast<int>(k);
    EXPECT_EQ(KindsOf(got), KindsOf(want));
    if (!c.layout.empty()) {
      bool fits = false;
      for (size_t i = 0; i < formats.size(); ++i) {
        if (formats[i].layout == c.layout) fits = (got.formats >> i) & 1;
      }
      EXPECT_TRUE(fits) << c.layout;
    }
  }
}

TEST(ValueClassifierTest, Patterns) {
  const std::pair<std::string, std::string> cases[] = {
      {"Main 12", "Aaaa 99"},
      {"AB-123", "AA-999"},
      {"", ""},
      {"Zürich", "Aaaaaa"},
      {"abcdefghijklmnopqrstuvwxyz0123", "aaaaaaaaaaaaaaaaaaaaaaaa…"},
  };
  std::string out;
  for (const auto& [value, pattern] : cases) {
    ValuePattern(value, &out);
    EXPECT_EQ(out, pattern) << value;
  }
}

TEST(ValueClassifierTest, ParseNumber) {
  double d = 0;
  EXPECT_TRUE(ParseNumber("12.5", &d));
  EXPECT_EQ(d, 12.5);
  EXPECT_TRUE(ParseNumber("+3", &d));
  EXPECT_EQ(d, 3);
  EXPECT_FALSE(ParseNumber("1,234", &d));
  EXPECT_FALSE(ParseNumber("", &d));
  EXPECT_FALSE(ParseNumber("nan", &d));
}

}  // namespace
}  // namespace logidata::profile

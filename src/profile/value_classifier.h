// ValueClassifier: what one text value looks like — the semantic kinds it could be (integer,
// date in a given format, email, …) and its character pattern ("Aaaa 99"). The profiler counts
// these per column and names the column's semantic type after the kind most values share.
// The checks are strict on purpose (real calendar dates, Luhn and mod-97 checksums via
// transforms/pii_detectors.h) so that ordinary ids are not taken for dates or card numbers.
// Pure functions over immutable tables; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace logidata::profile {

// Bit positions in ValueKinds::kinds. The order is also the priority when a column matches
// several kinds equally well: the most specific first.
enum class SemanticKind : uint8_t {
  kUuid,
  kEmail,
  kUrl,
  kIp,
  kTimestamp,
  kDate,
  kTime,
  kBoolean,
  kInteger,
  kCurrency,
  kDecimal,
  kPhone,
  kIban,
  kCard,
  kPostalCode,
  kCountryCode,
  kCount,
};
constexpr int kSemanticKindCount = static_cast<int>(SemanticKind::kCount);

// "uuid", "email", "url", "ip", "timestamp", "date", "time", "boolean", "integer", "currency",
// "decimal", "phone", "iban", "card_number", "postal_code", "country_code".
std::string_view SemanticKindName(SemanticKind kind);

// A date/time layout in strftime notation ("%d/%m/%Y"), with the kind it denotes.
struct TemporalFormat {
  std::string_view layout;
  SemanticKind kind;
};
// Every layout the classifier recognises; ValueKinds::formats has bit i set when layout i fits.
const std::vector<TemporalFormat>& TemporalFormats();

struct ValueKinds {
  uint32_t kinds = 0;    // bit SemanticKind
  uint32_t formats = 0;  // bit i: TemporalFormats()[i] fits
  bool Has(SemanticKind k) const { return (kinds >> static_cast<int>(k)) & 1; }
};

// Classifies a value as written (no trimming: padded values are counted apart by the profiler).
ValueKinds ClassifyValue(std::string_view value);

// The character pattern: A = upper-case letter, a = lower-case or non-ASCII letter, 9 = digit,
// anything else kept as is; cut after kMaxPatternLength characters with "…".
constexpr size_t kMaxPatternLength = 24;
void ValuePattern(std::string_view value, std::string* out);

// The number a value spells, for numeric quantiles of text columns ("1,234" is not one).
bool ParseNumber(std::string_view value, double* out);

}  // namespace logidata::profile

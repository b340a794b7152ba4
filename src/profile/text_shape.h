// TextShape: what the profiler notes about one text value besides its semantic kind — its letter
// case, how often it holds each split delimiter, and whether it holds UTF-8 that was read as
// Latin-1 or Windows-1252 ("Ã©" for "é", "â€™" for "’"). The suggestions (suggestions.h) turn
// these into case fixes, column splits and text repairs. Pure functions; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace logidata::profile {

// Letter case of a value's ASCII letters.
enum class LetterCase : uint8_t {
  kNone,   // no ASCII letter
  kLower,  // "ada lovelace"
  kUpper,  // "ADA LOVELACE", "DE"
  kTitle,  // "Ada Lovelace": each word's first letter upper, the others lower
  kMixed,  // anything else ("aDA", "McDonald")
};
LetterCase LetterCaseOf(std::string_view value);

// The delimiters a column may be split on, in order of preference.
constexpr std::array<char, 7> kSplitDelimiters = {';', '|', ',', '/', '_', '-', ' '};

// Per delimiter of kSplitDelimiters: how many times the value holds it, capped at 3.
std::array<uint8_t, kSplitDelimiters.size()> DelimiterCounts(std::string_view value);

// One mis-decoded sequence and its repair: {"Ã©", "é"}.
using MojibakeFix = std::pair<std::string, std::string>;

// Appends to `fixes` the mis-decoded sequences of `value` not listed yet, up to `limit` in all;
// returns whether `value` holds any. A sequence is a code point U+00C2–U+00C5 followed by one,
// or U+00E2 followed by two, characters that are UTF-8 continuation bytes when read back as
// Windows-1252 (or as Latin-1 C1 controls), and that together spell valid UTF-8.
bool FindMojibake(std::string_view value, std::vector<MojibakeFix>* fixes, size_t limit);

}  // namespace logidata::profile

#include "profile/text_shape.h"

#include <algorithm>

namespace logidata::profile {

namespace {

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsWordBreak(char c) { return c == ' ' || c == '-' || c == '\'' || c == '.' || c == '/'; }

// The code point at v[i] and its length in bytes; -1 (length 1) for a malformed sequence.
std::pair<int32_t, size_t> DecodeAt(std::string_view v, size_t i) {
  const auto b0 = static_cast<unsigned char>(v[i]);
  if (b0 < 0x80) return {b0, 1};
  size_t len = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 0;
  if (len == 0 || i + len > v.size()) return {-1, 1};
  int32_t cp = b0 & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(v[i + k]);
    if ((b & 0xC0) != 0x80) return {-1, 1};
    cp = (cp << 6) | (b & 0x3F);
  }
  return {cp, len};
}

// The byte a code point was decoded from when bytes were read as Windows-1252 (0x80–0xBF only),
// or -1. Latin-1 reads 0x80–0x9F as C1 controls, which is covered too.
int ContinuationByte(int32_t cp) {
  if (cp >= 0x80 && cp <= 0xBF) return cp;
  static constexpr std::pair<int32_t, int> kWindows1252[] = {
      {0x20AC, 0x80}, {0x201A, 0x82}, {0x0192, 0x83}, {0x201E, 0x84}, {0x2026, 0x85}, {0x2020, 0x86},
      {0x2021, 0x87}, {0x02C6, 0x88}, {0x2030, 0x89}, {0x0160, 0x8A}, {0x2039, 0x8B}, {0x0152, 0x8C},
      {0x017D, 0x8E}, {0x2018, 0x91}, {0x2019, 0x92}, {0x201C, 0x93}, {0x201D, 0x94}, {0x2022, 0x95},
      {0x2013, 0x96}, {0x2014, 0x97}, {0x02DC, 0x98}, {0x2122, 0x99}, {0x0161, 0x9A}, {0x203A, 0x9B},
      {0x0153, 0x9C}, {0x017E, 0x9E}, {0x0178, 0x9F}};
  for (const auto& [code, byte] : kWindows1252) {
    if (code == cp) return byte;
  }
  return -1;
}

}  // namespace

LetterCase LetterCaseOf(std::string_view value) {
  bool any_upper = false, any_lower = false, title = true, word_start = true;
  for (char c : value) {
    if (IsUpper(c)) {
      any_upper = true;
      if (!word_start) title = false;
    } else if (IsLower(c)) {
      any_lower = true;
      if (word_start) title = false;
    }
    word_start = IsWordBreak(c);
  }
  if (!any_upper && !any_lower) return LetterCase::kNone;
  if (!any_upper) return LetterCase::kLower;
  if (!any_lower) return LetterCase::kUpper;
  return title ? LetterCase::kTitle : LetterCase::kMixed;
}

std::array<uint8_t, kSplitDelimiters.size()> DelimiterCounts(std::string_view value) {
  std::array<uint8_t, kSplitDelimiters.size()> counts{};
  for (char c : value) {
    for (size_t d = 0; d < kSplitDelimiters.size(); ++d) {
      if (c == kSplitDelimiters[d] && counts[d] < 3) ++counts[d];
    }
  }
  return counts;
}

bool FindMojibake(std::string_view value, std::vector<MojibakeFix>* fixes, size_t limit) {
  bool found = false;
  size_t i = 0;
  while (i < value.size()) {
    const auto [lead, lead_len] = DecodeAt(value, i);
    const int continuations = lead >= 0xC2 && lead <= 0xC5 ? 1 : lead == 0xE2 ? 2 : 0;
    std::string repaired(1, static_cast<char>(lead));
    size_t j = i + lead_len;
    for (int k = 0; k < continuations && j < value.size(); ++k) {
      const auto [cp, len] = DecodeAt(value, j);
      const int byte = ContinuationByte(cp);
      if (byte < 0) break;
      repaired.push_back(static_cast<char>(byte));
      j += len;
    }
    // A 3-byte sequence must spell a code point of at least U+0800 (E2 80–BF does).
    if (continuations > 0 && repaired.size() == static_cast<size_t>(continuations) + 1) {
      found = true;
      std::string seen(value.substr(i, j - i));
      const bool listed = std::any_of(fixes->begin(), fixes->end(), [&](const MojibakeFix& f) { return f.first == seen; });
      if (!listed && fixes->size() < limit) fixes->emplace_back(std::move(seen), std::move(repaired));
      i = j;
      continue;
    }
    i += lead_len;
  }
  return found;
}

}  // namespace logidata::profile

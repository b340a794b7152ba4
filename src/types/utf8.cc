#include "types/utf8.h"

#include <cstdint>
#include <cstdio>
#include <cstring>

namespace logidata {

namespace {

// Length of the well-formed sequence starting at text[i] (a non-ASCII lead byte), or 0.
size_t SequenceLength(const unsigned char* p, size_t left) {
  const unsigned char c = p[0];
  size_t n;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
  } else {
    return 0;  // a continuation byte, an overlong 2-byte lead (C0, C1) or F5..FF
  }
  if (left < n) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((p[k] & 0xC0) != 0x80) return 0;
  }
  const unsigned char c1 = p[1];
  if (c == 0xE0 && c1 < 0xA0) return 0;   // overlong 3-byte form
  if (c == 0xED && c1 >= 0xA0) return 0;  // UTF-16 surrogates
  if (c == 0xF0 && c1 < 0x90) return 0;   // overlong 4-byte form
  if (c == 0xF4 && c1 >= 0x90) return 0;  // past U+10FFFF
  return n;
}

}  // namespace

size_t FindInvalidUtf8(std::string_view text, bool* has_multibyte) {
  if (has_multibyte != nullptr) *has_multibyte = false;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t size = text.size();
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  size_t i = 0;
  while (i < size) {
    // ASCII fast path: two words per step (the compiler keeps this in vector registers).
    while (i + 16 <= size) {
      uint64_t a, b;
      std::memcpy(&a, p + i, 8);
      std::memcpy(&b, p + i + 8, 8);
      if (((a | b) & kHigh) != 0) break;
      i += 16;
    }
    // Mixed text: byte by byte until 16 ASCII bytes in a row make the wide loop worth it again.
    for (size_t ascii_run = 0; i < size && ascii_run < 16;) {
      if (p[i] < 0x80) {
        ++i;
        ++ascii_run;
        continue;
      }
      if (has_multibyte != nullptr) *has_multibyte = true;
      const size_t n = SequenceLength(p + i, size - i);
      if (n == 0) return i;
      i += n;
      ascii_run = 0;
    }
  }
  return kValidUtf8;
}

std::string DescribeInvalidUtf8(std::string_view text, size_t offset) {
  if (offset >= text.size()) return "a truncated character";
  const auto* p = reinterpret_cast<const unsigned char*>(text.data()) + offset;
  size_t n = 1;
  // Show a lead byte with the continuation bytes that follow it (what the reader saw).
  if (p[0] >= 0xC0) {
    while (n < 4 && offset + n < text.size() && (p[n] & 0xC0) == 0x80) ++n;
  }
  std::string out = n == 1 ? "byte" : "bytes";
  char buf[8];
  for (size_t k = 0; k < n; ++k) {
    std::snprintf(buf, sizeof buf, " 0x%02X", p[k]);
    out += buf;
  }
  return out;
}

bool EndsInsideUtf8Sequence(std::string_view text) {
  if (text.empty() || static_cast<unsigned char>(text.back()) < 0x80) return false;
  size_t continuation = 0;
  while (continuation < text.size() && continuation < 4 &&
         (static_cast<unsigned char>(text[text.size() - 1 - continuation]) & 0xC0) == 0x80) {
    ++continuation;
  }
  if (continuation == text.size()) return true;  // nothing but continuation bytes
  const auto lead = static_cast<unsigned char>(text[text.size() - 1 - continuation]);
  const size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  return continuation + 1 != length;
}

}  // namespace logidata

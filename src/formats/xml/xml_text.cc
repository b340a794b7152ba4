#include "formats/xml/xml_text.h"

#include <cstdint>

namespace logidata {

namespace {

constexpr char32_t kInvalid = 0xFFFFFFFF;

// Decodes the UTF-8 sequence at text[i]; sets *len to the bytes it takes (1 for an invalid byte).
// Overlong forms, surrogates and values past U+10FFFF are invalid.
char32_t DecodeUtf8(std::string_view text, size_t i, size_t* len) {
  const auto b0 = static_cast<unsigned char>(text[i]);
  *len = 1;
  if (b0 < 0x80) return b0;
  int extra;
  char32_t cp, min;
  if ((b0 & 0xE0) == 0xC0) {
    extra = 1, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    extra = 2, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    extra = 3, cp = b0 & 0x07, min = 0x10000;
  } else {
    return kInvalid;
  }
  if (i + static_cast<size_t>(extra) >= text.size()) return kInvalid;  // truncated
  for (int k = 1; k <= extra; ++k) {
    const auto b = static_cast<unsigned char>(text[i + static_cast<size_t>(k)]);
    if ((b & 0xC0) != 0x80) return kInvalid;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return kInvalid;
  *len = static_cast<size_t>(extra) + 1;
  return cp;
}

// The Char production of XML 1.0.
bool IsXmlChar(char32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
         (c >= 0x10000 && c <= 0x10FFFF);
}

// NameStartChar of XML 1.0 (5th edition), without ':'.
bool IsNameStart(char32_t c) {
  return (c >= 'A' && c <= 'Z') || c == '_' || (c >= 'a' && c <= 'z') || (c >= 0xC0 && c <= 0xD6) ||
         (c >= 0xD8 && c <= 0xF6) || (c >= 0xF8 && c <= 0x2FF) || (c >= 0x370 && c <= 0x37D) ||
         (c >= 0x37F && c <= 0x1FFF) || (c >= 0x200C && c <= 0x200D) || (c >= 0x2070 && c <= 0x218F) ||
         (c >= 0x2C00 && c <= 0x2FEF) || (c >= 0x3001 && c <= 0xD7FF) || (c >= 0xF900 && c <= 0xFDCF) ||
         (c >= 0xFDF0 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0xEFFFF);
}

bool IsNameChar(char32_t c) {
  return IsNameStart(c) || c == '-' || c == '.' || (c >= '0' && c <= '9') || c == 0xB7 || (c >= 0x300 && c <= 0x36F) ||
         (c >= 0x203F && c <= 0x2040);
}

}  // namespace

bool IsXmlElementName(std::string_view name) {
  if (name.empty()) return false;
  if (name.size() >= 3) {
    auto lower = [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); };
    if (lower(name[0]) == 'x' && lower(name[1]) == 'm' && lower(name[2]) == 'l') return false;
  }
  for (size_t i = 0, len = 0; i < name.size(); i += len) {
    char32_t c = DecodeUtf8(name, i, &len);
    if (c == kInvalid || !(i == 0 ? IsNameStart(c) : IsNameChar(c))) return false;
  }
  return true;
}

bool AppendXmlText(std::string_view text, InvalidXmlChars policy, std::string* out, size_t* bad_offset) {
  size_t plain = 0;  // start of the bytes not yet copied
  for (size_t i = 0, len = 0; i < text.size(); i += len) {
    const auto b = static_cast<unsigned char>(text[i]);
    const char* entity = nullptr;
    char32_t c = b;
    len = 1;
    switch (b) {
      case '&': entity = "&amp;"; break;
      case '<': entity = "&lt;"; break;
      case '>': entity = "&gt;"; break;  // so "]]>" never appears in content
      case '"': entity = "&quot;"; break;
      case '\'': entity = "&apos;"; break;
      case '\r': entity = "&#13;"; break;
      default:
        if (b >= 0x20 && b < 0x80) continue;
        if (b >= 0x80) c = DecodeUtf8(text, i, &len);
    }
    if (entity == nullptr && c != kInvalid && IsXmlChar(c)) continue;
    out->append(text.substr(plain, i - plain));
    plain = i + len;
    if (entity != nullptr) {
      out->append(entity);
      continue;
    }
    if (policy == InvalidXmlChars::kFail) {
      *bad_offset = i;
      return false;
    }
    out->append("\xEF\xBF\xBD");  // U+FFFD REPLACEMENT CHARACTER
  }
  out->append(text.substr(plain));
  return true;
}

}  // namespace logidata

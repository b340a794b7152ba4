#include "profile/value_classifier.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>

#include "transforms/pii_detectors.h"

namespace logidata::profile {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsAlpha(char c) { return IsUpper(c) || IsLower(c); }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (IsUpper(x)) x = static_cast<char>(x - 'A' + 'a');
    if (IsUpper(y)) y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// ISO 3166-1 alpha-2, officially assigned codes.
constexpr std::string_view kCountryCodes =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY "
    "BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK "
    "FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR "
    "IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK "
    "ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM "
    "PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF "
    "TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

bool IsCountryCode(std::string_view v) {
  if (v.size() != 2 || !IsUpper(v[0]) || !IsUpper(v[1])) return false;
  for (size_t i = 0; i + 1 < kCountryCodes.size(); i += 3) {
    if (kCountryCodes[i] == v[0] && kCountryCodes[i + 1] == v[1]) return true;
  }
  return false;
}

bool IsBoolean(std::string_view v) {
  if (v.size() > 5) return false;
  static constexpr std::string_view kWords[] = {"true", "false", "yes", "no", "t", "f", "y", "n"};
  for (std::string_view word : kWords) {
    if (EqualsIgnoreCase(v, word)) return true;
  }
  return false;
}

// Optional sign, digits; no leading zero unless the value is "0" (leading zeros are codes, not
// numbers: they would be lost by a cast).
bool IsInteger(std::string_view v) {
  size_t i = (!v.empty() && (v[0] == '-' || v[0] == '+')) ? 1 : 0;
  if (i >= v.size() || v.size() - i > 19) return false;
  if (v[i] == '0' && v.size() - i > 1) return false;
  for (size_t j = i; j < v.size(); ++j) {
    if (!IsDigit(v[j])) return false;
  }
  return true;
}

// Optional sign, digits, '.', digits (at least one digit on each side), optional exponent.
bool IsDecimal(std::string_view v) {
  size_t i = (!v.empty() && (v[0] == '-' || v[0] == '+')) ? 1 : 0;
  size_t int_digits = 0, frac_digits = 0;
  while (i < v.size() && IsDigit(v[i])) ++i, ++int_digits;
  if (int_digits > 1 && v[(v[0] == '-' || v[0] == '+') ? 1 : 0] == '0') return false;
  if (i < v.size() && v[i] == '.') {
    ++i;
    while (i < v.size() && IsDigit(v[i])) ++i, ++frac_digits;
  }
  if (int_digits == 0 || (frac_digits == 0 && (i == v.size() || (v[i] != 'e' && v[i] != 'E')))) return false;
  if (i < v.size() && (v[i] == 'e' || v[i] == 'E')) {
    ++i;
    if (i < v.size() && (v[i] == '-' || v[i] == '+')) ++i;
    size_t exp_digits = 0;
    while (i < v.size() && IsDigit(v[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == v.size();
}

// "$12.50", "€ 1,234.00", "-£3", "12.50 EUR", "USD 7": a symbol or an upper-case ISO 4217-like
// code beside an amount (thousands separators allowed).
bool IsCurrency(std::string_view v) {
  static constexpr std::array<std::string_view, 6> kSymbols = {"$", "€", "£", "¥", "₹", "CHF"};
  std::string_view s = v;
  bool negative = false;
  if (!s.empty() && s[0] == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  bool marked = false;
  for (std::string_view sym : kSymbols) {
    if (s.substr(0, sym.size()) == sym) {
      s.remove_prefix(sym.size());
      marked = true;
      break;
    }
    if (s.size() > sym.size() && s.substr(s.size() - sym.size()) == sym) {
      s.remove_suffix(sym.size());
      marked = true;
      break;
    }
  }
  if (!marked && s.size() > 4) {
    // A three-letter code before or after, separated by a space.
    if (IsUpper(s[0]) && IsUpper(s[1]) && IsUpper(s[2]) && s[3] == ' ') {
      s.remove_prefix(4);
      marked = true;
    } else if (s[s.size() - 4] == ' ' && IsUpper(s[s.size() - 3]) && IsUpper(s[s.size() - 2]) && IsUpper(s.back())) {
      s.remove_suffix(4);
      marked = true;
    }
  }
  if (!marked) return false;
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (!negative && !s.empty() && s[0] == '-') s.remove_prefix(1);
  // Digits with optional groups of three after commas, then optional decimals.
  size_t i = 0, group = 0;
  bool any = false, grouped = false;
  while (i < s.size() && (IsDigit(s[i]) || s[i] == ',')) {
    if (s[i] == ',') {
      if (!any || (grouped && group != 3)) return false;
      grouped = true;
      group = 0;
    } else {
      ++group;
      any = true;
    }
    ++i;
  }
  if (!any || (grouped && group != 3)) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t decimals = 0;
    while (i < s.size() && IsDigit(s[i])) ++i, ++decimals;
    if (decimals == 0) return false;
  }
  return i == s.size();
}

bool IsUuid(std::string_view v) {
  if (v.size() != 36) return false;
  for (size_t i = 0; i < 36; ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? v[i] != '-' : !IsHex(v[i])) return false;
  }
  return true;
}

bool IsUrl(std::string_view v) {
  size_t rest = 0;
  for (std::string_view scheme : {"http://", "https://", "ftp://"}) {
    if (v.size() > scheme.size() && EqualsIgnoreCase(v.substr(0, scheme.size()), scheme)) rest = scheme.size();
  }
  if (rest == 0) return false;
  // A host of at least one letter or digit, then no spaces anywhere.
  if (!(IsAlpha(v[rest]) || IsDigit(v[rest]) || v[rest] == '[')) return false;
  for (char c : v) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '"' || c == '<' || c == '>') return false;
  }
  return true;
}

// US ZIP / ZIP+4, UK postcode, Canadian and Dutch postal codes. Plain five digits without a
// leading zero are integers first (see the priority), but "02134" is a postal code.
bool IsPostalCode(std::string_view v) {
  auto all = [&](size_t from, size_t to, bool (*pred)(char)) {
    for (size_t i = from; i < to; ++i) {
      if (!pred(v[i])) return false;
    }
    return true;
  };
  if (v.size() == 5 && all(0, 5, IsDigit)) return true;
  if (v.size() == 10 && all(0, 5, IsDigit) && v[5] == '-' && all(6, 10, IsDigit)) return true;
  // Canada: A9A 9A9.
  if (v.size() == 7 && IsUpper(v[0]) && IsDigit(v[1]) && IsUpper(v[2]) && v[3] == ' ' && IsDigit(v[4]) &&
      IsUpper(v[5]) && IsDigit(v[6])) {
    return true;
  }
  // Netherlands: 9999 AA.
  if (v.size() == 7 && all(0, 4, IsDigit) && v[4] == ' ' && IsUpper(v[5]) && IsUpper(v[6]) && v[0] != '0') return true;
  // UK: outward code (A9, A99, AA9, AA99, A9A, AA9A), a space, inward code 9AA.
  const size_t space = v.find(' ');
  if (space >= 2 && space <= 4 && v.size() == space + 4 && IsUpper(v[0]) && IsDigit(v[space + 1]) &&
      IsUpper(v[space + 2]) && IsUpper(v[space + 3])) {
    bool has_digit = false;
    for (size_t i = 1; i < space; ++i) {
      if (!(IsUpper(v[i]) || IsDigit(v[i]))) return false;
      has_digit |= IsDigit(v[i]);
    }
    return has_digit;
  }
  return false;
}

// Three digit groups joined by one separator, one of four digits and two of one or two
// ("2023-02-30", "31.12.2024"): a date, even an invalid one, never a phone number.
bool DateShaped(std::string_view v) {
  int groups[3] = {0, 0, 0};
  int g = 0;
  char sep = 0;
  for (char c : v) {
    if (IsDigit(c)) {
      ++groups[g];
    } else if ((c == '-' || c == '/' || c == '.') && g < 2 && (sep == 0 || sep == c)) {
      sep = c;
      ++g;
    } else {
      return false;
    }
  }
  if (g != 2) return false;
  const bool year_first = groups[0] == 4 && groups[1] >= 1 && groups[1] <= 2 && groups[2] >= 1 && groups[2] <= 2;
  const bool year_last = groups[2] == 4 && groups[0] >= 1 && groups[0] <= 2 && groups[1] >= 1 && groups[1] <= 2;
  return year_first || year_last;
}

// --- Date and time layouts ---

constexpr std::array<std::string_view, 12> kMonthNames = {"jan", "feb", "mar", "apr", "may", "jun",
                                                          "jul", "aug", "sep", "oct", "nov", "dec"};

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `width` digits (or 1..width when `flexible`).
bool ReadNumber(std::string_view v, size_t* pos, int width, bool flexible, int* out) {
  int value = 0, n = 0;
  while (n < width && *pos < v.size() && IsDigit(v[*pos])) {
    value = value * 10 + (v[*pos] - '0');
    ++*pos;
    ++n;
  }
  if (n == 0 || (!flexible && n != width)) return false;
  *out = value;
  return true;
}

// Does `v` fit `layout` exactly? Tokens: %Y (4 digits), %m %d (1–2 digits), %H %M %S (2 digits),
// %b (month name, 3 letters), %f (optional .fraction), %z (optional Z or ±hh:mm); other
// characters must match. Calendar and clock ranges are checked.
bool FitsLayout(std::string_view v, std::string_view layout) {
  size_t pos = 0;
  int year = 2000, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  bool has_date = false;
  for (size_t i = 0; i < layout.size(); ++i) {
    const char c = layout[i];
    if (c != '%' || i + 1 == layout.size()) {
      if (pos >= v.size() || v[pos] != c) return false;
      ++pos;
      continue;
    }
    const char t = layout[++i];
    switch (t) {
      case 'Y':
        if (!ReadNumber(v, &pos, 4, false, &year)) return false;
        has_date = true;
        break;
      case 'm':
        if (!ReadNumber(v, &pos, 2, true, &month) || month < 1 || month > 12) return false;
        break;
      case 'd':
        if (!ReadNumber(v, &pos, 2, true, &day) || day < 1) return false;
        break;
      case 'H':
        if (!ReadNumber(v, &pos, 2, false, &hour) || hour > 23) return false;
        break;
      case 'M':
        if (!ReadNumber(v, &pos, 2, false, &minute) || minute > 59) return false;
        break;
      case 'S':
        if (!ReadNumber(v, &pos, 2, false, &second) || second > 60) return false;
        break;
      case 'b': {
        if (pos + 3 > v.size()) return false;
        const std::string_view name = v.substr(pos, 3);
        auto it = std::find_if(kMonthNames.begin(), kMonthNames.end(),
                               [&](std::string_view m) { return EqualsIgnoreCase(m, name); });
        if (it == kMonthNames.end()) return false;
        month = static_cast<int>(it - kMonthNames.begin()) + 1;
        pos += 3;
        break;
      }
      case 'f':
        if (pos < v.size() && v[pos] == '.') {
          ++pos;
          size_t digits = 0;
          while (pos < v.size() && IsDigit(v[pos])) ++pos, ++digits;
          if (digits == 0 || digits > 9) return false;
        }
        break;
      case 'z':
        if (pos < v.size() && v[pos] == 'Z') {
          ++pos;
        } else if (pos < v.size() && (v[pos] == '+' || v[pos] == '-')) {
          ++pos;
          int hh = 0, mm = 0;
          if (!ReadNumber(v, &pos, 2, false, &hh) || hh > 14) return false;
          if (pos < v.size() && v[pos] == ':') ++pos;
          if (!ReadNumber(v, &pos, 2, false, &mm) || mm > 59) return false;
        }
        break;
      default:
        return false;
    }
  }
  if (pos != v.size()) return false;
  return !has_date || day <= DaysInMonth(year, month);
}

}  // namespace

std::string_view SemanticKindName(SemanticKind kind) {
  static constexpr std::array<std::string_view, kSemanticKindCount> kNames = {
      "uuid",    "email",    "url",   "ip",   "timestamp",   "date",        "time",        "boolean",
      "integer", "currency", "decimal", "phone", "iban", "card_number", "postal_code", "country_code"};
  return kNames[static_cast<size_t>(kind)];
}

const std::vector<TemporalFormat>& TemporalFormats() {
  static const std::vector<TemporalFormat> kFormats = {
      {"%Y-%m-%d", SemanticKind::kDate},
      {"%d/%m/%Y", SemanticKind::kDate},
      {"%m/%d/%Y", SemanticKind::kDate},
      {"%d.%m.%Y", SemanticKind::kDate},
      {"%d-%m-%Y", SemanticKind::kDate},
      {"%Y/%m/%d", SemanticKind::kDate},
      {"%d %b %Y", SemanticKind::kDate},
      {"%b %d, %Y", SemanticKind::kDate},
      {"%Y-%m-%d %H:%M:%S%f", SemanticKind::kTimestamp},
      {"%Y-%m-%dT%H:%M:%S%f%z", SemanticKind::kTimestamp},
      {"%Y-%m-%d %H:%M", SemanticKind::kTimestamp},
      {"%d/%m/%Y %H:%M:%S", SemanticKind::kTimestamp},
      {"%m/%d/%Y %H:%M:%S", SemanticKind::kTimestamp},
      {"%d/%m/%Y %H:%M", SemanticKind::kTimestamp},
      {"%m/%d/%Y %H:%M", SemanticKind::kTimestamp},
      {"%d.%m.%Y %H:%M", SemanticKind::kTimestamp},
      {"%H:%M:%S%f", SemanticKind::kTime},
      {"%H:%M", SemanticKind::kTime},
  };
  return kFormats;
}

ValueKinds ClassifyValue(std::string_view v) {
  ValueKinds out;
  if (v.empty()) return out;
  auto set = [&](SemanticKind k) { out.kinds |= uint32_t{1} << static_cast<int>(k); };
  int digits = 0, letters = 0, others = 0;
  for (char c : v) {
    if (IsDigit(c)) ++digits;
    else if (IsAlpha(c)) ++letters;
    else ++others;
  }
  if (digits > 0) {
    if (IsInteger(v)) set(SemanticKind::kInteger);
    else if (IsDecimal(v)) set(SemanticKind::kDecimal);
    // Every layout needs two digits or more and a separator; numbers alone are never dates.
    if (digits >= 3 && (others > 0 || letters > 0)) {
      const auto& formats = TemporalFormats();
      for (size_t i = 0; i < formats.size(); ++i) {
        if (FitsLayout(v, formats[i].layout)) {
          out.formats |= uint32_t{1} << i;
          set(formats[i].kind);
        }
      }
    }
    if (others > 0 && IsCurrency(v)) set(SemanticKind::kCurrency);
    if (others > 0 && IsIpAddress(v)) set(SemanticKind::kIp);
    // A bare run of digits is a number first; a phone number shows its formatting. Dates and
    // addresses with dots or dashes have the same characters, so they are not phones.
    if (others > 0 && out.formats == 0 && !out.Has(SemanticKind::kIp) && !DateShaped(v) && LooksLikePhone(v)) {
      set(SemanticKind::kPhone);
    }
    if (digits >= 13 && IsValidCardNumber(v)) set(SemanticKind::kCard);
    // IBANs start with a country code and two check digits (IsValidIban allocates: check first).
    if (letters >= 2 && v.size() >= 15 && IsAlpha(v[0]) && IsAlpha(v[1]) && IsDigit(v[2]) && IsDigit(v[3]) &&
        IsValidIban(v)) {
      set(SemanticKind::kIban);
    }
    if (IsPostalCode(v)) set(SemanticKind::kPostalCode);
  }
  if (letters > 0) {
    if (IsBoolean(v)) set(SemanticKind::kBoolean);
    if (IsCountryCode(v)) set(SemanticKind::kCountryCode);
  }
  if (others > 0) {
    if (v.find('@') != std::string_view::npos && LooksLikeEmail(v)) set(SemanticKind::kEmail);
    if (v.size() == 36 && IsUuid(v)) set(SemanticKind::kUuid);
    if (v.find("://") != std::string_view::npos && IsUrl(v)) set(SemanticKind::kUrl);
    if (digits == 0 && v.find(':') != std::string_view::npos && IsIpAddress(v)) set(SemanticKind::kIp);
  }
  return out;
}

void ValuePattern(std::string_view value, std::string* out) {
  out->clear();
  size_t chars = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(value[i]);
    if ((c & 0xC0) == 0x80) continue;  // UTF-8 continuation byte
    if (chars == kMaxPatternLength) {
      *out += "…";
      return;
    }
    ++chars;
    if (IsDigit(static_cast<char>(c))) out->push_back('9');
    else if (IsUpper(static_cast<char>(c))) out->push_back('A');
    else if (IsLower(static_cast<char>(c)) || c >= 0x80) out->push_back('a');
    else out->push_back(static_cast<char>(c));
  }
}

bool ParseNumber(std::string_view value, double* out) {
  if (value.empty()) return false;
  const char* first = value.data();
  if (*first == '+') ++first;
  auto [end, ec] = std::from_chars(first, value.data() + value.size(), *out);
  return ec == std::errc() && end == value.data() + value.size() && *out == *out;
}

}  // namespace logidata::profile

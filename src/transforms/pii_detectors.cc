#include "transforms/pii_detectors.h"

#include <arpa/inet.h>

#include <cctype>

namespace logidata {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

std::optional<PiiKind> ParsePiiKind(std::string_view name) {
  if (name == "email") return PiiKind::kEmail;
  if (name == "phone") return PiiKind::kPhone;
  if (name == "iban") return PiiKind::kIban;
  if (name == "card") return PiiKind::kCard;
  if (name == "ip") return PiiKind::kIp;
  return std::nullopt;
}

const std::vector<std::string>& PiiKindNames() {
  static const std::vector<std::string> kNames = {"email", "phone", "iban", "card", "ip"};
  return kNames;
}

bool LooksLikeEmail(std::string_view v) {
  if (v.size() < 3 || v.size() > 254) return false;
  const size_t at = v.find('@');
  if (at == std::string_view::npos || at == 0 || v.find('@', at + 1) != std::string_view::npos) return false;
  const std::string_view local = v.substr(0, at), domain = v.substr(at + 1);
  if (local.size() > 64) return false;
  for (char c : local) {
    if (!(IsAlpha(c) || IsDigit(c) || std::string_view("._%+-'").find(c) != std::string_view::npos)) return false;
  }
  // The domain: labels of letters, digits and dashes, at least two, the last all letters.
  const size_t dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 2 > domain.size()) return false;
  if (domain.front() == '.' || domain.find("..") != std::string_view::npos) return false;
  for (char c : domain) {
    if (!(IsAlpha(c) || IsDigit(c) || c == '-' || c == '.')) return false;
  }
  for (char c : domain.substr(dot + 1)) {
    if (!IsAlpha(c)) return false;
  }
  return true;
}

bool LooksLikePhone(std::string_view v) {
  int digits = 0, parens = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    if (IsDigit(c)) {
      ++digits;
    } else if (c == '+') {
      if (i != 0) return false;
    } else if (c == '(' || c == ')') {
      ++parens;
    } else if (c != ' ' && c != '-' && c != '.') {
      return false;
    }
  }
  return digits >= 7 && digits <= 15 && (parens == 0 || parens == 2) && !v.empty() && v.back() != '-';
}

bool IsValidIban(std::string_view v) {
  std::string s;
  for (char c : v) {
    if (c == ' ') continue;
    if (!(IsAlpha(c) || IsDigit(c))) return false;
    s.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  if (s.size() < 15 || s.size() > 34) return false;
  if (!IsAlpha(s[0]) || !IsAlpha(s[1]) || !IsDigit(s[2]) || !IsDigit(s[3])) return false;
  // Move the first four characters to the end, letters → 10..35, remainder mod 97 must be 1.
  const std::string rotated = s.substr(4) + s.substr(0, 4);
  int remainder = 0;
  for (char c : rotated) {
    if (IsDigit(c)) {
      remainder = (remainder * 10 + (c - '0')) % 97;
    } else {
      remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
    }
  }
  return remainder == 1;
}

bool LuhnValid(std::string_view digits) {
  int sum = 0;
  bool twice = false;
  for (size_t i = digits.size(); i-- > 0;) {
    int d = digits[i] - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return !digits.empty() && sum % 10 == 0;
}

bool IsValidCardNumber(std::string_view v) {
  std::string digits;
  for (char c : v) {
    if (IsDigit(c)) digits.push_back(c);
    else if (c != ' ' && c != '-') return false;
  }
  if (digits.size() < 13 || digits.size() > 19) return false;
  return LuhnValid(digits);
}

bool IsIpAddress(std::string_view v) {
  if (v.empty() || v.size() > 45) return false;
  const std::string s(v);
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

bool LooksLike(PiiKind kind, std::string_view v) {
  switch (kind) {
    case PiiKind::kEmail: return LooksLikeEmail(v);
    case PiiKind::kPhone: return LooksLikePhone(v);
    case PiiKind::kIban: return IsValidIban(v);
    case PiiKind::kCard: return IsValidCardNumber(v);
    case PiiKind::kIp: return IsIpAddress(v);
  }
  return false;
}

}  // namespace logidata

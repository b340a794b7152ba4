// Recognisers for the kinds of personal data transform.mask can find by itself: email addresses,
// phone numbers, IBANs (ISO 13616 mod-97 check), payment card numbers (Luhn check) and IPv4/IPv6
// addresses. Each says whether one whole value looks like that kind; they are deliberately
// strict (checksums, lengths) so that ordinary ids and amounts are not taken for PII.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace logidata {

enum class PiiKind { kEmail, kPhone, kIban, kCard, kIp };

// "email", "phone", "iban", "card", "ip".
std::optional<PiiKind> ParsePiiKind(std::string_view name);
const std::vector<std::string>& PiiKindNames();

bool LooksLikeEmail(std::string_view v);
// 7–15 digits (E.164), optionally "+", spaces, dots, dashes and one pair of parentheses.
bool LooksLikePhone(std::string_view v);
// Country code, check digits, 11–30 alphanumerics (spaces allowed), remainder 1 mod 97.
bool IsValidIban(std::string_view v);
// 13–19 digits (spaces or dashes allowed) passing the Luhn check.
bool IsValidCardNumber(std::string_view v);
bool IsIpAddress(std::string_view v);

bool LooksLike(PiiKind kind, std::string_view v);

// The Luhn checksum over the digits of `digits` (no separators): true when it is valid.
bool LuhnValid(std::string_view digits);

}  // namespace logidata

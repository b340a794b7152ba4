// UTF-8 validation: strings in columns are UTF-8, so readers check text on the way in (a Latin-1
// file read as UTF-8 must fail with its position, not flow on into loaders and JSON output).
// Well-formed means RFC 3629 / Unicode table 3-7: no overlong forms, no surrogates, nothing past
// U+10FFFF, no truncated sequences. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace logidata {

inline constexpr size_t kValidUtf8 = static_cast<size_t>(-1);

// The offset of the first byte of the first ill-formed sequence in `text`, or kValidUtf8. ASCII
// runs are checked 16 bytes at a time, so mostly-ASCII text costs about one load per 16 bytes.
// `has_multibyte`, when given, is set to whether the part checked held a byte of 0x80 or above.
size_t FindInvalidUtf8(std::string_view text, bool* has_multibyte = nullptr);
inline bool IsValidUtf8(std::string_view text) { return FindInvalidUtf8(text) == kValidUtf8; }

// True when `text` ends inside a multi-byte sequence (or starts with continuation bytes and holds
// nothing else). Column checks validate all cells in one pass over their concatenation, where a
// sequence could otherwise span two cells: a cell that is valid on its own never ends this way.
// O(1): looks at the last 4 bytes at most.
bool EndsInsideUtf8Sequence(std::string_view text);

// Describes the ill-formed bytes at `offset` for an error message: "byte 0xE9" or
// "bytes 0xE0 0x80" (up to 4).
std::string DescribeInvalidUtf8(std::string_view text, size_t offset);

}  // namespace logidata

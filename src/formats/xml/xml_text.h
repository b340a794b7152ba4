// XML 1.0 text for writers: names checked against the Name production, and character data
// escaped so any parser reads back the same characters. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace logidata {

// True when `name` is an XML 1.0 Name usable as an element name without namespaces: a letter,
// `_` or a non-ASCII name character first, then letters, digits, `-`, `.`, `_` or non-ASCII name
// characters; no `:` (it would need a namespace declaration) and not starting with "xml" in any
// case (reserved by the XML specification). `name` is UTF-8.
bool IsXmlElementName(std::string_view name);

// What to do with characters XML 1.0 cannot hold: C0 controls other than tab, LF and CR,
// U+FFFE, U+FFFF, and bytes that are not UTF-8 (surrogates and overlong forms included).
enum class InvalidXmlChars { kFail, kReplace };

// Appends `text` as element content: & < > " ' become entity references and CR becomes &#13;
// (a parser would turn a raw CR into LF), so the text reads back exactly. Invalid characters are
// replaced by U+FFFD under kReplace; under kFail nothing is appended past the first one and the
// function returns false with its byte offset in `*bad_offset`.
bool AppendXmlText(std::string_view text, InvalidXmlChars policy, std::string* out, size_t* bad_offset);

}  // namespace logidata

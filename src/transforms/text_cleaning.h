// Vectorized text clean-up kernels for the cleaner: trimming and case changes over whole string
// columns. ASCII letters and whitespace only; other UTF-8 bytes pass through unchanged. Pure
// functions; thread-safe.
#pragma once

#include <string_view>

#include "types/column.h"

namespace logidata {

enum class TextCase { kLower, kUpper, kTitle };

// Removes leading and trailing ASCII whitespace (space, \t, \n, \v, \f, \r).
// REQUIRES: a string or binary column.
ColumnPtr TrimColumn(const Column& column);
// "hello wORLD" → lower "hello world", upper "HELLO WORLD", title "Hello World" (a letter is
// upper-cased when it follows a character that is not a letter or digit).
ColumnPtr ChangeCaseColumn(const Column& column, TextCase text_case);

// The trimmed view of `text`.
std::string_view TrimAscii(std::string_view text);

}  // namespace logidata

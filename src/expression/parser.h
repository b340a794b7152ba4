// Parser: recursive descent from tokens to an Ast. Precedence, lowest first: OR, AND, NOT,
// comparison / IS / IN / BETWEEN / LIKE, ||, + -, * / %, unary minus. Nesting is bounded
// (kMaxDepth) so hostile input yields an error, never a stack overflow. Pure; thread-safe.
#pragma once

#include <string_view>

#include "common/result.h"
#include "expression/ast.h"

namespace logidata::expr {

inline constexpr int kMaxDepth = 128;

Result<AstPtr> ParseExpression(std::string_view text);

// True for words that must be "quoted" to be used as column names.
bool IsReservedWord(std::string_view word);

}  // namespace logidata::expr

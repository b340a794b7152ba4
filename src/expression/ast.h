// Ast: the untyped syntax tree the parser produces and the binder consumes. Plain data;
// thread-compatible.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "types/value.h"

namespace logidata::expr {

enum class AstKind : uint8_t {
  kLiteral,   // literal
  kColumn,    // name
  kParam,     // name
  kNegate,    // args[0]
  kBinary,    // name = operator ("+", "=", "||", …), args[0..1]
  kAnd,       // args (two or more, flattened)
  kOr,        // args (two or more, flattened)
  kNot,       // args[0]
  kIsNull,    // args[0]; negated = IS NOT NULL
  kIn,        // args[0] IN (args[1..]); negated = NOT IN
  kBetween,   // args[0] BETWEEN args[1] AND args[2]; negated
  kLike,      // args[0] LIKE args[1]; negated; insensitive = ILIKE
  kCase,      // [operand] (when, then)* [else]; has_operand, has_else
  kCast,      // args[0] AS type_text; is_try = TRY_CAST
  kCall,      // name(args)
};

struct AstNode {
  AstKind kind = AstKind::kLiteral;
  size_t offset = 0;  // where the node starts (or its operator, for binary nodes)
  std::string name;
  Value literal;
  bool negated = false;
  bool insensitive = false;
  bool is_try = false;
  bool has_operand = false;
  bool has_else = false;
  std::string type_text;
  size_t type_offset = 0;
  std::vector<std::unique_ptr<AstNode>> args;
};

using AstPtr = std::unique_ptr<AstNode>;

}  // namespace logidata::expr

// Binder: turns an Ast into a typed tree of ExprNodes against a schema — resolves columns and
// parameters, applies the type rules (numeric promotion, implicit literal casts), folds constant
// subtrees, and reports errors at their line:column. One Binder per compilation; not shared.
//
// Type rules, in short:
//   * integer arithmetic is int64; decimals keep exact scale for + - * %; `/` on decimals and any
//     float operand gives float64; integer `/` truncates; x / 0 and x % 0 are NULL.
//   * comparisons use CommonSuperType; a string literal compared with a date/timestamp, and a
//     run parameter compared with anything, is converted at bind time (a bad value is an error).
//   * AND / OR / NOT / WHEN need bool operands.
#pragma once

#include <string_view>

#include "expression/ast.h"
#include "expression/expr_node.h"
#include "expression/expression.h"

namespace logidata::expr {

Result<NodePtr> BindExpression(std::string_view text, const AstNode& ast, const Schema& schema,
                               const ExpressionOptions& options);

// The closest of `candidates` to `name` within a small edit distance, or "".
std::string ClosestName(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace logidata::expr

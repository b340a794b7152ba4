// ExprNode: one node of a bound (typed) expression tree. Nodes are built by the binder, never
// change afterwards, and evaluate a whole batch per call (one virtual call per node per batch,
// typed loops inside), so Eval is safe to call from many threads at once.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "expression/datum.h"
#include "types/batch.h"

namespace logidata::expr {

class ExprNode;
using NodePtr = std::unique_ptr<ExprNode>;

class ExprNode {
 public:
  ExprNode(DataType type, size_t offset) : type_(std::move(type)), offset_(offset) {}
  virtual ~ExprNode() = default;

  const DataType& type() const { return type_; }
  // Byte offset in the expression text (for errors found after construction).
  size_t offset() const { return offset_; }
  const std::vector<NodePtr>& children() const { return children_; }

  // Evaluates over all rows of `batch`; the result has batch.num_rows() rows or is a scalar.
  virtual Result<Datum> Eval(const Batch& batch, const EvalContext& ctx) const = 0;
  // Canonical text; compound nodes are parenthesised by their parent (see Nested()).
  virtual std::string ToString() const = 0;
  // Literals, columns and calls need no parentheses inside other expressions.
  virtual bool IsAtomic() const { return false; }
  // The literal value, for constant nodes.
  virtual const Value* literal() const { return nullptr; }
  // The run parameter this literal came from, if any (allows implicit casts from string).
  virtual const std::string* param_name() const { return nullptr; }
  // The schema column this node reads directly, or -1.
  virtual int column_index() const { return -1; }
  // True when evaluating this node alone can raise a runtime error (CAST, overflow).
  virtual bool MayFail() const { return false; }
  // True when each evaluation gives new values (uuid()): never folded into a constant.
  virtual bool IsVolatile() const { return false; }

  // Text of a child as an operand: parenthesised unless atomic.
  static std::string Nested(const ExprNode& n) { return n.IsAtomic() ? n.ToString() : "(" + n.ToString() + ")"; }
  // True when this subtree or any child may raise a runtime error.
  bool SubtreeMayFail() const {
    if (MayFail()) return true;
    for (const auto& c : children_) {
      if (c->SubtreeMayFail()) return true;
    }
    return false;
  }
  void CollectColumns(std::vector<int>& out) const {
    if (column_index() >= 0) out.push_back(column_index());
    for (const auto& c : children_) c->CollectColumns(out);
  }

 protected:
  DataType type_;
  size_t offset_;
  std::vector<NodePtr> children_;
};

}  // namespace logidata::expr

// The scalar function library: a registry from lower-case names to binders. A binder checks the
// argument count and types of one call (inserting implicit casts through CallBinder) and returns
// the bound node, usually a FunctionNode running one typed kernel per batch. The registry is
// built once and then only read, so lookups are thread-safe.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "expression/expr_node.h"

namespace logidata::expr {

// What a function binder may ask of the binder for the call it is binding.
class CallBinder {
 public:
  virtual ~CallBinder() = default;
  virtual const std::string& name() const = 0;  // lower-case
  virtual size_t offset() const = 0;
  virtual std::vector<NodePtr>& args() = 0;
  // InvalidArgument positioned at argument `i` (or the call when i < 0).
  virtual Status Error(int i, const std::string& message) const = 0;
  // Converts argument i to `type` where an implicit conversion exists (numeric widening,
  // date -> timestamp, NULL, a run parameter or a string literal that parses); else an error
  // "argument N of f must be T, got U".
  virtual Status Coerce(size_t i, const DataType& type) = 0;
  // Requires argument i to be numeric (a parameter converts to its natural number type); int32
  // widens to int64. Returns the resulting type.
  virtual Result<DataType> CoerceNumeric(size_t i) = 0;
  // Converts argument i to string (any type formats as text).
  virtual Status CoerceToString(size_t i) = 0;
  // The common type of the given arguments (numeric promotion, CommonSuperType), then coerces
  // them all to it.
  virtual Result<DataType> Unify(const std::vector<size_t>& indices) = 0;
  // Requires argument i to be a constant (after folding) and returns it.
  virtual Result<Value> RequireConstant(size_t i, const std::string& what) = 0;
  // The instant now() returns for this compilation (microseconds since the epoch, UTC).
  virtual int64_t now_micros() const = 0;
};

using FunctionBinder = std::function<Result<NodePtr>(CallBinder&)>;

// One documented example: an expression and what it evaluates to (rendered as Value::ToString,
// "NULL" for null). The docs test evaluates every example, so the docs cannot drift from the code.
struct FunctionExample {
  std::string expression;
  std::string result;
};

struct FunctionInfo {
  std::string name;
  int min_args = 0;
  int max_args = 0;  // -1: variadic
  std::string signature;  // for messages: "substr(string, start[, length])"
  FunctionBinder bind;
  // Documentation, rendered into docs/functions.md by the docs test (starts with a verb).
  std::string summary = "";
  std::vector<FunctionExample> examples = {};
  std::string category = "";  // section in docs/functions.md
};

class FunctionRegistry {
 public:
  // The process-wide registry with every built-in function.
  static const FunctionRegistry& Builtin();

  void Add(FunctionInfo info);
  const FunctionInfo* Find(const std::string& lower_name) const;
  std::vector<std::string> Names() const;
  const std::map<std::string, FunctionInfo>& functions() const { return functions_; }

 private:
  std::map<std::string, FunctionInfo> functions_;
};

// A kernel gets the evaluated arguments (scalars or columns of n rows).
class FunctionNode;
using KernelFn = std::function<Result<Datum>(const FunctionNode&, std::vector<Datum>&, int64_t n, const EvalContext&)>;

class FunctionNode final : public ExprNode {
 public:
  // `strict`: any NULL argument gives NULL (the kernel still handles NULL rows in columns).
  FunctionNode(std::string name, DataType type, std::vector<NodePtr> args, KernelFn kernel, bool strict,
               bool may_fail, size_t offset)
      : ExprNode(std::move(type), offset), name_(std::move(name)), kernel_(std::move(kernel)), strict_(strict),
        may_fail_(may_fail) {
    children_ = std::move(args);
  }
  Result<Datum> Eval(const Batch& batch, const EvalContext& ctx) const override;
  std::string ToString() const override;
  bool IsAtomic() const override { return true; }
  bool MayFail() const override { return may_fail_; }
  bool IsVolatile() const override { return is_volatile_; }
  const std::string& name() const { return name_; }
  // Marks the call as giving new values on every evaluation (see ExprNode::IsVolatile).
  void set_volatile() { is_volatile_ = true; }

 private:
  std::string name_;
  KernelFn kernel_;
  bool strict_;
  bool may_fail_;
  bool is_volatile_ = false;
};

// Registration, one call per family (string_functions.cc, math_functions.cc, …).
void RegisterStringFunctions(FunctionRegistry& registry);
void RegisterMathFunctions(FunctionRegistry& registry);
void RegisterConditionalFunctions(FunctionRegistry& registry);
void RegisterRegexFunctions(FunctionRegistry& registry);
void RegisterTemporalFunctions(FunctionRegistry& registry);
void RegisterStringPartFunctions(FunctionRegistry& registry);
void RegisterDateFormatFunctions(FunctionRegistry& registry);
void RegisterJsonFunctions(FunctionRegistry& registry);
void RegisterDigestFunctions(FunctionRegistry& registry);

// Validity of a strict function's result: AND of every column argument's validity.
BufferPtr StrictValidity(const std::vector<Datum>& args, int64_t n);

}  // namespace logidata::expr

#include "expression/binder.h"

#include <algorithm>
#include <charconv>
#include <chrono>

#include "expression/function_registry.h"
#include "expression/lexer.h"
#include "expression/nodes.h"
#include "types/temporal.h"

namespace logidata::expr {

std::string ClosestName(std::string_view name, const std::vector<std::string>& candidates) {
  auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  auto distance = [&](std::string_view a, std::string_view b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      cur[0] = i;
      for (size_t j = 1; j <= b.size(); ++j) {
        size_t sub = prev[j - 1] + (lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1);
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
      }
      std::swap(prev, cur);
    }
    return prev[b.size()];
  };
  if (name.size() > 256) return "";
  std::string best;
  size_t best_distance = std::max<size_t>(2, name.size() / 3) + 1;
  for (const auto& c : candidates) {
    if (c.size() > 256) continue;
    size_t d = distance(name, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

namespace {

bool IsNumeric(const DataType& t) { return t.IsNumeric(); }

// Digits before the point a type needs, for decimal promotion.
int IntegralDigits(const DataType& t) {
  switch (t.id) {
    case TypeId::kInt32: return 10;
    case TypeId::kInt64: return 19;
    case TypeId::kDecimal: return t.precision - t.scale;
    default: return 0;
  }
}

// CommonSuperType, except that decimals which cannot hold both sides' digits in 38 compare as
// float64 rather than losing integral digits.
Result<DataType> ComparableType(const DataType& a, const DataType& b) {
  LD_ASSIGN_OR_RETURN(DataType t, CommonSuperType(a, b));
  if (t.id == TypeId::kDecimal &&
      (IntegralDigits(a) > t.precision - t.scale || IntegralDigits(b) > t.precision - t.scale)) {
    return DataType::Float64();
  }
  return t;
}

// The type a run parameter's text has when read as a number, or Null when it is not one.
DataType NaturalNumericType(const std::string& text) {
  std::string_view s = text;
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
  if (s.empty()) return DataType::Null();
  bool digits_only = true, dot = false;
  int digits = 0, scale = 0;
  for (char c : s) {
    if (c == '.' && !dot) {
      dot = true;
      continue;
    }
    if (c < '0' || c > '9') {
      digits_only = false;
      break;
    }
    ++digits;
    if (dot) ++scale;
  }
  if (digits_only && digits > 0) {
    if (!dot) {
      int64_t v;
      auto r = std::from_chars(s.data(), s.data() + s.size(), v);
      if (r.ec == std::errc() && r.ptr == s.data() + s.size()) {
        return v <= INT32_MAX ? DataType::Int32() : DataType::Int64();
      }
    }
    if (digits <= 38) return DataType::Decimal(std::max(digits, 1), scale);
  }
  double d;
  auto r = std::from_chars(s.data(), s.data() + s.size(), d);
  if (r.ec == std::errc() && r.ptr == s.data() + s.size()) return DataType::Float64();
  return DataType::Null();
}

// Decimal view of an integer type for decimal arithmetic.
DataType AsDecimal(const DataType& t) {
  if (t.id == TypeId::kDecimal) return t;
  if (t.id == TypeId::kInt32) return DataType::Decimal(10, 0);
  return DataType::Decimal(19, 0);
}

class Binder {
 public:
  Binder(std::string_view text, const Schema& schema, const ExpressionOptions& options)
      : text_(text), schema_(schema), options_(options) {
    now_ = options.now_micros != 0
               ? options.now_micros
               : std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
                     .count();
    std::vector<ColumnPtr> columns;
    for (const auto& f : schema.fields()) columns.push_back(Column::MakeNull(f.type, 1));
    fold_batch_ = Batch::Make(std::make_shared<const Schema>(schema), std::move(columns), 1);
  }

  Result<NodePtr> Bind(const AstNode& ast);

  Status Error(size_t offset, const std::string& message) const { return ErrorAt(text_, offset, message); }
  int64_t now() const { return now_; }

  // Converts `node` to `to` if an implicit conversion exists; `what` names it in errors.
  Result<NodePtr> Implicit(NodePtr node, const DataType& to, const std::string& what);
  // A run parameter used as a number becomes its natural numeric type.
  Result<NodePtr> ParamAsNumber(NodePtr node);
  Result<NodePtr> Fold(NodePtr node);
  // Coerces two operands to one type for comparison; returns the error text when impossible.
  Status UnifyForCompare(NodePtr& a, NodePtr& b, size_t offset, const char* verb);
  Result<DataType> UnifyMany(std::vector<NodePtr>& nodes, const std::vector<size_t>& indices, size_t offset,
                             const std::string& what);

 private:
  Result<NodePtr> BindColumn(const AstNode& ast);
  Result<NodePtr> BindParam(const AstNode& ast);
  Result<NodePtr> BindBinary(const AstNode& ast);
  Result<NodePtr> BindArithmetic(const std::string& op, NodePtr l, NodePtr r, size_t offset);
  Result<NodePtr> BindCompare(const std::string& op, NodePtr l, NodePtr r, size_t offset);
  Result<NodePtr> BindBool(const AstNode& ast, const char* what);
  Result<NodePtr> BindIn(const AstNode& ast);
  Result<NodePtr> BindCase(const AstNode& ast);
  Result<NodePtr> BindCast(const AstNode& ast);
  Result<NodePtr> BindCall(const AstNode& ast);
  Result<NodePtr> BindLike(const AstNode& ast);

  std::string_view text_;
  const Schema& schema_;
  const ExpressionOptions& options_;
  int64_t now_;
  BatchPtr fold_batch_;
};

class CallBinderImpl final : public CallBinder {
 public:
  CallBinderImpl(Binder& binder, std::string name, size_t offset, std::vector<NodePtr> args,
                 std::vector<size_t> arg_offsets)
      : binder_(binder), name_(std::move(name)), offset_(offset), args_(std::move(args)),
        arg_offsets_(std::move(arg_offsets)) {}

  const std::string& name() const override { return name_; }
  size_t offset() const override { return offset_; }
  std::vector<NodePtr>& args() override { return args_; }
  Status Error(int i, const std::string& message) const override {
    size_t at = i < 0 || static_cast<size_t>(i) >= arg_offsets_.size() ? offset_ : arg_offsets_[static_cast<size_t>(i)];
    return binder_.Error(at, name_ + ": " + message);
  }
  Status Coerce(size_t i, const DataType& type) override {
    std::string what = "argument " + std::to_string(i + 1) + " of " + name_;
    auto r = binder_.Implicit(std::move(args_[i]), type, what);
    if (!r.ok()) return r.status();
    args_[i] = std::move(r).value();
    return Status::OK();
  }
  Result<DataType> CoerceNumeric(size_t i) override {
    LD_ASSIGN_OR_RETURN(args_[i], binder_.ParamAsNumber(std::move(args_[i])));
    const DataType t = args_[i]->type();
    if (t.id == TypeId::kNull || t.id == TypeId::kInt32) {
      LD_RETURN_IF_ERROR(Coerce(i, DataType::Int64()));
      return DataType::Int64();
    }
    if (!t.IsNumeric()) {
      return Error(static_cast<int>(i), "argument " + std::to_string(i + 1) + " must be numeric, got " + t.ToString());
    }
    return t;
  }
  Status CoerceToString(size_t i) override {
    if (args_[i]->type().id == TypeId::kString) return Status::OK();
    auto r = binder_.Fold(MakeCast(std::move(args_[i]), DataType::String(), false, false, arg_offsets_[i]));
    if (!r.ok()) return r.status();
    args_[i] = std::move(r).value();
    return Status::OK();
  }
  Result<DataType> Unify(const std::vector<size_t>& indices) override {
    return binder_.UnifyMany(args_, indices, offset_, "arguments of " + name_);
  }
  Result<Value> RequireConstant(size_t i, const std::string& what) override {
    const Value* v = args_[i]->literal();
    if (v == nullptr) return Error(static_cast<int>(i), what + " must be a constant");
    return *v;
  }
  int64_t now_micros() const override { return binder_.now(); }

 private:
  Binder& binder_;
  std::string name_;
  size_t offset_;
  std::vector<NodePtr> args_;
  std::vector<size_t> arg_offsets_;
};

Result<NodePtr> Binder::Fold(NodePtr node) {
  if (node->literal() != nullptr || node->column_index() >= 0 || node->IsVolatile()) return node;
  for (const auto& c : node->children()) {
    if (c->literal() == nullptr) return node;
  }
  EvalContext ctx;
  ctx.folding = true;
  auto result = node->Eval(*fold_batch_, ctx);
  if (!result.ok()) return Error(node->offset(), result.status().message());
  Value v = result->is_scalar ? result->scalar : result->column->GetValue(0);
  if (v.is_null()) v = Value::Null(node->type());
  return MakeLiteral(std::move(v), node->offset());
}

Result<NodePtr> Binder::ParamAsNumber(NodePtr node) {
  const std::string* param = node->param_name();
  if (param == nullptr || node->type().id != TypeId::kString) return node;
  const std::string& value = node->literal()->string_value();
  DataType natural = NaturalNumericType(value);
  if (natural.id == TypeId::kNull) {
    return Error(node->offset(), "parameter :" + *param + " is '" + value + "', not a number");
  }
  return Implicit(std::move(node), natural, "parameter :" + *param);
}

Result<NodePtr> Binder::Implicit(NodePtr node, const DataType& to, const std::string& what) {
  const DataType from = node->type();
  if (from == to) return node;
  const size_t offset = node->offset();
  bool allowed = from.id == TypeId::kNull;
  if (from.IsInteger() && (to.IsNumeric() && !(from.id == TypeId::kInt64 && to.id == TypeId::kInt32))) allowed = true;
  if (from.id == TypeId::kDecimal && (to.id == TypeId::kFloat64 ||
                                      (to.id == TypeId::kDecimal && to.scale >= from.scale &&
                                       to.precision - to.scale >= from.precision - from.scale))) {
    allowed = true;
  }
  if (from.IsTemporal() && to.id == TypeId::kTimestamp) allowed = true;
  if (from.IsVarLength() && to.IsVarLength()) allowed = true;
  const Value* lit = node->literal();
  const std::string* param = node->param_name();
  // Literals convert when the value fits (a run parameter or a string literal for a date).
  bool soft = lit != nullptr && !lit->is_null() &&
              (param != nullptr || (from.id == TypeId::kString && to.IsTemporal()) ||
               (from.IsNumeric() && to.IsNumeric()));
  if (!allowed && !soft) {
    return Error(offset, what + " must be " + to.ToString() + ", got " + from.ToString());
  }
  if (lit != nullptr) {
    EvalContext ctx;
    ctx.folding = true;
    auto cast = CastDatum(Datum::Scalar(*lit), to, false, 1, ctx);
    if (!cast.ok()) {
      std::string source = param != nullptr ? "parameter :" + *param + " value " + LiteralText(*lit) : LiteralText(*lit);
      return Error(offset, "cannot convert " + source + " to " + to.ToString());
    }
    Value v = cast->scalar;
    std::string text;
    if (param == nullptr && from.IsNumeric() && to.IsNumeric()) text = node->ToString();
    return MakeLiteral(std::move(v), offset, param != nullptr && to.id == TypeId::kString ? *param : "", std::move(text));
  }
  return MakeCast(std::move(node), to, false, /*implicit=*/true, offset);
}

// Lossless: a numeric literal takes the other side's numeric type when it fits exactly, so
// `int32_col = 5` or `decimal_col > 100` compare without widening the column.
bool AdoptsType(const ExprNode& lit_node, const DataType& to) {
  const Value* lit = lit_node.literal();
  if (lit == nullptr || lit->is_null() || lit_node.param_name() != nullptr) return false;
  const DataType& from = lit->type();
  if (!from.IsNumeric() || !to.IsNumeric() || to.id == TypeId::kFloat64) return false;
  if (from.id == TypeId::kFloat64) return false;
  EvalContext ctx;
  ctx.folding = true;
  auto there = CastDatum(Datum::Scalar(*lit), to, true, 1, ctx);
  if (!there.ok() || there->scalar.is_null()) return false;
  auto back = CastDatum(there.value(), from, true, 1, ctx);
  return back.ok() && back->scalar == *lit;
}

Status Binder::UnifyForCompare(NodePtr& a, NodePtr& b, size_t offset, const char* verb) {
  // Run parameters and string literals adapt to the other side.
  auto adapt = [&](NodePtr& lit, const NodePtr& other) -> Status {
    const DataType& ot = other->type();
    if (lit->literal() == nullptr || lit->type().id != TypeId::kString || ot.id == TypeId::kString ||
        ot.id == TypeId::kNull || other->param_name() != nullptr) {
      return Status::OK();
    }
    if (lit->param_name() != nullptr) {
      if (ot.IsNumeric()) {
        LD_ASSIGN_OR_RETURN(lit, ParamAsNumber(std::move(lit)));
        return Status::OK();
      }
      const std::string what = "parameter :" + *lit->param_name();
      LD_ASSIGN_OR_RETURN(lit, Implicit(std::move(lit), ot, what));
      return Status::OK();
    }
    if (ot.IsTemporal()) {
      LD_ASSIGN_OR_RETURN(lit, Implicit(std::move(lit), ot, "the literal"));
    }
    return Status::OK();
  };
  LD_RETURN_IF_ERROR(adapt(a, b));
  LD_RETURN_IF_ERROR(adapt(b, a));
  if (a->type() == b->type()) return Status::OK();
  if (AdoptsType(*b, a->type())) {
    LD_ASSIGN_OR_RETURN(b, Implicit(std::move(b), a->type(), "operand"));
    return Status::OK();
  }
  if (AdoptsType(*a, b->type())) {
    LD_ASSIGN_OR_RETURN(a, Implicit(std::move(a), b->type(), "operand"));
    return Status::OK();
  }
  auto common = ComparableType(a->type(), b->type());
  if (!common.ok()) {
    return Error(offset, std::string("cannot ") + verb + " " + a->type().ToString() + " with " + b->type().ToString());
  }
  const DataType t = *common;
  LD_ASSIGN_OR_RETURN(a, Implicit(std::move(a), t, "left operand"));
  LD_ASSIGN_OR_RETURN(b, Implicit(std::move(b), t, "right operand"));
  return Status::OK();
}

Result<DataType> Binder::UnifyMany(std::vector<NodePtr>& nodes, const std::vector<size_t>& indices, size_t offset,
                                   const std::string& what) {
  // The common type of the non-literal-string operands first, then literals adapt.
  DataType t = DataType::Null();
  for (size_t i : indices) {
    const NodePtr& n = nodes[i];
    if (n->param_name() != nullptr) continue;
    auto common = ComparableType(t, n->type());
    if (!common.ok()) {
      return Error(n->offset(), what + " have incompatible types " + t.ToString() + " and " + n->type().ToString());
    }
    t = *common;
  }
  if (t.id == TypeId::kNull) {
    for (size_t i : indices) {
      if (nodes[i]->param_name() != nullptr) t = DataType::String();
    }
  }
  for (size_t i : indices) {
    if (nodes[i]->param_name() != nullptr && t.IsNumeric()) {
      LD_ASSIGN_OR_RETURN(nodes[i], ParamAsNumber(std::move(nodes[i])));
      auto common = ComparableType(t, nodes[i]->type());
      if (common.ok()) t = *common;
    }
  }
  for (size_t i : indices) {
    LD_ASSIGN_OR_RETURN(nodes[i], Implicit(std::move(nodes[i]), t, what));
  }
  return t;
}

Result<NodePtr> Binder::Bind(const AstNode& ast) {
  switch (ast.kind) {
    case AstKind::kLiteral: return MakeLiteral(ast.literal, ast.offset);
    case AstKind::kColumn: return BindColumn(ast);
    case AstKind::kParam: return BindParam(ast);
    case AstKind::kNegate: {
      LD_ASSIGN_OR_RETURN(NodePtr c, Bind(*ast.args[0]));
      LD_ASSIGN_OR_RETURN(c, ParamAsNumber(std::move(c)));
      DataType t = c->type();
      if (t.id == TypeId::kNull || t.id == TypeId::kInt32) t = DataType::Int64();
      if (!t.IsNumeric()) return Error(ast.offset, "cannot negate " + t.ToString());
      LD_ASSIGN_OR_RETURN(c, Implicit(std::move(c), t, "operand of '-'"));
      return Fold(MakeNegate(std::move(c), ast.offset));
    }
    case AstKind::kBinary: return BindBinary(ast);
    case AstKind::kAnd:
    case AstKind::kOr: {
      const char* what = ast.kind == AstKind::kAnd ? "AND" : "OR";
      std::vector<NodePtr> operands;
      for (const auto& a : ast.args) {
        LD_ASSIGN_OR_RETURN(NodePtr n, BindBool(*a, what));
        operands.push_back(std::move(n));
      }
      return Fold(MakeAndOr(ast.kind == AstKind::kAnd, std::move(operands), ast.offset));
    }
    case AstKind::kNot: {
      LD_ASSIGN_OR_RETURN(NodePtr c, BindBool(*ast.args[0], "NOT"));
      return Fold(MakeNot(std::move(c), ast.offset));
    }
    case AstKind::kIsNull: {
      LD_ASSIGN_OR_RETURN(NodePtr c, Bind(*ast.args[0]));
      return Fold(MakeIsNull(std::move(c), ast.negated, ast.offset));
    }
    case AstKind::kIn: return BindIn(ast);
    case AstKind::kBetween: {
      LD_ASSIGN_OR_RETURN(NodePtr x1, Bind(*ast.args[0]));
      LD_ASSIGN_OR_RETURN(NodePtr lo, Bind(*ast.args[1]));
      LD_ASSIGN_OR_RETURN(NodePtr x2, Bind(*ast.args[0]));
      LD_ASSIGN_OR_RETURN(NodePtr hi, Bind(*ast.args[2]));
      LD_ASSIGN_OR_RETURN(NodePtr ge, BindCompare(">=", std::move(x1), std::move(lo), ast.offset));
      LD_ASSIGN_OR_RETURN(NodePtr le, BindCompare("<=", std::move(x2), std::move(hi), ast.offset));
      std::vector<NodePtr> both;
      both.push_back(std::move(ge));
      both.push_back(std::move(le));
      LD_ASSIGN_OR_RETURN(NodePtr between, Fold(MakeAndOr(true, std::move(both), ast.offset)));
      if (!ast.negated) return between;
      return Fold(MakeNot(std::move(between), ast.offset));
    }
    case AstKind::kLike: return BindLike(ast);
    case AstKind::kCase: return BindCase(ast);
    case AstKind::kCast: return BindCast(ast);
    case AstKind::kCall: return BindCall(ast);
  }
  return Status::Internal("unknown syntax node");
}

Result<NodePtr> Binder::BindColumn(const AstNode& ast) {
  int index = schema_.FieldIndex(ast.name);
  if (index < 0) {
    std::vector<std::string> names = schema_.FieldNames();
    std::string hint = ClosestName(ast.name, names);
    std::string msg = "unknown column '" + ast.name + "'";
    if (!hint.empty()) {
      msg += " (did you mean '" + hint + "'?)";
    } else {
      std::string list;
      for (size_t i = 0; i < names.size() && i < 20; ++i) list += (i > 0 ? ", " : "") + names[i];
      if (names.size() > 20) list += ", …";
      msg += names.empty() ? " (the input has no columns)" : " (columns: " + list + ")";
    }
    return Error(ast.offset, msg);
  }
  return MakeColumnRef(index, ast.name, schema_.field(index).type, ast.offset);
}

Result<NodePtr> Binder::BindParam(const AstNode& ast) {
  if (options_.params == nullptr || options_.params->count(ast.name) == 0) {
    std::vector<std::string> names;
    if (options_.params != nullptr) {
      for (const auto& [k, v] : *options_.params) names.push_back(k);
    }
    std::string msg = "unknown parameter ':" + ast.name + "'";
    std::string hint = ClosestName(ast.name, names);
    if (!hint.empty()) msg += " (did you mean ':" + hint + "'?)";
    else if (names.empty()) msg += " (the run has no parameters)";
    return Error(ast.offset, msg);
  }
  return MakeLiteral(Value::String(options_.params->at(ast.name)), ast.offset, ast.name);
}

Result<NodePtr> Binder::BindBool(const AstNode& ast, const char* what) {
  LD_ASSIGN_OR_RETURN(NodePtr n, Bind(ast));
  if (n->type().id == TypeId::kNull) return Implicit(std::move(n), DataType::Bool(), what);
  if (n->type().id != TypeId::kBool) {
    return Error(ast.offset, std::string(what) + " expects a bool operand, got " + n->type().ToString());
  }
  return n;
}

Result<NodePtr> Binder::BindBinary(const AstNode& ast) {
  LD_ASSIGN_OR_RETURN(NodePtr l, Bind(*ast.args[0]));
  LD_ASSIGN_OR_RETURN(NodePtr r, Bind(*ast.args[1]));
  const std::string& op = ast.name;
  if (op == "||") {
    for (NodePtr* side : {&l, &r}) {
      if ((*side)->type().id != TypeId::kString) {
        const size_t at = (*side)->offset();
        LD_ASSIGN_OR_RETURN(*side, Fold(MakeCast(std::move(*side), DataType::String(), false, false, at)));
      }
    }
    return Fold(MakeConcatOperator(std::move(l), std::move(r), ast.offset));
  }
  if (op == "+" || op == "-" || op == "*" || op == "/" || op == "%") return BindArithmetic(op, std::move(l), std::move(r), ast.offset);
  return BindCompare(op, std::move(l), std::move(r), ast.offset);
}

Result<NodePtr> Binder::BindCompare(const std::string& op, NodePtr l, NodePtr r, size_t offset) {
  LD_RETURN_IF_ERROR(UnifyForCompare(l, r, offset, "compare"));
  CompareOp cmp = op == "=" ? CompareOp::kEq : op == "!=" ? CompareOp::kNe : op == "<" ? CompareOp::kLt
                : op == "<=" ? CompareOp::kLe : op == ">" ? CompareOp::kGt : CompareOp::kGe;
  return Fold(MakeCompare(cmp, std::move(l), std::move(r), offset));
}

Result<NodePtr> Binder::BindArithmetic(const std::string& op, NodePtr l, NodePtr r, size_t offset) {
  ArithOp aop = op == "+" ? ArithOp::kAdd : op == "-" ? ArithOp::kSub : op == "*" ? ArithOp::kMul
              : op == "/" ? ArithOp::kDiv : ArithOp::kMod;
  // Parameters next to a date are day counts; next to numbers they are numbers.
  if (l->type().IsTemporal() || r->type().IsTemporal()) {
    if (l->param_name() != nullptr) {
      LD_ASSIGN_OR_RETURN(l, ParamAsNumber(std::move(l)));
    }
    if (r->param_name() != nullptr) {
      LD_ASSIGN_OR_RETURN(r, ParamAsNumber(std::move(r)));
    }
    const FunctionRegistry& reg = FunctionRegistry::Builtin();
    bool ld = l->type().id == TypeId::kDate, rd = r->type().id == TypeId::kDate;
    std::vector<NodePtr> args;
    std::vector<size_t> offsets{offset, offset, offset};
    const FunctionInfo* fn = nullptr;
    if (ld && rd && aop == ArithOp::kSub) {  // date - date = days between
      fn = reg.Find("date_diff");
      args.push_back(MakeLiteral(Value::String("day"), offset));
      args.push_back(std::move(r));
      args.push_back(std::move(l));
    } else if ((ld && r->type().IsInteger() && (aop == ArithOp::kAdd || aop == ArithOp::kSub)) ||
               (rd && l->type().IsInteger() && aop == ArithOp::kAdd)) {  // date ± days
      fn = reg.Find("date_add");
      NodePtr days = ld ? std::move(r) : std::move(l);
      NodePtr date = ld ? std::move(l) : std::move(r);
      if (aop == ArithOp::kSub) {
        LD_ASSIGN_OR_RETURN(days, Implicit(std::move(days), DataType::Int64(), "day count"));
        LD_ASSIGN_OR_RETURN(days, Fold(MakeNegate(std::move(days), offset)));
      }
      args.push_back(MakeLiteral(Value::String("day"), offset));
      args.push_back(std::move(days));
      args.push_back(std::move(date));
    } else {
      return Error(offset, "cannot apply '" + op + "' to " + l->type().ToString() + " and " + r->type().ToString() +
                               " (use date_add / date_diff)");
    }
    CallBinderImpl call(*this, fn->name, offset, std::move(args), offsets);
    LD_ASSIGN_OR_RETURN(NodePtr node, fn->bind(call));
    return Fold(std::move(node));
  }
  LD_ASSIGN_OR_RETURN(l, ParamAsNumber(std::move(l)));
  LD_ASSIGN_OR_RETURN(r, ParamAsNumber(std::move(r)));
  DataType lt = l->type(), rt = r->type();
  if (lt.id == TypeId::kNull) lt = rt.id == TypeId::kNull ? DataType::Int64() : rt;
  if (rt.id == TypeId::kNull) rt = lt;
  if (!IsNumeric(lt) || !IsNumeric(rt)) {
    return Error(offset, "cannot apply '" + op + "' to " + l->type().ToString() + " and " + r->type().ToString());
  }
  DataType result, lcast, rcast;
  if (lt.id == TypeId::kFloat64 || rt.id == TypeId::kFloat64 ||
      (aop == ArithOp::kDiv && (lt.id == TypeId::kDecimal || rt.id == TypeId::kDecimal))) {
    result = lcast = rcast = DataType::Float64();
  } else if (lt.id == TypeId::kDecimal || rt.id == TypeId::kDecimal) {
    DataType a = AsDecimal(lt), b = AsDecimal(rt);
    if (aop == ArithOp::kMul) {
      int scale = a.scale + b.scale;
      if (scale > 38) {
        result = lcast = rcast = DataType::Float64();
      } else {
        result = DataType::Decimal(std::min(38, a.precision + b.precision), scale);
        lcast = a;
        rcast = b;
      }
    } else {
      int scale = std::max(a.scale, b.scale);
      int integral = std::max(a.precision - a.scale, b.precision - b.scale);
      if (integral + scale > 38) {
        result = lcast = rcast = DataType::Float64();
      } else {
        result = DataType::Decimal(std::min(38, integral + scale + 1), scale);
        lcast = DataType::Decimal(a.precision - a.scale + scale, scale);
        rcast = DataType::Decimal(b.precision - b.scale + scale, scale);
      }
    }
  } else {
    result = lcast = rcast = DataType::Int64();
  }
  LD_ASSIGN_OR_RETURN(l, Implicit(std::move(l), lcast, "left operand of '" + op + "'"));
  LD_ASSIGN_OR_RETURN(r, Implicit(std::move(r), rcast, "right operand of '" + op + "'"));
  return Fold(MakeArithmetic(aop, std::move(l), std::move(r), result, offset));
}

Result<NodePtr> Binder::BindIn(const AstNode& ast) {
  LD_ASSIGN_OR_RETURN(NodePtr x, Bind(*ast.args[0]));
  std::vector<NodePtr> items;
  bool all_constant = true;
  for (size_t i = 1; i < ast.args.size(); ++i) {
    LD_ASSIGN_OR_RETURN(NodePtr item, Bind(*ast.args[i]));
    all_constant &= item->literal() != nullptr;
    items.push_back(std::move(item));
  }
  if (!all_constant) {
    // x IN (a, b) with non-constant items is (x = a) OR (x = b).
    std::vector<NodePtr> ors;
    for (size_t i = 1; i < ast.args.size(); ++i) {
      LD_ASSIGN_OR_RETURN(NodePtr xi, Bind(*ast.args[0]));
      LD_ASSIGN_OR_RETURN(NodePtr eq, BindCompare("=", std::move(xi), std::move(items[i - 1]), ast.args[i]->offset));
      ors.push_back(std::move(eq));
    }
    NodePtr any = ors.size() == 1 ? std::move(ors[0]) : MakeAndOr(false, std::move(ors), ast.offset);
    LD_ASSIGN_OR_RETURN(any, Fold(std::move(any)));
    if (!ast.negated) return any;
    return Fold(MakeNot(std::move(any), ast.offset));
  }
  // Constant list: unify each item with x as a comparison would, then convert all to one type.
  DataType t = x->type();
  for (auto& item : items) {
    if (item->literal()->is_null()) continue;
    NodePtr probe = MakeLiteral(Value::Null(t), x->offset());
    NodePtr copy = MakeLiteral(*item->literal(), item->offset(), item->param_name() ? *item->param_name() : "");
    if (x->literal() == nullptr && t.id != TypeId::kNull) {
      // Compare against a stand-in of x's type so literal adaptation rules apply.
      probe = MakeCast(MakeLiteral(Value::Null(), x->offset()), t, false, true, x->offset());
    }
    LD_RETURN_IF_ERROR(UnifyForCompare(probe, copy, item->offset(), "compare"));
    t = probe->type();
    item = std::move(copy);
  }
  LD_ASSIGN_OR_RETURN(x, Implicit(std::move(x), t, "the IN operand"));
  std::vector<Value> values;
  bool has_null = false;
  for (auto& item : items) {
    if (item->literal()->is_null()) {
      has_null = true;
      continue;
    }
    LD_ASSIGN_OR_RETURN(item, Implicit(std::move(item), t, "IN list item"));
    values.push_back(*item->literal());
  }
  if (t.id == TypeId::kNull) return MakeLiteral(Value::Null(DataType::Bool()), ast.offset);
  return Fold(MakeInList(std::move(x), std::move(values), has_null, ast.negated, ast.offset));
}

Result<NodePtr> Binder::BindLike(const AstNode& ast) {
  LD_ASSIGN_OR_RETURN(NodePtr value, Bind(*ast.args[0]));
  LD_ASSIGN_OR_RETURN(NodePtr pattern, Bind(*ast.args[1]));
  if (value->type().id != TypeId::kString) {
    if (value->type().id == TypeId::kNull) {
      LD_ASSIGN_OR_RETURN(value, Implicit(std::move(value), DataType::String(), "LIKE operand"));
    } else {
      LD_ASSIGN_OR_RETURN(value, Fold(MakeCast(std::move(value), DataType::String(), false, false, ast.args[0]->offset)));
    }
  }
  LD_ASSIGN_OR_RETURN(pattern, Implicit(std::move(pattern), DataType::String(), "the LIKE pattern"));
  return Fold(MakeLike(std::move(value), std::move(pattern), ast.insensitive, ast.negated, ast.offset));
}

Result<NodePtr> Binder::BindCase(const AstNode& ast) {
  size_t first = ast.has_operand ? 1 : 0;
  size_t end = ast.args.size() - (ast.has_else ? 1 : 0);
  if ((end - first) / 2 > 1000) return Error(ast.offset, "CASE has more than 1000 WHEN branches");
  std::vector<NodePtr> whens;
  std::vector<NodePtr> values;
  std::vector<size_t> value_offsets;
  for (size_t i = first; i + 1 < end; i += 2) {
    if (ast.has_operand) {
      LD_ASSIGN_OR_RETURN(NodePtr operand, Bind(*ast.args[0]));
      LD_ASSIGN_OR_RETURN(NodePtr candidate, Bind(*ast.args[i]));
      LD_ASSIGN_OR_RETURN(NodePtr eq, BindCompare("=", std::move(operand), std::move(candidate), ast.args[i]->offset));
      whens.push_back(std::move(eq));
    } else {
      LD_ASSIGN_OR_RETURN(NodePtr cond, BindBool(*ast.args[i], "WHEN"));
      whens.push_back(std::move(cond));
    }
    LD_ASSIGN_OR_RETURN(NodePtr then, Bind(*ast.args[i + 1]));
    values.push_back(std::move(then));
  }
  if (ast.has_else) {
    LD_ASSIGN_OR_RETURN(NodePtr otherwise, Bind(*ast.args.back()));
    values.push_back(std::move(otherwise));
  } else {
    values.push_back(MakeLiteral(Value::Null(), ast.offset));
  }
  std::vector<size_t> all;
  for (size_t i = 0; i < values.size(); ++i) all.push_back(i);
  LD_ASSIGN_OR_RETURN(DataType t, UnifyMany(values, all, ast.offset, "CASE results"));
  NodePtr otherwise = std::move(values.back());
  values.pop_back();
  // Constant conditions settle the CASE at bind time.
  std::vector<NodePtr> kept_whens, kept_values;
  for (size_t k = 0; k < whens.size(); ++k) {
    const Value* c = whens[k]->literal();
    if (c != nullptr && (c->is_null() || !c->bool_value())) continue;  // never taken
    if (c != nullptr && kept_whens.empty()) return std::move(values[k]);  // always taken first
    if (c != nullptr) {  // always taken from here: it becomes the ELSE
      otherwise = std::move(values[k]);
      break;
    }
    kept_whens.push_back(std::move(whens[k]));
    kept_values.push_back(std::move(values[k]));
  }
  if (kept_whens.empty()) return otherwise;
  return MakeCase(std::move(kept_whens), std::move(kept_values), std::move(otherwise), t, ast.offset);
}

Result<NodePtr> Binder::BindCast(const AstNode& ast) {
  LD_ASSIGN_OR_RETURN(NodePtr value, Bind(*ast.args[0]));
  auto type = DataType::Parse(ast.type_text);
  if (!type.ok()) return Error(ast.type_offset, type.status().message());
  if (type->id == TypeId::kNull) return Error(ast.type_offset, "cannot cast to null");
  if (!CanCast(value->type(), *type)) {
    return Error(ast.offset, "cannot cast " + value->type().ToString() + " to " + type->ToString());
  }
  return Fold(MakeCast(std::move(value), *type, ast.is_try, false, ast.offset));
}

Result<NodePtr> Binder::BindCall(const AstNode& ast) {
  std::string name;
  for (char c : ast.name) name.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  const FunctionRegistry& registry = FunctionRegistry::Builtin();
  const FunctionInfo* fn = registry.Find(name);
  if (fn == nullptr) {
    std::string hint = ClosestName(name, registry.Names());
    return Error(ast.offset, "unknown function '" + ast.name + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
  }
  const int n = static_cast<int>(ast.args.size());
  if (n < fn->min_args || (fn->max_args >= 0 && n > fn->max_args)) {
    std::string expected = fn->min_args == fn->max_args ? std::to_string(fn->min_args)
                           : fn->max_args < 0           ? "at least " + std::to_string(fn->min_args)
                                                        : std::to_string(fn->min_args) + " to " + std::to_string(fn->max_args);
    return Error(ast.offset, name + " expects " + expected + " argument" + (expected == "1" ? "" : "s") + ", got " +
                                 std::to_string(n) + " (" + fn->signature + ")");
  }
  std::vector<NodePtr> args;
  std::vector<size_t> offsets;
  for (const auto& a : ast.args) {
    LD_ASSIGN_OR_RETURN(NodePtr arg, Bind(*a));
    args.push_back(std::move(arg));
    offsets.push_back(a->offset);
  }
  CallBinderImpl call(*this, name, ast.offset, std::move(args), std::move(offsets));
  LD_ASSIGN_OR_RETURN(NodePtr node, fn->bind(call));
  return Fold(std::move(node));
}

}  // namespace

Result<NodePtr> BindExpression(std::string_view text, const AstNode& ast, const Schema& schema,
                               const ExpressionOptions& options) {
  Binder binder(text, schema, options);
  return binder.Bind(ast);
}

}  // namespace logidata::expr

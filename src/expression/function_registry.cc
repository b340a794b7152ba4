#include "expression/function_registry.h"

#include "common/check.h"

namespace logidata::expr {

const FunctionRegistry& FunctionRegistry::Builtin() {
  static const FunctionRegistry* registry = [] {
    auto* r = new FunctionRegistry();
    RegisterStringFunctions(*r);
    RegisterMathFunctions(*r);
    RegisterConditionalFunctions(*r);
    RegisterRegexFunctions(*r);
    RegisterTemporalFunctions(*r);
    RegisterStringPartFunctions(*r);
    RegisterDateFormatFunctions(*r);
    RegisterJsonFunctions(*r);
    RegisterDigestFunctions(*r);
    return r;
  }();
  return *registry;
}

void FunctionRegistry::Add(FunctionInfo info) {
  LD_CHECK(functions_.count(info.name) == 0);  // duplicate names are a programming error
  std::string key = info.name;
  functions_.emplace(std::move(key), std::move(info));
}

const FunctionInfo* FunctionRegistry::Find(const std::string& lower_name) const {
  auto it = functions_.find(lower_name);
  return it == functions_.end() ? nullptr : &it->second;
}

std::vector<std::string> FunctionRegistry::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, info] : functions_) names.push_back(name);
  return names;
}

Result<Datum> FunctionNode::Eval(const Batch& batch, const EvalContext& ctx) const {
  std::vector<Datum> args;
  args.reserve(children_.size());
  for (const auto& c : children_) {
    LD_ASSIGN_OR_RETURN(Datum d, c->Eval(batch, ctx));
    if (strict_ && d.IsNullScalar()) return Datum::Scalar(Value::Null(type_));
    args.push_back(std::move(d));
  }
  return kernel_(*this, args, batch.num_rows(), ctx);
}

std::string FunctionNode::ToString() const {
  std::string out = name_ + "(";
  for (size_t i = 0; i < children_.size(); ++i) {
    if (i > 0) out += ", ";
    out += children_[i]->ToString();
  }
  return out + ")";
}

BufferPtr StrictValidity(const std::vector<Datum>& args, int64_t n) {
  BufferPtr out;
  for (const auto& a : args) {
    const uint8_t* v = ValidityOf(a);
    if (v == nullptr) continue;
    if (out == nullptr) {
      out = CopyValidity(n, v);
    } else {
      uint8_t* o = out->mutable_data();
      for (int64_t i = 0; i < BitmapBytes(n); ++i) o[i] &= v[i];
    }
  }
  return out;
}

}  // namespace logidata::expr

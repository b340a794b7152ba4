// coalesce, nullif, greatest, least (NULL arguments are skipped, as in PostgreSQL) and hash.
#include "expression/function_registry.h"
#include "expression/nodes.h"

namespace logidata::expr {

namespace {

Result<Datum> Coalesce(const FunctionNode& self, std::vector<Datum>& args, int64_t n, const EvalContext&) {
  std::vector<NullReader> nulls;
  for (const auto& a : args) nulls.emplace_back(a);
  std::vector<uint16_t> pick(static_cast<size_t>(n), kPickNull);
  for (int64_t i = 0; i < n; ++i) {
    for (size_t k = 0; k < args.size(); ++k) {
      if (!nulls[k].IsNull(i)) {
        pick[static_cast<size_t>(i)] = static_cast<uint16_t>(k);
        break;
      }
    }
  }
  return Datum::Array(GatherRows(self.type(), args, pick, n));
}

// Index of the winning argument per row: greatest (kMax) or least.
template <bool kMax>
Result<Datum> Extreme(const FunctionNode& self, std::vector<Datum>& args, int64_t n, const EvalContext&) {
  std::vector<NullReader> nulls;
  for (const auto& a : args) nulls.emplace_back(a);
  std::vector<uint16_t> pick(static_cast<size_t>(n), kPickNull);
  auto choose = [&](auto&& better) {
    for (int64_t i = 0; i < n; ++i) {
      uint16_t best = kPickNull;
      for (size_t k = 0; k < args.size(); ++k) {
        if (nulls[k].IsNull(i)) continue;
        if (best == kPickNull || better(k, best, i)) best = static_cast<uint16_t>(k);
      }
      pick[static_cast<size_t>(i)] = best;
    }
  };
  const TypeId id = self.type().id;
  if (id == TypeId::kString || id == TypeId::kBinary) {
    std::vector<StringReader> r;
    for (const auto& a : args) r.emplace_back(a);
    choose([&](size_t k, size_t best, int64_t i) { return kMax ? r[k][i] > r[best][i] : r[k][i] < r[best][i]; });
  } else if (id == TypeId::kBool) {
    std::vector<ColumnPtr> c;
    for (const auto& a : args) c.push_back(a.ToColumn(n));
    choose([&](size_t k, size_t best, int64_t i) {
      return kMax ? c[k]->GetBool(i) > c[best]->GetBool(i) : c[k]->GetBool(i) < c[best]->GetBool(i);
    });
  } else if (id != TypeId::kNull) {
    DispatchFixed(id, [&](auto t) {
      using T = decltype(t);
      std::vector<FixedReader<T>> r;
      for (const auto& a : args) r.push_back(MakeFixedReader<T>(a));
      choose([&](size_t k, size_t best, int64_t i) { return kMax ? r[k][i] > r[best][i] : r[k][i] < r[best][i]; });
      return 0;
    });
  }
  return Datum::Array(GatherRows(self.type(), args, pick, n));
}

// nullif(a, b): NULL where a = b, else a.
Result<Datum> NullIf(const FunctionNode& self, std::vector<Datum>& args, int64_t n, const EvalContext&) {
  std::vector<uint16_t> pick(static_cast<size_t>(n), 0);
  NullReader bnull(args[1]);
  auto mark = [&](auto&& equal) {
    for (int64_t i = 0; i < n; ++i) {
      if (!bnull.IsNull(i) && equal(i)) pick[static_cast<size_t>(i)] = kPickNull;
    }
  };
  const TypeId id = self.type().id;
  if (id == TypeId::kString || id == TypeId::kBinary) {
    StringReader a(args[0]), b(args[1]);
    mark([&](int64_t i) { return a[i] == b[i]; });
  } else if (id == TypeId::kBool) {
    ColumnPtr a = args[0].ToColumn(n), b = args[1].ToColumn(n);
    mark([&](int64_t i) { return a->GetBool(i) == b->GetBool(i); });
  } else if (id != TypeId::kNull) {
    DispatchFixed(id, [&](auto t) {
      using T = decltype(t);
      FixedReader<T> a = MakeFixedReader<T>(args[0]), b = MakeFixedReader<T>(args[1]);
      mark([&](int64_t i) { return a[i] == b[i]; });
      return 0;
    });
  }
  std::vector<Datum> inputs{args[0]};
  return Datum::Array(GatherRows(self.type(), inputs, pick, n));
}

inline uint64_t Mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

Result<Datum> Hash(const FunctionNode& self, std::vector<Datum>& args, int64_t n, const EvalContext&) {
  BufferPtr values = NewBuffer(n * 8);
  uint64_t* out = values->mutable_data_as<uint64_t>();
  for (int64_t i = 0; i < n; ++i) out[i] = 0x9E3779B97F4A7C15ULL;
  for (const Datum& a : args) {
    ColumnPtr c = a.ToColumn(n);
    const TypeId id = c->type().id;
    for (int64_t i = 0; i < n; ++i) {
      uint64_t h;
      if (c->IsNull(i)) {
        h = 0x5bd1e995ULL;
      } else {
        switch (id) {
          case TypeId::kBool: h = c->GetBool(i) ? 1 : 2; break;
          case TypeId::kInt32:
          case TypeId::kDate: h = static_cast<uint64_t>(static_cast<int64_t>(c->Get<int32_t>(i))); break;
          case TypeId::kInt64:
          case TypeId::kTimestamp: h = static_cast<uint64_t>(c->Get<int64_t>(i)); break;
          case TypeId::kFloat64: {
            double d = c->Get<double>(i);
            if (d == 0) d = 0;  // -0.0 hashes as 0.0
            std::memcpy(&h, &d, 8);
            break;
          }
          case TypeId::kDecimal: {
            int128_t v = c->Get<int128_t>(i);
            h = static_cast<uint64_t>(v) ^ Mix(static_cast<uint64_t>(static_cast<unsigned __int128>(v) >> 64));
            break;
          }
          default: h = std::hash<std::string_view>()(c->GetString(i)); break;
        }
      }
      out[i] = Mix(out[i] * 31 + h);
    }
  }
  return Datum::Array(MakeColumn(self.type(), n, nullptr, values));
}

}  // namespace

void RegisterConditionalFunctions(FunctionRegistry& r) {
  auto unify_all = [](KernelFn kernel) {
    return [kernel](CallBinder& b) -> Result<NodePtr> {
      std::vector<size_t> all;
      for (size_t i = 0; i < b.args().size(); ++i) all.push_back(i);
      LD_ASSIGN_OR_RETURN(DataType t, b.Unify(all));
      return NodePtr(std::make_unique<FunctionNode>(b.name(), t, std::move(b.args()), kernel, false, false, b.offset()));
    };
  };
  r.Add({"coalesce", 1, -1, "coalesce(value, …)", unify_all(Coalesce)});
  r.Add({"greatest", 1, -1, "greatest(value, …)", unify_all(Extreme<true>)});
  r.Add({"least", 1, -1, "least(value, …)", unify_all(Extreme<false>)});
  r.Add({"nullif", 2, 2, "nullif(value, other)", unify_all(NullIf)});
  r.Add({"hash", 1, -1, "hash(value, …)", [](CallBinder& b) -> Result<NodePtr> {
           return NodePtr(std::make_unique<FunctionNode>(b.name(), DataType::Int64(), std::move(b.args()), Hash, false,
                                                         false, b.offset()));
         }});
}

}  // namespace logidata::expr

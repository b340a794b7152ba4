// libFuzzer target for the expression language: compiles arbitrary text against a fixed schema
// covering every type and, when it compiles, evaluates it (and its canonical text) on a small
// batch with NULLs. Any crash, sanitizer report or failed invariant is a bug; errors are fine.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "expression/expression.h"
#include "types/column_builder.h"
#include "types/temporal.h"

namespace {

using namespace logidata;

const Batch& FuzzBatch() {
  static BatchPtr batch = [] {
    SchemaPtr schema = MakeSchema({{"i", DataType::Int64()},
                                   {"j", DataType::Int32()},
                                   {"f", DataType::Float64()},
                                   {"d", DataType::Decimal(10, 2)},
                                   {"s", DataType::String()},
                                   {"t", DataType::String()},
                                   {"b", DataType::Bool()},
                                   {"dt", DataType::Date()},
                                   {"ts", DataType::Timestamp()},
                                   {"bin", DataType::Binary()}});
    std::vector<ColumnBuilder> cols;
    for (const auto& f : schema->fields()) cols.emplace_back(f.type);
    const int64_t rows = 70;  // more than one 64-bit word of rows
    for (int64_t r = 0; r < rows; ++r) {
      bool null = r % 7 == 3;
      auto add = [&](int c, auto&& fn) {
        if (null) cols[static_cast<size_t>(c)].AppendNull();
        else fn(cols[static_cast<size_t>(c)]);
      };
      add(0, [&](ColumnBuilder& b) { b.AppendInt64(r % 5 == 0 ? INT64_MAX - r : r * 37 - 1000); });
      add(1, [&](ColumnBuilder& b) { b.AppendInt32(static_cast<int32_t>(r % 4 == 0 ? 0 : r - 30)); });
      add(2, [&](ColumnBuilder& b) { b.AppendDouble(r % 9 == 0 ? -0.0 : r * 1.25 - 40); });
      add(3, [&](ColumnBuilder& b) { b.AppendDecimal(static_cast<int128_t>(r) * 12345 - 300000); });
      add(4, [&](ColumnBuilder& b) {
        const char* words[] = {"Hello", "", " spaced ", "12", "2024-01-02", "héllo wörld", "%_\\", "true"};
        b.AppendString(words[r % 8]);
      });
      add(5, [&](ColumnBuilder& b) { b.AppendString(std::string(static_cast<size_t>(r % 5), 'x') + "%"); });
      add(6, [&](ColumnBuilder& b) { b.AppendBool(r % 3 == 0); });
      add(7, [&](ColumnBuilder& b) { b.AppendDate(static_cast<int32_t>(19000 + r * 13)); });
      add(8, [&](ColumnBuilder& b) { b.AppendTimestamp(1700000000000000LL + r * 3600000000LL); });
      add(9, [&](ColumnBuilder& b) { b.AppendString(std::string(1, static_cast<char>(r))); });
    }
    std::vector<ColumnPtr> columns;
    for (auto& c : cols) columns.push_back(c.Finish());
    return Batch::Make(schema, std::move(columns), rows);
  }();
  return *batch;
}

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant failed: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);
  const Batch& batch = FuzzBatch();
  static const ParameterMap params = {{"p", "42"}, {"d", "2024-05-01"}, {"s", "text"}, {"x", "1.5"}};
  ExpressionOptions options;
  options.params = &params;
  options.now_micros = 1718454600000000;
  auto compiled = CompileExpression(text, *batch.schema(), options);
  if (!compiled.ok()) {
    Check(compiled.status().IsInvalidArgument(), "compile errors are InvalidArgument");
    Check(!compiled.status().message().empty() && std::isdigit(static_cast<unsigned char>(compiled.status().message()[0])),
          "compile errors start with line:column");
    return 0;
  }
  const CompiledExpression& e = **compiled;
  for (int c : e.ReferencedColumns()) Check(c >= 0 && c < batch.num_columns(), "referenced column in range");
  auto result = e.Evaluate(batch);
  if (result.ok()) {
    Check((*result)->length() == batch.num_rows(), "result length");
    Check((*result)->type().id == e.type().id, "result type");
    for (int64_t r = 0; r < batch.num_rows(); ++r) (void)(*result)->GetValue(r).ToString();
    if (e.type().id == TypeId::kBool) {
      auto sel = EvaluatePredicate(e, batch);
      Check(sel.ok(), "predicate evaluates when the expression does");
    }
  } else {
    Check(result.status().IsDataError(), "runtime errors are DataError");
  }
  // The canonical text must compile again to the same canonical text.
  std::string canonical = e.ToString();
  auto again = CompileExpression(canonical, *batch.schema(), options);
  if (!again.ok()) {
    std::fprintf(stderr, "canonical text does not compile: %s\n  from: %s\n  error: %s\n", canonical.c_str(),
                 text.c_str(), again.status().message().c_str());
    std::abort();
  }
  return 0;
}

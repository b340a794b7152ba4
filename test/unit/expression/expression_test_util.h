// Shared fixtures for the expression tests: one batch covering every type with NULLs, and
// helpers that compile + evaluate and render results as "v0|v1|…" ("NULL" for nulls).
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "expression/expression.h"
#include "support/test_batches.h"

namespace logidata::testing {

inline const char* kSchemaSpec =
    "i:int64, j:int32, f:float64, d:decimal(10,2), s:string, t:string, b:bool, dt:date, ts:timestamp";

// Four rows; row 2 is all NULL (except j), so every operator meets NULL inputs.
inline BatchPtr SampleBatch() {
  static BatchPtr batch = MakeBatch(kSchemaSpec, {
      {"1", "10", "1.5", "12.50", "Hello", " a b ", "true", "2024-01-15", "2024-01-15 10:30:45"},
      {"-7", "3", "-2.25", "-0.05", "world", "x", "false", "2023-12-31", "2023-12-31 23:59:59"},
      {"NULL", "0", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"},
      {"100", "NULL", "0", "100.00", "", "%_", "true", "2024-02-29", "2024-02-29 00:00:00"},
  });
  return batch;
}

inline std::string Render(const Column& c) {
  std::string out;
  for (int64_t r = 0; r < c.length(); ++r) {
    if (r > 0) out += "|";
    out += c.IsNull(r) ? "NULL" : c.GetValue(r).ToString();
  }
  return out;
}

// Compiles `text` against the sample schema and evaluates it; "ERROR: message" on failure.
inline std::string EvalText(const std::string& text, const ParameterMap* params = nullptr,
                            std::string* type_out = nullptr) {
  BatchPtr batch = SampleBatch();
  ExpressionOptions options;
  options.params = params;
  options.now_micros = 1718454600000000;  // 2024-06-15 12:30:00 UTC
  auto compiled = CompileExpression(text, *batch->schema(), options);
  if (!compiled.ok()) return "ERROR: " + compiled.status().message();
  if (type_out != nullptr) *type_out = (*compiled)->type().ToString();
  auto column = (*compiled)->Evaluate(*batch);
  if (!column.ok()) return "ERROR: " + column.status().message();
  EXPECT_EQ((*column)->length(), batch->num_rows()) << text;
  return Render(**column);
}

struct EvalCase {
  std::string expression;
  std::string expected;  // "v0|v1|v2|v3" or "ERROR: …"; a trailing '*' matches a prefix
  std::string type = "";  // expected result type, when given
};

inline void RunCases(const std::vector<EvalCase>& cases) {
  for (const auto& c : cases) {
    SCOPED_TRACE(c.expression);
    std::string type;
    std::string actual = EvalText(c.expression, nullptr, &type);
    if (!c.expected.empty() && c.expected.back() == '*') {  // prefix match for long messages
      EXPECT_EQ(actual.substr(0, c.expected.size() - 1), c.expected.substr(0, c.expected.size() - 1));
    } else {
      EXPECT_EQ(actual, c.expected);
    }
    if (!c.type.empty()) {
      EXPECT_EQ(type, c.type);
    }
  }
}

}  // namespace logidata::testing

// The expression language used by filter, derive, validation rules and join/aggregate options:
// SQL-like scalar expressions, typed against a schema at bind time and evaluated vectorized over
// whole batches.
//
//   amount > 100 AND status IN ('shipped', 'paid')
//   lower(trim(email))            coalesce(a, b, 0)           CASE WHEN x > 0 THEN 'pos' ELSE 'neg' END
//   name LIKE 'A%'                regexp_matches(s, '^\d+$')  regexp_replace(s, '\s+', ' ')
//   substr(s, 1, 3)               concat(a, '-', b)           length(s)   abs(x)   round(x, 2)
//   cast(x AS decimal(10,2))      year(d) month(d) day(d)     date_trunc('month', ts)   now()
//   x IS NULL / IS NOT NULL       :start_date (a run parameter)   "quoted column name"
//
// Null semantics follow SQL (three-valued logic; a filter keeps rows whose predicate is true).
// Compiled expressions are immutable; Evaluate may be called from many threads at once.
//
// Semantics worth knowing (details in src/expression/binder.h and the function files):
//   * Integer arithmetic is int64 and checked (overflow is a DataError). Integer `/` truncates
//     toward zero, `%` takes the dividend's sign; x / 0 and x % 0 are NULL. Decimals stay exact
//     for + - * %; `/` with a decimal or float operand gives float64.
//   * date ± integer adds days; date - date is days; otherwise use date_add / date_diff.
//   * A string literal compared with a date/timestamp is parsed at compile time; a :param is
//     converted to whatever its context needs (number, date, …); a bad value is a compile error.
//   * CASE branches, and AND/OR operands after the first, run only on rows that still need
//     them, so `s ~ '^\d+$' AND CAST(s AS int) > 5` never fails on non-numeric rows.
//   * lower/upper map ASCII only; length/substr count UTF-8 code points; concat() skips NULLs
//     while `||` yields NULL; regexp_replace replaces every match; day_of_week: 0 = Sunday.
//   * Runtime errors name the 0-based row within the evaluated batch: "row 12: cannot cast …".
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "module/exec_context.h"
#include "types/batch.h"

namespace logidata {

class CompiledExpression {
 public:
  virtual ~CompiledExpression() = default;
  // The result type, fixed at bind time.
  virtual const DataType& type() const = 0;
  // Evaluates over `batch`, whose schema must equal the one the expression was compiled against.
  // Returns a column of batch.num_rows() rows. Runtime errors (a failed cast, division by zero is
  // NULL, not an error) are DataError naming the row within the batch.
  virtual Result<ColumnPtr> Evaluate(const Batch& batch) const = 0;
  // Indices of the schema columns the expression reads (for projection push-down).
  virtual std::vector<int> ReferencedColumns() const = 0;
  // Canonical text of the typed expression, e.g. "(amount > 100) AND (status IN ('shipped'))".
  virtual std::string ToString() const = 0;
};

struct ExpressionOptions {
  const ParameterMap* params = nullptr;  // values for :name parameters (typed as string literals
                                         // and cast implicitly where a date/number is expected)
  // The instant now() / current_date return, in microseconds since the epoch (UTC); 0 = the clock
  // at compile time. A run should pass its start time so every node sees the same instant.
  int64_t now_micros = 0;
};

// Parses and types `text` against `schema`. Errors are InvalidArgument with the 1-based
// position inside `text` and the cause: "1:8: unknown column 'amout' (did you mean 'amount'?)",
// "1:12: cannot compare string with int64", "1:20: expected ')'".
Result<std::unique_ptr<CompiledExpression>> CompileExpression(std::string_view text, const Schema& schema,
                                                              const ExpressionOptions& options = {});

// Evaluates a boolean expression and returns the selection: a bitmap of batch.num_rows() bits,
// set where the predicate is true (NULL counts as false), plus the number of set bits.
struct Selection {
  BufferPtr bitmap;
  int64_t count = 0;
};
Result<Selection> EvaluatePredicate(const CompiledExpression& predicate, const Batch& batch);

}  // namespace logidata

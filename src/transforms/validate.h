// transform.validate: data-quality checks in the spirit of dbt tests and Great Expectations.
//
// Row rules (not_null, unique, in_set, range, regex, expression) judge each row: rows that pass
// every row rule go to "out"; the others go to "rejects" with `_rule` (the first rule they fail)
// and `_reason`. Dataset rules (row_count, unique_key, freshness, null_share) judge the whole
// input once it has ended. Every rule has a severity: `fail` fails the run when the rule fails,
// `warn` only reports it. At the end the node logs a quality report (JSON: each rule with rows
// checked, rows failed, severity and outcome) through the run log.
//
// Parallelism: without a `unique` row rule, Consume streams and may run on many threads at once,
// each counting into its own thread state; FinishPort merges the counts and judges. A `unique`
// row rule needs every key before any row can be judged, so the node then holds its whole input
// in memory (it does not spill) and judges it in Produce, on one thread.
#pragma once

#include "module/module_descriptor.h"

namespace logidata {

ModuleDescriptor ValidateModule();

}  // namespace logidata

// ValidationRules: the cleaner's named row checks [{name, expression, action, message}]. A row
// passes a rule when its expression is true; false or NULL fails it. A failing row is either
// sent to the rejects output (action "reject", the default) or fails the run naming its position
// (action "fail"). Compiled once at bind time; Check may run on many threads at once.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "expression/expression.h"
#include "transforms/rejected_rows.h"

namespace logidata {

class ValidationRules {
 public:
  // Compiles the array `rules` (found at `pointer`) against `schema`. Null `rules` means none.
  static Result<ValidationRules> Bind(const nlohmann::json* rules, const Schema& schema,
                                      const ExpressionOptions& options, const std::string& pointer);

  bool empty() const { return rules_.empty(); }
  // Columns (of the bound schema) that any rule reads, sorted.
  std::vector<int> ReferencedColumns() const;

  // Checks every row of `batch` that is neither dropped (clear in `alive`) nor already rejected.
  // REQUIRES: batch has the schema the rules were bound to.
  Status Check(const Batch& batch, const uint8_t* alive, RejectedRows& rejects) const;

 private:
  struct Rule {
    std::string name;
    std::string text;
    std::string message;  // optional user text for _reason
    bool fail_run = false;
    std::shared_ptr<const CompiledExpression> expression;
  };
  std::vector<Rule> rules_;
};

}  // namespace logidata

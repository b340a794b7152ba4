// RowSubsetOperator: the base of the operators that pass on some of their input rows unchanged
// (limit, both samplers): the output schema is the input's, and of the input they need exactly
// the columns asked of their output. Holds no state of its own; thread-safety is the subclass's.
#pragma once

#include <optional>
#include <utility>
#include <vector>

#include "module/operator.h"

namespace logidata {

class RowSubsetOperator : public Operator {
 public:
  std::optional<std::vector<int>> InputColumnsNeeded(int /*port*/, const std::vector<int>& needed_outputs) const override {
    return needed_outputs;
  }

 protected:
  explicit RowSubsetOperator(SchemaPtr schema) { output_schemas_.push_back(std::move(schema)); }
};

}  // namespace logidata

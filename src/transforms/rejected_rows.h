// RejectedRows: the rows of one batch that a cleaner step sent to the "rejects" output, each with
// the rule that failed and why. Only the first failure of a row is kept. Built per batch by one
// thread; not thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "types/batch.h"

namespace logidata {

class RejectedRows {
 public:
  explicit RejectedRows(int64_t num_rows) : bits_(static_cast<size_t>(BitmapBytes(num_rows)), 0) {}

  bool IsRejected(int64_t row) const { return GetBit(bits_.data(), row); }
  // Records the first failure of `row`; later ones are ignored.
  void Reject(int64_t row, std::string_view rule, std::string reason);
  int64_t count() const { return static_cast<int64_t>(rows_.size()); }
  // Bitmap of the rejected rows.
  const uint8_t* bitmap() const { return bits_.data(); }

  // The rejected rows of `cleaned`, in row order, followed by `_rule` and `_reason` columns.
  // REQUIRES: rejects_schema is cleaned's schema plus those two string fields.
  BatchPtr Build(const Batch& cleaned, const SchemaPtr& rejects_schema) const;

 private:
  std::vector<uint8_t> bits_;
  std::vector<int32_t> rows_;
  std::vector<std::string> rules_;
  std::vector<std::string> reasons_;
};

// `schema` plus the two string fields `_rule` and `_reason`.
SchemaPtr RejectsSchema(const Schema& schema);

}  // namespace logidata

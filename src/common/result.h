// Result<T>: either a value or a non-OK Status. Thread-compatible.
#pragma once

#include <cassert>
#include <optional>
#include <utility>

#include "common/status.h"

namespace logidata {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    if (status_.ok()) status_ = Status::Internal("Result constructed from an OK status without a value");
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

  // REQUIRES: ok().
  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  T ValueOr(T fallback) const& { return ok() ? *value_ : std::move(fallback); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace logidata

// Evaluates `rexpr` (a Result<T>); on error returns its Status, else moves the value into `lhs`.
#define LD_ASSIGN_OR_RETURN(lhs, rexpr) LD_ASSIGN_OR_RETURN_IMPL(LD_CONCAT(_ld_result_, __LINE__), lhs, rexpr)
#define LD_ASSIGN_OR_RETURN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                             \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()

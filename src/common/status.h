// Status: the outcome of an operation that can fail, with a code and a message.
// A Status is a small value type; copying it is cheap. Thread-compatible.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace logidata {

enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument,   // the caller's input is wrong (config, expression, request)
  kNotFound,
  kAlreadyExists,
  kPermissionDenied,
  kUnauthenticated,
  kUnavailable,       // retryable: a server is down, a timeout, a 429/503
  kCancelled,
  kDataError,         // the data is wrong: malformed row, bad value, corrupt file
  kUnsupported,       // valid input we do not handle (e.g. a Parquet encoding)
  kResourceExhausted, // memory or disk budget exceeded
  kConflict,          // optimistic concurrency failure
  kIOError,
  kInternal,          // a bug: an invariant did not hold
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string msg) { return {StatusCode::kInvalidArgument, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) { return {StatusCode::kAlreadyExists, std::move(msg)}; }
  static Status PermissionDenied(std::string msg) { return {StatusCode::kPermissionDenied, std::move(msg)}; }
  static Status Unauthenticated(std::string msg) { return {StatusCode::kUnauthenticated, std::move(msg)}; }
  static Status Unavailable(std::string msg) { return {StatusCode::kUnavailable, std::move(msg)}; }
  static Status Cancelled(std::string msg) { return {StatusCode::kCancelled, std::move(msg)}; }
  static Status DataError(std::string msg) { return {StatusCode::kDataError, std::move(msg)}; }
  static Status Unsupported(std::string msg) { return {StatusCode::kUnsupported, std::move(msg)}; }
  static Status ResourceExhausted(std::string msg) { return {StatusCode::kResourceExhausted, std::move(msg)}; }
  static Status Conflict(std::string msg) { return {StatusCode::kConflict, std::move(msg)}; }
  static Status IOError(std::string msg) { return {StatusCode::kIOError, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  bool IsInvalidArgument() const { return code_ == StatusCode::kInvalidArgument; }
  bool IsNotFound() const { return code_ == StatusCode::kNotFound; }
  bool IsUnavailable() const { return code_ == StatusCode::kUnavailable; }
  bool IsCancelled() const { return code_ == StatusCode::kCancelled; }
  bool IsDataError() const { return code_ == StatusCode::kDataError; }
  bool IsUnsupported() const { return code_ == StatusCode::kUnsupported; }

  // Returns a copy with `context` prepended to the message ("context: message").
  Status WithContext(std::string_view context) const;
  // "InvalidArgument: message", or "OK".
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

}  // namespace logidata

#define LD_CONCAT_INNER(a, b) a##b
#define LD_CONCAT(a, b) LD_CONCAT_INNER(a, b)

// Returns from the current function if `expr` yields a non-OK Status.
#define LD_RETURN_IF_ERROR(expr)                       \
  do {                                                 \
    ::logidata::Status _ld_status = (expr);            \
    if (!_ld_status.ok()) return _ld_status;           \
  } while (0)

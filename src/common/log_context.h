// LogContext: the ids a log line is about — the HTTP request being answered, the run being
// executed — kept per thread so structured log formats (server/json_log_formatter.h) can add them
// to every line written while they are set, without each call site repeating them.
// Thread-safety: each thread has its own context; ScopedLogContext changes only the calling
// thread's and restores the previous one when it goes out of scope.
#pragma once

#include <string>

namespace logidata {

struct LogContext {
  std::string request_id;
  std::string run_id;
  std::string org_id;
};

// The calling thread's context (empty fields when nothing is set).
const LogContext& CurrentLogContext();

// Sets the non-empty fields of `context` for the calling thread until destruction.
class ScopedLogContext {
 public:
  explicit ScopedLogContext(const LogContext& context);
  ~ScopedLogContext();
  ScopedLogContext(const ScopedLogContext&) = delete;
  ScopedLogContext& operator=(const ScopedLogContext&) = delete;

 private:
  LogContext previous_;
};

}  // namespace logidata

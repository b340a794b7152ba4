#include "common/log_context.h"

namespace logidata {
namespace {
thread_local LogContext current;
}  // namespace

const LogContext& CurrentLogContext() { return current; }

ScopedLogContext::ScopedLogContext(const LogContext& context) : previous_(current) {
  if (!context.request_id.empty()) current.request_id = context.request_id;
  if (!context.run_id.empty()) current.run_id = context.run_id;
  if (!context.org_id.empty()) current.org_id = context.org_id;
}

ScopedLogContext::~ScopedLogContext() { current = std::move(previous_); }

}  // namespace logidata

// Looking up the connection a connector node names, with errors that point at the config field.
// Thread-safe (the resolver is).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "common/result.h"
#include "module/connection.h"

namespace logidata {

// Resolves `name` and checks its type is one of `types`. Errors name "/connection".
Result<ConnectionConfig> LookupConnection(ConnectionResolver* resolver, const std::string& name,
                                          std::initializer_list<std::string_view> types);

// Sleeps for attempt's exponential backoff (base * 2^attempt, capped, with full jitter).
void SleepBackoff(int attempt, double base_seconds = 0.2, double cap_seconds = 10.0);

}  // namespace logidata

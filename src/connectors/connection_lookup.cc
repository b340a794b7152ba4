#include "connectors/connection_lookup.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <thread>

#include "module/module_descriptor.h"

namespace logidata {

Result<ConnectionConfig> LookupConnection(ConnectionResolver* resolver, const std::string& name,
                                          std::initializer_list<std::string_view> types) {
  if (resolver == nullptr) return ConfigError("/connection", "no connections are available to resolve '" + name + "'");
  auto found = resolver->Resolve(name);
  if (!found.ok()) return ConfigError("/connection", found.status().message());
  ConnectionConfig config = std::move(found).value();
  if (std::find(types.begin(), types.end(), config.type) == types.end()) {
    std::string expected;
    for (auto t : types) expected += (expected.empty() ? "" : " or ") + std::string(t);
    return ConfigError("/connection", "connection '" + name + "' is of type '" + config.type + "', expected " + expected);
  }
  return config;
}

void SleepBackoff(int attempt, double base_seconds, double cap_seconds) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  double ceiling = std::min(cap_seconds, base_seconds * std::pow(2.0, attempt));
  std::uniform_real_distribution<double> jitter(ceiling / 2, ceiling);
  std::this_thread::sleep_for(std::chrono::duration<double>(jitter(rng)));
}

}  // namespace logidata

// LookupRequester: sends a lookup node's requests — one key per request, or up to batch_size keys
// in one POST body — and turns each response into one LookupOutcome per key. It shares the REST
// connector's HttpClient, so retries (network errors, timeouts, 429, 5xx with backoff, jitter and
// Retry-After), timeouts, response limits and the egress policy are the same; one RequestPacer
// spaces the requests of every thread together; at most `concurrency` requests are in flight,
// each on a client (keep-alive connection, own auth state) leased from a pool.
// Thread-safe: Fetch may be called from many threads at once.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "connectors/http/http_auth.h"
#include "connectors/http/lookup_cache.h"
#include "connectors/http/lookup_config.h"
#include "module/connection.h"
#include "net/egress_policy.h"

namespace logidata {

// One key's values, as the templates need them.
struct LookupKey {
  std::vector<std::string> texts;        // per key slot
  std::vector<nlohmann::json> values;    // per key slot, typed JSON
  std::string display;                   // address="Berlin", for messages
};

class LookupRequester {
 public:
  // `connection`: the node's connection (base URL, auth, egress), or null for an absolute URL, in
  // which case `egress` applies (null = anywhere). `config` must outlive the requester.
  static Result<std::unique_ptr<LookupRequester>> Make(const LookupConfig& config, const ConnectionConfig* connection,
                                                       const EgressPolicy* egress, const std::atomic<bool>* cancelled);

  // One outcome per key, in order. REQUIRES: keys.size() <= batch_size, and 1 without batching.
  // Failures of the request become error outcomes; only what must stop the run is returned as a
  // Status: cancellation and egress refusals (a refused address is the pipeline's problem, not a
  // row's).
  Result<std::vector<LookupOutcome>> Fetch(const std::vector<const LookupKey*>& keys);

  int64_t requests() const { return requests_.load(); }
  // Requests sent over the wire, retries included.
  int64_t attempts() const { return attempts_.load(); }

 private:
  struct Slot {
    std::unique_ptr<HttpClient> client;
    std::optional<HttpAuth> auth;
    int counted_attempts = 0;
  };
  class Lease;

  explicit LookupRequester(const LookupConfig& config);
  Result<HttpClientResponse> Send(Slot& slot, HttpClientRequest& request);
  LookupOutcome Extract(const nlohmann::ordered_json& result) const;
  static LookupOutcome Failure(const Status& status, long http_status);

  const LookupConfig& config_;
  std::string base_url_;  // "" without a connection
  RequestPacer pacer_;
  std::mutex mu_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<Slot*> free_;
  std::atomic<int64_t> requests_{0}, attempts_{0};
};

}  // namespace logidata

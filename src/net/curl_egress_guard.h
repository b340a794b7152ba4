// CurlEgressGuard: enforces the egress rules on one libcurl easy handle. Only http and https may
// be used (also after redirects), and — when a policy is given — every socket curl opens is
// checked against it before connect (CURLOPT_OPENSOCKETFUNCTION sees the resolved address, so
// DNS names, CONNECT_TO overrides and rebinding cannot reach a refused address). Proxies from
// the environment are not used under a policy: the guard would otherwise only see the proxy.
// One guard per transfer; not thread-safe; must outlive the transfer it guards.
#pragma once

#include <sys/socket.h>

#include <string>

#include "common/status.h"
#include "net/egress_policy.h"

namespace logidata {

class CurlEgressGuard {
 public:
  // `policy` null: only the protocol restriction applies (the CLI).
  explicit CurlEgressGuard(const EgressPolicy* policy) : policy_(policy) {}

  // Applies the options to `curl` (a CURL*) for a transfer to `url`.
  void Install(void* curl, const std::string& url);
  // After curl_easy_perform failed: the refusal if this guard refused a connection, else OK.
  const Status& refusal() const { return refusal_; }
  // Checks one address curl is about to connect to; false (and the refusal recorded) when refused.
  bool Admit(const sockaddr* address);

 private:
  const EgressPolicy* policy_;
  std::string host_;
  Status refusal_;
};

}  // namespace logidata

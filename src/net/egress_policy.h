// EgressPolicy: which network addresses the server may connect to on behalf of a tenant. Public
// addresses are allowed; loopback, unspecified, link-local, private (RFC 1918, ULA), CGNAT,
// cloud metadata, multicast, documentation and other reserved ranges are refused unless an
// allow-list block (server option --allow-egress, or the organization's admin setting) covers
// them. IPv4-mapped IPv6 (::ffff:127.0.0.1), NAT64 (64:ff9b::/96) and 6to4 (2002::/16) forms are
// judged by the IPv4 address they carry.
//
// The decision is made on the address actually connected to, after DNS (see CurlEgressGuard and
// ResolveForEgress), so a name that resolves to an internal address — or is rebound to one
// between check and connect — is refused.
//
// A null `const EgressPolicy*` means "unrestricted" (the CLI on a user's own machine).
// Immutable once built; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "net/cidr_block.h"

namespace logidata {

class EgressPolicy {
 public:
  // A restrictive policy that allows nothing internal.
  EgressPolicy() = default;
  // A restrictive policy that also allows `allow` ("127.0.0.0/8", "10.1.2.3"). Errors name the bad entry.
  static Result<EgressPolicy> WithAllowList(const std::vector<std::string>& allow);

  // Adds allowed blocks; used to merge the server's list with an organization's.
  Status Allow(const std::vector<std::string>& cidrs);
  const std::vector<CidrBlock>& allowed() const { return allowed_; }

  // Empty when `address` may be connected to, else why not ("loopback address", "cloud metadata
  // address", …).
  std::string RefusalReason(const IpAddress& address) const;
  bool Allows(const IpAddress& address) const { return RefusalReason(address).empty(); }

  // OK or PermissionDenied: "egress to 127.0.0.1 (host 'localhost') is not allowed: loopback
  // address. …how to allow it". `host` may be empty.
  Status Check(const IpAddress& address, std::string_view host) const;

 private:
  std::string ReservedReason(const IpAddress& address) const;

  std::vector<CidrBlock> allowed_;
};

// The marker every egress refusal carries, so callers can tell a refusal (a 403 for the API
// user) from a remote server's own errors.
bool IsEgressRefusal(const Status& status);

// Checks an HTTP(S) URL's scheme before any request: only http and https may leave the server.
// OK for "http://…" and "https://…"; an egress refusal (PermissionDenied) naming the scheme otherwise.
Status CheckHttpScheme(std::string_view url);

}  // namespace logidata

// CidrBlock: an IPv4 or IPv6 address range ("10.0.0.0/8", "fd00::/8", "127.0.0.1"). IPv4 is kept
// in its IPv4-mapped IPv6 form (::ffff:a.b.c.d, prefix + 96), so one comparison covers both
// spellings of an IPv4 address. IpAddress is the 16-byte form of one address. Plain values.
#pragma once

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace logidata {

using IpAddress = std::array<uint8_t, 16>;

// Parses "1.2.3.4", "::1", "[::1]" or "fe80::1%eth0" (the zone is ignored); nullopt when the text is
// not a numeric address (a host name).
std::optional<IpAddress> ParseIpAddress(std::string_view text);
// The address of an AF_INET / AF_INET6 socket address; nullopt for other families (AF_UNIX).
std::optional<IpAddress> IpAddressFromSockaddr(const sockaddr* address);
// True for ::ffff:a.b.c.d.
bool IsIpv4Mapped(const IpAddress& address);
// "127.0.0.1" for IPv4-mapped addresses, RFC 5952 text ("::1") otherwise.
std::string IpAddressText(const IpAddress& address);

struct CidrBlock {
  IpAddress base{};
  int prefix = 128;  // in IPv6 bits (an IPv4 /8 is 104)

  // "10.0.0.0/8", "2001:db8::/32", or a single address ("127.0.0.1" = /32). Host bits must be zero
  // ("10.1.0.0/8" is refused: it is almost always a typo of the intended range).
  static Result<CidrBlock> Parse(std::string_view text);
  bool Contains(const IpAddress& address) const;
  // The canonical text: "10.0.0.0/8", "::1/128".
  std::string ToString() const;
};

}  // namespace logidata

#include "net/cidr_block.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace logidata {

namespace {

constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

IpAddress MapIpv4(const uint8_t* v4) {
  IpAddress a{};
  std::memcpy(a.data(), kMappedPrefix, 12);
  std::memcpy(a.data() + 12, v4, 4);
  return a;
}

}  // namespace

std::optional<IpAddress> ParseIpAddress(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  if (auto zone = text.find('%'); zone != std::string_view::npos) text = text.substr(0, zone);
  if (text.empty() || text.size() > 63) return std::nullopt;
  std::string s(text);
  uint8_t buf[16];
  if (inet_pton(AF_INET, s.c_str(), buf) == 1) return MapIpv4(buf);
  if (inet_pton(AF_INET6, s.c_str(), buf) == 1) {
    IpAddress a{};
    std::memcpy(a.data(), buf, 16);
    return a;
  }
  return std::nullopt;
}

std::optional<IpAddress> IpAddressFromSockaddr(const sockaddr* address) {
  if (address == nullptr) return std::nullopt;
  if (address->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(address);
    return MapIpv4(reinterpret_cast<const uint8_t*>(&in->sin_addr));
  }
  if (address->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(address);
    IpAddress a{};
    std::memcpy(a.data(), &in6->sin6_addr, 16);
    return a;
  }
  return std::nullopt;
}

bool IsIpv4Mapped(const IpAddress& address) { return std::memcmp(address.data(), kMappedPrefix, 12) == 0; }

std::string IpAddressText(const IpAddress& address) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (IsIpv4Mapped(address)) inet_ntop(AF_INET, address.data() + 12, buf, sizeof buf);
  else inet_ntop(AF_INET6, address.data(), buf, sizeof buf);
  return buf;
}

Result<CidrBlock> CidrBlock::Parse(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  const std::string shown(text);
  std::string_view addr_text = text;
  std::optional<int> bits;
  if (auto slash = text.find('/'); slash != std::string_view::npos) {
    addr_text = text.substr(0, slash);
    std::string_view len = text.substr(slash + 1);
    int n = -1;
    auto [end, ec] = std::from_chars(len.data(), len.data() + len.size(), n);
    if (ec != std::errc() || end != len.data() + len.size() || len.empty()) {
      return Status::InvalidArgument("'" + shown + "' is not a CIDR block (expected e.g. 10.0.0.0/8 or fd00::/8)");
    }
    bits = n;
  }
  if (addr_text.find('%') != std::string_view::npos) {
    return Status::InvalidArgument("'" + shown + "': a CIDR block has no zone index");
  }
  std::optional<IpAddress> base = ParseIpAddress(addr_text);
  if (!base) return Status::InvalidArgument("'" + shown + "' is not a CIDR block (expected e.g. 10.0.0.0/8 or fd00::/8)");
  // An IPv4 spelling counts its prefix in IPv4 bits.
  const bool v4 = addr_text.find(':') == std::string_view::npos;
  const int max_bits = v4 ? 32 : 128;
  int prefix = bits.value_or(max_bits);
  if (prefix < 0 || prefix > max_bits) {
    return Status::InvalidArgument("'" + shown + "': the prefix length must be 0.." + std::to_string(max_bits));
  }
  CidrBlock block;
  block.base = *base;
  block.prefix = v4 ? prefix + 96 : prefix;
  IpAddress masked = block.base;
  for (int i = 0; i < 16; ++i) {
    int keep = std::clamp(block.prefix - i * 8, 0, 8);
    masked[static_cast<size_t>(i)] &= static_cast<uint8_t>(keep == 0 ? 0 : 0xff << (8 - keep));
  }
  if (masked != block.base) {
    return Status::InvalidArgument("'" + shown + "' has host bits set; did you mean " + CidrBlock{masked, block.prefix}.ToString() + "?");
  }
  return block;
}

bool CidrBlock::Contains(const IpAddress& address) const {
  int full = prefix / 8;
  if (std::memcmp(base.data(), address.data(), static_cast<size_t>(full)) != 0) return false;
  int rest = prefix % 8;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (base[static_cast<size_t>(full)] & mask) == (address[static_cast<size_t>(full)] & mask);
}

std::string CidrBlock::ToString() const {
  bool v4 = IsIpv4Mapped(base) && prefix >= 96;
  return IpAddressText(base) + "/" + std::to_string(v4 ? prefix - 96 : prefix);
}

}  // namespace logidata

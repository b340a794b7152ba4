#include "net/egress_policy.h"

#include <algorithm>
#include <cctype>

namespace logidata {

namespace {

constexpr const char* kRefusalMarker = "not allowed by the egress policy";

struct ReservedBlock {
  const char* cidr;
  const char* reason;
};

// Order matters only for the reason shown: the most specific entries come first.
constexpr ReservedBlock kReserved[] = {
    {"169.254.169.254/32", "cloud metadata address"},
    {"fd00:ec2::254/128", "cloud metadata address"},
    {"100.100.100.200/32", "cloud metadata address"},
    {"0.0.0.0/8", "unspecified ('this network') address"},
    {"127.0.0.0/8", "loopback address"},
    {"10.0.0.0/8", "private address"},
    {"172.16.0.0/12", "private address"},
    {"192.168.0.0/16", "private address"},
    {"100.64.0.0/10", "carrier-grade NAT (shared) address"},
    {"169.254.0.0/16", "link-local address"},
    {"192.0.0.0/24", "IETF protocol assignment address"},
    {"192.0.2.0/24", "documentation address"},
    {"198.51.100.0/24", "documentation address"},
    {"203.0.113.0/24", "documentation address"},
    {"192.88.99.0/24", "6to4 relay anycast address"},
    {"198.18.0.0/15", "benchmarking address"},
    {"224.0.0.0/4", "multicast address"},
    {"240.0.0.0/4", "reserved address"},  // includes 255.255.255.255
    {"::/128", "unspecified address"},
    {"::1/128", "loopback address"},
    {"::/96", "IPv4-compatible (deprecated) address"},
    {"::ffff:0:0:0/96", "IPv4-translated address"},
    {"64:ff9b:1::/48", "local-use NAT64 address"},
    {"100::/64", "discard-only address"},
    {"2001::/23", "IETF protocol assignment address"},  // includes Teredo 2001::/32
    {"2001:db8::/32", "documentation address"},
    {"fc00::/7", "private (unique local) address"},
    {"fe80::/10", "link-local address"},
    {"fec0::/10", "site-local (deprecated) address"},
    {"ff00::/8", "multicast address"},
};

const std::vector<std::pair<CidrBlock, const char*>>& Reserved() {
  static const auto* blocks = [] {
    auto* out = new std::vector<std::pair<CidrBlock, const char*>>();
    for (const auto& r : kReserved) out->emplace_back(*CidrBlock::Parse(r.cidr), r.reason);
    return out;
  }();
  return *blocks;
}

// The IPv4 address a NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address carries, mapped.
std::optional<IpAddress> EmbeddedIpv4(const IpAddress& a) {
  static const CidrBlock kNat64 = *CidrBlock::Parse("64:ff9b::/96");
  static const CidrBlock k6to4 = *CidrBlock::Parse("2002::/16");
  const uint8_t* v4 = nullptr;
  if (kNat64.Contains(a)) v4 = a.data() + 12;
  else if (k6to4.Contains(a)) v4 = a.data() + 2;
  if (v4 == nullptr) return std::nullopt;
  IpAddress mapped{};
  mapped[10] = 0xff;
  mapped[11] = 0xff;
  std::copy(v4, v4 + 4, mapped.begin() + 12);
  return mapped;
}

std::string SuggestedBlock(const IpAddress& a) {
  return IpAddressText(a) + (IsIpv4Mapped(a) ? "/32" : "/128");
}

}  // namespace

Result<EgressPolicy> EgressPolicy::WithAllowList(const std::vector<std::string>& allow) {
  EgressPolicy p;
  LD_RETURN_IF_ERROR(p.Allow(allow));
  return p;
}

Status EgressPolicy::Allow(const std::vector<std::string>& cidrs) {
  for (const std::string& text : cidrs) {
    auto block = CidrBlock::Parse(text);
    if (!block.ok()) return block.status();
    allowed_.push_back(*block);
  }
  return Status::OK();
}

std::string EgressPolicy::ReservedReason(const IpAddress& address) const {
  for (const auto& [block, reason] : Reserved()) {
    if (block.Contains(address)) return reason;
  }
  return "";
}

std::string EgressPolicy::RefusalReason(const IpAddress& address) const {
  for (const CidrBlock& b : allowed_) {
    if (b.Contains(address)) return "";
  }
  if (auto v4 = EmbeddedIpv4(address)) {
    std::string inner = RefusalReason(*v4);
    return inner.empty() ? "" : inner + " (embedded in " + IpAddressText(address) + ")";
  }
  return ReservedReason(address);
}

Status EgressPolicy::Check(const IpAddress& address, std::string_view host) const {
  std::string reason = RefusalReason(address);
  if (reason.empty()) return Status::OK();
  std::string text = IpAddressText(address);
  std::string who = host.empty() || host == text ? text : text + " (host '" + std::string(host) + "')";
  return Status::PermissionDenied("egress to " + who + " is " + kRefusalMarker + ": " + reason +
                                  ". A server operator can allow it with --allow-egress " + SuggestedBlock(address) +
                                  " (or LOGIDATA_ALLOW_EGRESS), an organization admin in the organization's egress "
                                  "allow-list");
}

bool IsEgressRefusal(const Status& status) {
  return status.code() == StatusCode::kPermissionDenied && status.message().find(kRefusalMarker) != std::string::npos;
}

Status CheckHttpScheme(std::string_view url) {
  auto sep = url.find("://");
  std::string scheme(url.substr(0, sep == std::string_view::npos ? 0 : sep));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (scheme == "http" || scheme == "https") return Status::OK();
  return Status::PermissionDenied("URL scheme '" + (scheme.empty() ? std::string(url.substr(0, 40)) : scheme) + "' is " +
                                  kRefusalMarker + ": only http and https URLs may be used");
}

}  // namespace logidata

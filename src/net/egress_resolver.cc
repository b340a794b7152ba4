#include "net/egress_resolver.h"

#include <netdb.h>
#include <sys/socket.h>

namespace logidata {

Result<std::vector<std::string>> ResolveForEgress(const std::string& host, int port, const EgressPolicy& policy,
                                                  const std::string& what) {
  if (host.empty() || host.front() == '/' || host.front() == '@') {
    return Status::PermissionDenied(what + ": Unix-socket hosts ('" + host +
                                    "') are not allowed by the egress policy on the server; give a host name or address");
  }
  if (host.find(',') != std::string::npos) {
    return Status::InvalidArgument(what + ": give one host, not a list ('" + host + "')");
  }
  std::string name = host;
  if (name.size() >= 2 && name.front() == '[' && name.back() == ']') name = name.substr(1, name.size() - 2);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::string service = std::to_string(port);
  int rc = ::getaddrinfo(name.c_str(), service.c_str(), &hints, &found);
  if (rc != 0) return Status::Unavailable(what + ": cannot resolve host '" + host + "': " + gai_strerror(rc));
  std::vector<std::string> out;
  Status refused;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    auto ip = IpAddressFromSockaddr(a->ai_addr);
    if (!ip) continue;
    Status st = policy.Check(*ip, host);
    if (!st.ok()) {
      refused = st;
      break;
    }
    std::string text = IpAddressText(*ip);
    bool seen = false;
    for (const auto& o : out) seen = seen || o == text;
    if (!seen) out.push_back(text);
  }
  ::freeaddrinfo(found);
  if (!refused.ok()) return refused.WithContext(what);
  if (out.empty()) return Status::Unavailable(what + ": host '" + host + "' has no IP address");
  return out;
}

}  // namespace logidata

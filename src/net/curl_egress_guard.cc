#include "net/curl_egress_guard.h"

#include <curl/curl.h>
#include <sys/socket.h>

namespace logidata {

namespace {

std::string UrlHost(const std::string& url) {
  CURLU* u = curl_url();
  std::string host;
  char* h = nullptr;
  if (curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK && curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK) {
    host = h;
    curl_free(h);
  }
  curl_url_cleanup(u);
  return host;
}

curl_socket_t OpenSocket(void* self, curlsocktype, curl_sockaddr* address) {
  if (!static_cast<CurlEgressGuard*>(self)->Admit(&address->addr)) return CURL_SOCKET_BAD;
  return ::socket(address->family, address->socktype, address->protocol);
}

}  // namespace

void CurlEgressGuard::Install(void* handle, const std::string& url) {
  CURL* c = static_cast<CURL*>(handle);
  refusal_ = Status::OK();
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  // Credentials set on the handle never follow a redirect to another host.
  curl_easy_setopt(c, CURLOPT_UNRESTRICTED_AUTH, 0L);
  if (policy_ == nullptr) return;
  host_ = UrlHost(url);
  curl_easy_setopt(c, CURLOPT_PROXY, "");
  curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, &OpenSocket);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, this);
}

bool CurlEgressGuard::Admit(const sockaddr* address) {
  auto ip = IpAddressFromSockaddr(address);
  Status st = ip ? policy_->Check(*ip, host_)
                 : Status::PermissionDenied("egress to '" + host_ + "' over a non-IP socket is not allowed by the egress policy");
  if (st.ok()) return true;
  // curl tries the next address, if any; the first refusal is what the user sees.
  if (refusal_.ok()) refusal_ = st;
  return false;
}

}  // namespace logidata

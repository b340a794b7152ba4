#include "metadata/pg_tool_target.h"

#include <cstdlib>

namespace logidata {

PgToolTarget ForPgTools(const std::string& url) {
  PgToolTarget out{url, {}};
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return out;
  // The authority ends at the path, query or fragment; its last '@' ends the user info.
  size_t authority_end = url.find_first_of("/?#", scheme + 3);
  if (authority_end == std::string::npos) authority_end = url.size();
  size_t at = url.rfind('@', authority_end - 1);
  if (at == std::string::npos || at < scheme + 3) return out;
  size_t colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return out;
  std::string encoded = url.substr(colon + 1, at - colon - 1);
  std::string password;
  for (size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] == '%' && i + 2 < encoded.size()) {
      password += static_cast<char>(std::strtol(encoded.substr(i + 1, 2).c_str(), nullptr, 16));
      i += 2;
    } else {
      password += encoded[i];
    }
  }
  out.url = url.substr(0, colon) + url.substr(at);
  out.env["PGPASSWORD"] = password;
  return out;
}

}  // namespace logidata

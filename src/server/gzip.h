// Gzip compression of response bodies (zlib). Pure function; thread-safe.
#pragma once

#include <optional>
#include <string>

namespace logidata {

// The gzip stream of `data`, or nullopt if zlib fails.
std::optional<std::string> GzipCompress(const std::string& data, int level = 6);
// True when an Accept-Encoding header value accepts gzip (and does not set q=0 for it).
bool AcceptsGzip(const std::string& accept_encoding);

}  // namespace logidata

#include "server/gzip.h"

#include <zlib.h>

namespace logidata {

std::optional<std::string> GzipCompress(const std::string& data, int level) {
  z_stream zs{};
  if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return std::nullopt;
  std::string out(deflateBound(&zs, data.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  size_t produced = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return std::nullopt;
  out.resize(produced);
  return out;
}

bool AcceptsGzip(const std::string& accept_encoding) {
  size_t pos = accept_encoding.find("gzip");
  if (pos == std::string::npos) return false;
  size_t end = accept_encoding.find(',', pos);
  std::string part = accept_encoding.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
  return part.find("q=0") == std::string::npos || part.find("q=0.") != std::string::npos;
}

}  // namespace logidata

#include "connectors/object_path.h"

namespace logidata {

Result<std::pair<std::string, std::string>> SplitObjectPath(const std::string& path, std::string_view scheme,
                                                            std::string_view container_word, std::string_view name_word) {
  const std::string prefix = std::string(scheme) + "://";
  std::string rest = path.rfind(prefix, 0) == 0 ? path.substr(prefix.size()) : path;
  size_t slash = rest.find('/');
  std::string container = rest.substr(0, slash);
  if (container.empty()) {
    return Status::InvalidArgument("'" + path + "' names no " + std::string(container_word) + " (expected " + prefix +
                                   std::string(container_word) + "/" + std::string(name_word) + ")");
  }
  return std::make_pair(container, slash == std::string::npos ? "" : rest.substr(slash + 1));
}

}  // namespace logidata

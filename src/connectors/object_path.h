// Object-store paths: "<scheme>://<container>/<name>" (s3://bucket/key, az://container/blob), the
// scheme optional. Shared by the S3 and Azure Blob clients.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "common/result.h"

namespace logidata {

// {container, name}; name may be empty (a whole container). `scheme` is "s3", "az"…; `container_word`
// names the first part in the error ("bucket", "container").
Result<std::pair<std::string, std::string>> SplitObjectPath(const std::string& path, std::string_view scheme,
                                                            std::string_view container_word, std::string_view name_word);

}  // namespace logidata

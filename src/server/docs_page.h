// The self-contained interactive API documentation served at /docs: a small HTML page and script
// that render /api/openapi.json and can send requests (no CDN; the page works offline).
#pragma once

#include <string_view>

namespace logidata {

std::string_view DocsHtml();
std::string_view DocsScript();

}  // namespace logidata

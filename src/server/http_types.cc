#include "server/http_types.h"

namespace logidata {

const std::string& HttpRequest::Header(std::string_view lower_name) const {
  static const std::string kEmpty;
  for (const auto& [k, v] : headers) {
    if (k == lower_name) return v;
  }
  return kEmpty;
}

const std::string& HttpRequest::Param(const std::string& name) const {
  static const std::string kEmpty;
  auto it = params.find(name);
  return it == params.end() ? kEmpty : it->second;
}

std::string HttpRequest::Query(const std::string& name, const std::string& fallback) const {
  auto it = query.find(name);
  return it == query.end() ? fallback : it->second;
}

HttpResponse HttpResponse::Json(int status, const nlohmann::json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

HttpResponse HttpResponse::NoContent() {
  HttpResponse r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

namespace {
const char* TitleFor(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 503: return "Service Unavailable";
    default: return status >= 500 ? "Internal Server Error" : "Error";
  }
}
}  // namespace

HttpResponse HttpResponse::Problem(int status, std::string_view title, std::string_view detail, nlohmann::json errors) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/problem+json";
  nlohmann::json body = {{"type", "about:blank"},
                         {"title", title.empty() ? TitleFor(status) : std::string(title)},
                         {"status", status},
                         {"detail", std::string(detail)}};
  if (!errors.empty()) body["errors"] = std::move(errors);
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

HttpResponse HttpResponse::FromStatus(const Status& status) {
  int code = 500;
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kDataError:
    case StatusCode::kUnsupported: code = 400; break;
    case StatusCode::kUnauthenticated: code = 401; break;
    case StatusCode::kPermissionDenied: code = 403; break;
    case StatusCode::kNotFound: code = 404; break;
    case StatusCode::kAlreadyExists:
    case StatusCode::kConflict: code = 409; break;
    case StatusCode::kResourceExhausted: code = 413; break;
    case StatusCode::kUnavailable: code = 503; break;
    default: code = 500;
  }
  nlohmann::json errors = nlohmann::json::array();
  const std::string& msg = status.message();
  // "/field: message" or "/a: x; /b: y" name fields.
  if (code >= 400 && code < 500 && !msg.empty() && msg[0] == '/') {
    size_t start = 0;
    while (start < msg.size()) {
      size_t end = msg.find("; /", start);
      std::string part = msg.substr(start, end == std::string::npos ? std::string::npos : end - start);
      size_t colon = part.find(": ");
      if (colon != std::string::npos) {
        errors.push_back({{"field", part.substr(0, colon)}, {"message", part.substr(colon + 2)}});
      }
      if (end == std::string::npos) break;
      start = end + 2;
    }
  }
  // Internal errors never leak their message (it may name tables or files).
  std::string detail = code == 500 ? "internal error" : msg;
  return Problem(code, "", detail, std::move(errors));
}

std::string UrlDecode(std::string_view text, bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::map<std::string, std::string> ParseQueryString(std::string_view text) {
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('&', start);
    std::string_view part = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!part.empty()) {
      size_t eq = part.find('=');
      std::string key = UrlDecode(part.substr(0, eq), true);
      std::string value = eq == std::string_view::npos ? "" : UrlDecode(part.substr(eq + 1), true);
      out[key] = value;
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

}  // namespace logidata

#include "connectors/http/lookup_config.h"

#include <algorithm>

#include "module/module_descriptor.h"

namespace logidata {

namespace {

std::string Pointer(const std::string& parent, const std::string& token) {
  std::string out = parent + "/";
  for (char c : token) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

Result<std::string> StringAt(const nlohmann::json& cfg, const std::string& key, std::string fallback) {
  auto it = cfg.find(key);
  if (it == cfg.end() || it->is_null()) return fallback;
  if (!it->is_string()) return ConfigError("/" + key, "must be a string");
  return it->get<std::string>();
}

Result<int64_t> IntAt(const nlohmann::json& cfg, const std::string& key, int64_t fallback, int64_t minimum, int64_t maximum) {
  auto it = cfg.find(key);
  if (it == cfg.end() || it->is_null()) return fallback;
  if (!it->is_number_integer()) return ConfigError("/" + key, "must be a whole number");
  int64_t v = it->get<int64_t>();
  if (v < minimum || v > maximum) {
    return ConfigError("/" + key, "must be between " + std::to_string(minimum) + " and " + std::to_string(maximum));
  }
  return v;
}

Result<LookupPolicy> PolicyAt(const nlohmann::json& cfg, const std::string& key, LookupPolicy fallback, bool allow_null) {
  LD_ASSIGN_OR_RETURN(std::string text, StringAt(cfg, key, ""));
  if (text.empty()) return fallback;
  if (text == "reject") return LookupPolicy::kReject;
  if (text == "fail") return LookupPolicy::kFail;
  if (text == "null" && allow_null) return LookupPolicy::kNull;
  return ConfigError("/" + key, "'" + text + "' is not one of " + (allow_null ? "null, reject, fail" : "reject, fail"));
}

bool IsAbsolute(const std::string& url) { return url.find("://") != std::string::npos; }

}  // namespace

Result<nlohmann::json::json_pointer> ParseResponsePath(const std::string& text, const std::string& pointer) {
  std::string as_pointer = text;
  if (!text.empty() && text.front() != '/') {
    // Dotted: every segment is one reference token (an object key, or an index into an array).
    as_pointer.clear();
    size_t start = 0;
    while (true) {
      size_t dot = text.find('.', start);
      std::string segment = text.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      if (segment.empty()) return ConfigError(pointer, "empty segment in path '" + text + "'");
      as_pointer = Pointer(as_pointer, segment);
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
  }
  try {
    return nlohmann::json::json_pointer(as_pointer);
  } catch (const nlohmann::json::exception& e) {
    return ConfigError(pointer, "'" + text + "' is not a JSON pointer: " + e.what());
  }
}

Status CheckUrlTemplateHost(const std::string& url, const TextTemplate& parsed, bool absolute, const std::string& pointer) {
  if (!parsed.has_placeholders() || !absolute) return Status::OK();
  size_t authority = url.find("://") + 3;
  size_t path = url.find_first_of("/?#", authority);
  if (path == std::string::npos || parsed.first_placeholder() < static_cast<int>(path)) {
    return ConfigError(pointer, "placeholders may appear only in the path and query, not in the scheme or host "
                                "(a value must not choose the server); put the host in the URL or a connection");
  }
  return Status::OK();
}

Result<LookupConfig> ReadLookupConfig(const nlohmann::json& cfg, const Schema& input) {
  if (!cfg.is_object()) return ConfigError("", "the config must be an object");
  LookupConfig c;
  auto resolve = [&](const std::string& column) -> Result<int> {
    auto index = input.RequireField(column);
    if (!index.ok()) return Status::InvalidArgument(index.status().message());
    auto at = std::find(c.key_columns.begin(), c.key_columns.end(), *index);
    if (at != c.key_columns.end()) return static_cast<int>(at - c.key_columns.begin());
    c.key_columns.push_back(*index);
    c.key_names.push_back(column);
    return static_cast<int>(c.key_columns.size() - 1);
  };

  LD_ASSIGN_OR_RETURN(c.connection, StringAt(cfg, "connection", ""));
  LD_ASSIGN_OR_RETURN(std::string url, StringAt(cfg, "url", ""));
  if (url.empty()) return ConfigError("/url", "a URL is required: an absolute URL, or a path after the connection's base URL");
  const bool absolute = IsAbsolute(url);
  if (!absolute && c.connection.empty()) {
    return ConfigError("/url", "'" + url + "' is not an absolute http(s) URL; write https://host/… or name a connection");
  }
  if (absolute && url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    return ConfigError("/url", "only http and https URLs are allowed");
  }
  LD_ASSIGN_OR_RETURN(c.url, TextTemplate::Parse(url, "/url", resolve));
  LD_RETURN_IF_ERROR(CheckUrlTemplateHost(url, c.url, absolute, "/url"));

  LD_ASSIGN_OR_RETURN(c.method, StringAt(cfg, "method", "GET"));
  if (c.method != "GET" && c.method != "POST") return ConfigError("/method", "must be GET or POST");
  if (auto h = cfg.find("headers"); h != cfg.end() && !h->is_null()) {
    if (!h->is_object()) return ConfigError("/headers", "must be an object of header names to values");
    for (const auto& [k, v] : h->items()) {
      if (!v.is_string()) return ConfigError(Pointer("/headers", k), "must be a string");
      const std::string& value = v.get_ref<const std::string&>();
      if (k.find_first_of(":\r\n") != std::string::npos || value.find_first_of("\r\n") != std::string::npos) {
        return ConfigError(Pointer("/headers", k), "header names and values may not hold ':' or line breaks");
      }
      c.headers.push_back(k + ": " + value);
    }
  }
  if (auto b = cfg.find("body"); b != cfg.end() && !b->is_null()) {
    if (c.method != "POST") return ConfigError("/body", "a body needs method POST");
    LD_ASSIGN_OR_RETURN(JsonBodyTemplate body, JsonBodyTemplate::Parse(*b, "/body", resolve));
    c.body = std::move(body);
  }
  if (c.key_columns.empty()) {
    return ConfigError("/url", "name at least one input column as a {placeholder} in the URL or the body; "
                               "columns: " + [&] {
                                 std::string names;
                                 for (const auto& f : input.fields()) names += (names.empty() ? "" : ", ") + f.name;
                                 return names;
                               }());
  }

  LD_ASSIGN_OR_RETURN(c.batch_size, IntAt(cfg, "batch_size", 1, 1, 1000));
  if (c.batch_size > 1) {
    if (c.method != "POST" || !c.body) {
      return ConfigError("/batch_size", "batching sends several keys in one request body: it needs method POST and a body");
    }
    if (c.url.has_placeholders()) {
      return ConfigError("/url", "with batch_size > 1 the URL is shared by the keys of a batch and cannot hold placeholders");
    }
  }
  LD_ASSIGN_OR_RETURN(std::string batch_path, StringAt(cfg, "batch_path", ""));
  LD_ASSIGN_OR_RETURN(c.batch_path, ParseResponsePath(batch_path, "/batch_path"));
  LD_ASSIGN_OR_RETURN(std::string batch_request_path, StringAt(cfg, "batch_request_path", ""));
  LD_ASSIGN_OR_RETURN(c.batch_request_path, ParseResponsePath(batch_request_path, "/batch_request_path"));
  LD_ASSIGN_OR_RETURN(std::string response_path, StringAt(cfg, "response_path", ""));
  LD_ASSIGN_OR_RETURN(c.response_path, ParseResponsePath(response_path, "/response_path"));

  auto fields = cfg.find("fields");
  if (fields == cfg.end() || !fields->is_object() || fields->empty()) {
    return ConfigError("/fields", "map at least one new column to a path in the response, e.g. "
                                  "{\"lat\": {\"path\": \"lat\", \"type\": \"float64\"}}");
  }
  for (const auto& [name, spec] : fields->items()) {
    const std::string at = Pointer("/fields", name);
    if (name.empty()) return ConfigError(at, "a column name may not be empty");
    if (input.FieldIndex(name) >= 0) {
      return ConfigError(at, "column '" + name + "' already exists in the input; choose another name");
    }
    LookupField f;
    f.name = name;
    f.type = DataType::String();
    if (spec.is_string()) {
      f.path_text = spec.get<std::string>();
      LD_ASSIGN_OR_RETURN(f.path, ParseResponsePath(f.path_text, at));
    } else if (spec.is_object()) {
      auto p = spec.find("path");
      if (p == spec.end() || !p->is_string()) return ConfigError(at + "/path", "a path in the response is required");
      f.path_text = p->get<std::string>();
      LD_ASSIGN_OR_RETURN(f.path, ParseResponsePath(f.path_text, at + "/path"));
      if (auto t = spec.find("type"); t != spec.end() && !t->is_null()) {
        if (!t->is_string()) return ConfigError(at + "/type", "must be a type name such as float64");
        auto type = DataType::Parse(t->get<std::string>());
        if (!type.ok()) return ConfigError(at + "/type", type.status().message());
        f.type = *type;
      }
      for (const auto& [k, _] : spec.items()) {
        if (k != "path" && k != "type") return ConfigError(Pointer(at, k), "unknown field; use path and type");
      }
    } else {
      return ConfigError(at, "must be a path or {\"path\": …, \"type\": …}");
    }
    if (f.name == "_reason" || f.name == "_http_status") {
      return ConfigError(at, "'" + f.name + "' is a column of the rejects output; choose another name");
    }
    c.fields.push_back(std::move(f));
  }

  LD_ASSIGN_OR_RETURN(c.on_missing, PolicyAt(cfg, "on_missing", LookupPolicy::kNull, true));
  LD_ASSIGN_OR_RETURN(c.on_error, PolicyAt(cfg, "on_error", LookupPolicy::kFail, false));
  if (auto cache = cfg.find("cache"); cache != cfg.end() && !cache->is_null()) {
    if (!cache->is_boolean()) return ConfigError("/cache", "must be true or false");
    c.cache = cache->get<bool>();
  }
  LD_ASSIGN_OR_RETURN(c.cache_size, IntAt(cfg, "cache_size", 10000, 1, 10'000'000));
  LD_ASSIGN_OR_RETURN(c.concurrency, IntAt(cfg, "concurrency", 4, 1, 64));
  if (auto r = cfg.find("rate_limit_per_second"); r != cfg.end() && !r->is_null()) {
    if (!r->is_number() || r->get<double>() < 0) return ConfigError("/rate_limit_per_second", "must be a number >= 0");
  }
  if (auto t = cfg.find("timeout_seconds"); t != cfg.end() && !t->is_null()) {
    if (!t->is_number() || t->get<double>() <= 0) return ConfigError("/timeout_seconds", "must be a number > 0");
  }
  if (auto r = cfg.find("retries"); r != cfg.end() && !r->is_null()) {
    if (!r->is_object()) return ConfigError("/retries", "must be an object");
    for (const auto& [k, v] : r->items()) {
      if (k != "max_retries" && k != "base_delay_ms" && k != "max_delay_ms") {
        return ConfigError(Pointer("/retries", k), "unknown field; use max_retries, base_delay_ms, max_delay_ms");
      }
      if (!v.is_number_integer() || v.get<int64_t>() < 0) return ConfigError(Pointer("/retries", k), "must be a whole number >= 0");
    }
  }
  c.client = HttpClientOptions::FromConfig(cfg);
  return c;
}

}  // namespace logidata

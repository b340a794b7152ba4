// LookupConfig: the bound config of a transform.lookup node — request templates resolved against
// the input schema, response paths parsed, policies checked. Every problem is a ConfigError at
// the JSON pointer of the field that causes it ("/fields/lat/type"), so validation can point the
// user at it; factories are also called directly, so nothing here trusts the JSON Schema check.
// Immutable after ReadLookupConfig; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "connectors/http/http_client.h"
#include "connectors/http/json_body_template.h"
#include "connectors/http/text_template.h"
#include "types/schema.h"

namespace logidata {

// One output column: the value at `path` in a key's response, converted to `type`.
struct LookupField {
  std::string name;
  std::string path_text;  // as written, for messages
  nlohmann::json::json_pointer path;
  DataType type;
};

// What happens to a row: `null` fills the new columns with nulls, `reject` sends the row to the
// rejects output, `fail` fails the run.
enum class LookupPolicy { kNull, kReject, kFail };

struct LookupConfig {
  std::string connection;        // empty: `url` is absolute
  TextTemplate url;
  std::string method = "GET";
  std::vector<std::string> headers;  // "Name: value"
  std::optional<JsonBodyTemplate> body;
  int64_t batch_size = 1;
  nlohmann::json::json_pointer batch_path;          // results array in a batch response
  nlohmann::json::json_pointer batch_request_path;  // where the items go in a batch request body
  nlohmann::json::json_pointer response_path;       // a key's result inside its response
  std::vector<LookupField> fields;
  LookupPolicy on_missing = LookupPolicy::kNull;
  LookupPolicy on_error = LookupPolicy::kFail;
  bool cache = true;
  int64_t cache_size = 10000;
  int64_t concurrency = 4;
  HttpClientOptions client;
  // The key: the input columns the templates name, in order of first use.
  std::vector<int> key_columns;
  std::vector<std::string> key_names;
};

// Reads `cfg` against the node's input schema.
Result<LookupConfig> ReadLookupConfig(const nlohmann::json& cfg, const Schema& input);

// Parses a response path: a JSON pointer ("/0/lat") or a dotted path ("0.lat", "address.city");
// "" is the whole value. Errors are ConfigErrors at `pointer`.
Result<nlohmann::json::json_pointer> ParseResponsePath(const std::string& text, const std::string& pointer);

// The placeholders of `url` may sit only in its path and query: a value must not choose the host
// an enrichment call goes to (a column holding "169.254.169.254" must not become the host).
Status CheckUrlTemplateHost(const std::string& url, const TextTemplate& parsed, bool absolute, const std::string& pointer);

}  // namespace logidata

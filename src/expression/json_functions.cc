// json_extract(text, path): the value at a JSONPath-like path ($, .key, ["key"], [index]) in a
// JSON document, as text. Strings come out unquoted, numbers and booleans as their JSON text,
// objects and arrays as compact JSON; a missing path or a JSON null gives NULL. The path must be a
// constant and is compiled when the expression binds; malformed JSON fails the row. Stateless
// kernels: thread-safe.
#include <nlohmann/json.hpp>

#include "expression/function_registry.h"

namespace logidata::expr {

namespace {

struct PathStep {
  bool is_index = false;
  std::string key;
  size_t index = 0;
};
using JsonPath = std::vector<PathStep>;

Result<JsonPath> CompilePath(const std::string& path) {
  if (path.empty() || path[0] != '$') return Status::InvalidArgument("must start with '$'");
  JsonPath steps;
  size_t i = 1;
  while (i < path.size()) {
    if (path[i] == '.') {
      size_t start = ++i;
      while (i < path.size() && path[i] != '.' && path[i] != '[') ++i;
      if (i == start) return Status::InvalidArgument("empty key at position " + std::to_string(start + 1));
      steps.push_back({false, path.substr(start, i - start), 0});
    } else if (path[i] == '[') {
      ++i;
      if (i < path.size() && (path[i] == '"' || path[i] == '\'')) {
        char quote = path[i++];
        size_t end = path.find(quote, i);
        if (end == std::string::npos || end + 1 >= path.size() || path[end + 1] != ']') {
          return Status::InvalidArgument("unterminated quoted key at position " + std::to_string(i));
        }
        steps.push_back({false, path.substr(i, end - i), 0});
        i = end + 2;
      } else {
        size_t start = i;
        while (i < path.size() && path[i] >= '0' && path[i] <= '9') ++i;
        if (i == start || i >= path.size() || path[i] != ']' || i - start > 9) {
          return Status::InvalidArgument("expected an array index and ']' at position " + std::to_string(start + 1));
        }
        steps.push_back({true, "", static_cast<size_t>(std::stoul(path.substr(start, i - start)))});
        ++i;
      }
    } else {
      return Status::InvalidArgument(std::string("unexpected '") + path[i] + "' at position " + std::to_string(i + 1));
    }
  }
  return steps;
}

Result<NodePtr> BindJsonExtract(CallBinder& b) {
  LD_RETURN_IF_ERROR(b.Coerce(0, DataType::String()));
  LD_RETURN_IF_ERROR(b.Coerce(1, DataType::String()));
  LD_ASSIGN_OR_RETURN(Value v, b.RequireConstant(1, "the path"));
  if (v.is_null()) return b.Error(1, "argument 2 (the path) must not be NULL");
  auto compiled = CompilePath(v.string_value());
  if (!compiled.ok()) {
    return b.Error(1, "argument 2 (the path '" + v.string_value() + "') " + compiled.status().message());
  }
  auto path = std::make_shared<const JsonPath>(std::move(*compiled));
  KernelFn kernel = [path](const FunctionNode& self, std::vector<Datum>& args, int64_t n, const EvalContext& ctx) -> Result<Datum> {
    StringReader s(args[0]);
    BufferPtr validity = StrictValidity(args, n);
    if (validity == nullptr) validity = NewBitmap(n, true);
    StringWriter w(n, n * 16);
    for (int64_t i = 0; i < n; ++i) {
      if (!GetBit(validity->data(), i)) {
        w.AppendEmpty();
        continue;
      }
      std::string_view text = s[i];
      nlohmann::json doc = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
      if (doc.is_discarded()) return ctx.RowError(i, "json_extract: argument 1 is not valid JSON");
      const nlohmann::json* at = &doc;
      for (const auto& step : *path) {
        if (step.is_index) {
          at = at->is_array() && step.index < at->size() ? &(*at)[step.index] : nullptr;
        } else if (at->is_object()) {
          auto it = at->find(step.key);
          at = it == at->end() ? nullptr : &*it;
        } else {
          at = nullptr;
        }
        if (at == nullptr) break;
      }
      if (at == nullptr || at->is_null()) {
        ClearBit(validity->mutable_data(), i);
        w.AppendEmpty();
      } else if (at->is_string()) {
        w.Append(at->get_ref<const std::string&>());
      } else {
        w.Append(at->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      }
    }
    return Datum::Array(w.Finish(self.type(), std::move(validity)));
  };
  return NodePtr(std::make_unique<FunctionNode>(b.name(), DataType::String(), std::move(b.args()), kernel, true, true, b.offset()));
}

}  // namespace

void RegisterJsonFunctions(FunctionRegistry& r) {
  r.Add({"json_extract", 2, 2, "json_extract(json_text, path)", BindJsonExtract,
         "Returns the value at `path` ($, .key, [\"key\"], [index]) in a JSON document as text: strings "
         "unquoted, objects and arrays as compact JSON; NULL when the path is missing or the value is null. "
         "Malformed JSON fails the row.",
         {{"json_extract('{\"a\": {\"b\": [10, 20]}}', '$.a.b[1]')", "20"},
          {"json_extract('{\"user\": {\"name\": \"Ada\"}}', '$.user.name')", "Ada"},
          {"json_extract('{\"a\": {\"b\": [10, 20]}}', '$.a')", "{\"b\":[10,20]}"},
          {"json_extract('{\"a\": 1}', '$.missing')", "NULL"}},
         "JSON"});
}

}  // namespace logidata::expr

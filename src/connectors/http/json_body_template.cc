#include "connectors/http/json_body_template.h"

namespace logidata {

namespace {

// RFC 6901 escaping of one reference token.
std::string Escape(const std::string& token) {
  std::string out;
  for (char c : token) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

}  // namespace

Status JsonBodyTemplate::Collect(const nlohmann::json& node, const std::string& pointer, const std::string& config_pointer,
                                 const TextTemplate::SlotResolver& resolve, JsonBodyTemplate& out) {
  if (node.is_string()) {
    LD_ASSIGN_OR_RETURN(TextTemplate t, TextTemplate::Parse(node.get_ref<const std::string&>(), config_pointer + pointer, resolve));
    if (t.has_placeholders()) out.strings_.emplace_back(nlohmann::json::json_pointer(pointer), std::move(t));
  } else if (node.is_object()) {
    for (const auto& [k, v] : node.items()) LD_RETURN_IF_ERROR(Collect(v, pointer + "/" + Escape(k), config_pointer, resolve, out));
  } else if (node.is_array()) {
    for (size_t i = 0; i < node.size(); ++i) {
      LD_RETURN_IF_ERROR(Collect(node[i], pointer + "/" + std::to_string(i), config_pointer, resolve, out));
    }
  }
  return Status::OK();
}

Result<JsonBodyTemplate> JsonBodyTemplate::Parse(const nlohmann::json& body, const std::string& pointer,
                                                 const TextTemplate::SlotResolver& resolve) {
  JsonBodyTemplate t;
  t.body_ = body;
  LD_RETURN_IF_ERROR(Collect(body, "", pointer, resolve, t));
  return t;
}

nlohmann::json JsonBodyTemplate::Render(const std::vector<std::string>& texts, const std::vector<nlohmann::json>& values) const {
  nlohmann::json out = body_;
  for (const auto& [where, t] : strings_) {
    int slot = t.sole_slot();
    out[where] = slot >= 0 ? values[static_cast<size_t>(slot)] : nlohmann::json(t.Render(texts, false));
  }
  return out;
}

}  // namespace logidata

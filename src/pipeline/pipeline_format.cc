#include "pipeline/pipeline_format.h"

#include <re2/re2.h>

namespace logidata {
namespace {

using Json = nlohmann::json;

// Format 1 had no `format_version`; like the web model, recognise it by its edges and nodes.
int DetectFormat(const Json& doc) {
  if (auto edges = doc.find("edges"); edges != doc.end() && edges->is_array()) {
    for (const auto& e : *edges) {
      if (e.is_object() && e.contains("from")) return 1;
    }
  }
  if (auto nodes = doc.find("nodes"); nodes != doc.end() && nodes->is_array()) {
    for (const auto& n : *nodes) {
      if (!n.is_object() || n.contains("position")) continue;
      auto module = n.find("module");
      bool dotted = module != n.end() && module->is_string() && module->get<std::string>().find('.') != std::string::npos;
      if (n.contains("x") || dotted) return 1;
    }
  }
  return kCurrentPipelineFormat;
}

std::pair<std::string, std::string> SplitRef(const Json& ref) {
  std::string s = ref.is_string() ? ref.get<std::string>() : "";
  size_t at = s.find(':');
  return at == std::string::npos ? std::pair{s, std::string()} : std::pair{s.substr(0, at), s.substr(at + 1)};
}

// A string field of a hostile document: `fallback` when absent or not a string (nlohmann's value()
// throws on a wrong type, and operator[] inserts).
std::string TextField(const Json& object, const char* key, std::string fallback = "") {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

// Format 1 -> 2: the web model's migration (pipeline_document.ts, kMigrations[0].up), in C++.
Json MigrateFormat1To2(Json doc) {
  if (auto nodes = doc.find("nodes"); nodes != doc.end() && nodes->is_array()) {
    for (auto& n : *nodes) {
      if (!n.is_object()) continue;
      std::string module = TextField(n, "module");
      if (auto dot = module.find('.'); dot != std::string::npos) {
        n["type"] = module.substr(0, dot);
        n["module"] = module.substr(dot + 1);
      }
      if (!n.contains("position")) {
        Json x = n.value("x", Json(0)), y = n.value("y", Json(0));
        n["position"] = {{"x", x}, {"y", y}};
      }
      n.erase("x");
      n.erase("y");
    }
  }
  if (auto edges = doc.find("edges"); edges != doc.end() && edges->is_array()) {
    for (auto& e : *edges) {
      if (!e.is_object() || !e.contains("from")) continue;
      auto [source, source_port] = SplitRef(e["from"]);
      auto [target, target_port] = SplitRef(e["to"]);
      Json edge = {{"source", source}, {"target", target}};
      if (!source_port.empty()) edge["source_port"] = source_port;
      if (!target_port.empty()) edge["target_port"] = target_port;
      e = std::move(edge);
    }
  }
  return doc;
}

bool IsEmailList(const Json& list) {
  if (!list.is_array()) return false;
  for (const auto& e : list) {
    if (!e.is_string()) return false;
  }
  return true;
}

// "version": "1.0.0" keeps the author's release label; the integer revision is the server's.
void CanonicalVersion(Json& doc, std::vector<std::string>* errors) {
  auto it = doc.find("version");
  if (it == doc.end() || !it->is_string()) return;
  // RE2: linear time and no recursion, whatever the length of a hostile label.
  static const RE2 kRelease(R"(v?[0-9]+(\.[0-9]+){0,2}([-+][0-9A-Za-z.+-]+)?)");
  std::string label = it->get<std::string>();
  if (!RE2::FullMatch(label, kRelease)) {
    errors->push_back("/version: must be an integer >= 1 or a release string such as \"1.0.0\" (got \"" + label + "\")");
    return;
  }
  if (doc.contains("release") && doc["release"] != label) {
    errors->push_back("/version: release \"" + label + "\" contradicts /release");
    return;
  }
  doc["release"] = label;
  doc["version"] = 1;
}

void CanonicalSchedule(Json& doc) {
  auto it = doc.find("schedule");
  if (it == doc.end() || !it->is_string()) return;
  // The cron text itself is checked where schedules are computed (ScheduleOfDocument).
  *it = Json{{"cron", it->get<std::string>()}, {"timezone", "UTC"}, {"enabled", true}};
}

// {"on_failure": [...], "on_success": [...]} -> the array form; a list may be empty.
void CanonicalNotifications(Json& doc, std::vector<std::string>* errors) {
  auto it = doc.find("notifications");
  if (it == doc.end() || !it->is_object()) return;
  Json out = Json::array();
  for (const auto& [key, value] : it->items()) {
    std::string path = "/notifications/" + key;
    std::string event;
    if (key == "on_failure") event = "failure";
    else if (key == "on_success") event = "success";
    if (event.empty()) {
      errors->push_back(path + ": unknown field (on_failure, on_success)");
      continue;
    }
    if (!IsEmailList(value)) {
      errors->push_back(path + ": must be an array of email addresses");
      continue;
    }
    if (value.empty()) continue;
    out.push_back({{"on", Json::array({event})}, {"channel", "email"}, {"to", value}});
  }
  *it = std::move(out);
}

// The array form: {"on": [success|failure…], "channel": "email", "to": address or [addresses]}.
void CheckNotificationEntries(Json& doc, std::vector<std::string>* errors) {
  auto it = doc.find("notifications");
  if (it == doc.end() || !it->is_array()) return;
  static const RE2 kEmail(R"([^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+)");
  for (size_t i = 0; i < it->size(); ++i) {
    Json& n = (*it)[i];
    std::string path = "/notifications/" + std::to_string(i);
    if (!n.is_object()) {
      errors->push_back(path + ": must be an object {on, channel, to}");
      continue;
    }
    for (const auto& [key, value] : n.items()) {
      if (key != "on" && key != "channel" && key != "to") errors->push_back(path + "/" + key + ": unknown field");
    }
    if (auto ch = n.find("channel"); ch == n.end()) {
      n["channel"] = "email";
    } else if (*ch != "email") {
      // Webhook and Slack URLs are secrets: they live in notification settings, not in documents.
      errors->push_back(path + "/channel: must be \"email\" (webhooks and Slack are set up on the Notifications page)");
    }
    auto on = n.find("on");
    if (on == n.end() || !on->is_array() || on->empty()) {
      errors->push_back(path + "/on: must be a non-empty array of \"success\" and \"failure\"");
    } else {
      for (size_t k = 0; k < on->size(); ++k) {
        if ((*on)[k] != "success" && (*on)[k] != "failure") {
          errors->push_back(path + "/on/" + std::to_string(k) + ": must be \"success\" or \"failure\"");
        }
      }
    }
    auto to = n.find("to");
    if (to != n.end() && to->is_string()) *to = Json::array({*to});
    if (to == n.end() || !IsEmailList(*to) || to->empty()) {
      errors->push_back(path + "/to: must be an email address or a non-empty array of them");
      continue;
    }
    for (size_t k = 0; k < to->size(); ++k) {
      if (!RE2::FullMatch((*to)[k].get<std::string>(), kEmail)) {
        errors->push_back(path + "/to/" + std::to_string(k) + ": not an email address");
      }
    }
  }
}

void CanonicalCleaner(Json& config, const std::string& path, std::vector<std::string>* errors) {
  auto rd = config.find("remove_duplicates");
  auto cols = config.find("columns");
  if (rd == config.end() && cols == config.end()) return;
  if (rd != config.end() && !rd->is_boolean()) {
    errors->push_back(path + "/remove_duplicates: must be true or false");
    return;
  }
  bool dedupe = rd != config.end() && rd->get<bool>();
  if (cols != config.end() && (!cols->is_array() || !IsEmailList(*cols))) {
    errors->push_back(path + "/columns: must be an array of column names");
    return;
  }
  if (!dedupe && cols != config.end()) {
    errors->push_back(path + "/columns: names the duplicate keys, so it needs \"remove_duplicates\": true");
    return;
  }
  if (dedupe && config.contains("dedupe")) {
    errors->push_back(path + "/remove_duplicates: give either remove_duplicates or dedupe, not both");
    return;
  }
  if (dedupe) config["dedupe"] = {{"keys", cols != config.end() ? *cols : Json::array()}};
  config.erase("remove_duplicates");
  config.erase("columns");
}

// The design documents name a bucket; the module wants a connection and an s3:// path.
void CanonicalS3Loader(Json& config, const std::string& pipeline_id, const std::string& path,
                       std::vector<std::string>* errors) {
  auto bucket = config.find("bucket");
  if (bucket == config.end()) return;
  if (!bucket->is_string() || bucket->get<std::string>().empty()) {
    errors->push_back(path + "/bucket: must be a bucket name");
    return;
  }
  std::string b = bucket->get<std::string>();
  if (config.contains("path")) {
    errors->push_back(path + "/bucket: give either bucket or path, not both");
    return;
  }
  std::string prefix = TextField(config, "prefix", pipeline_id.empty() ? std::string("data") : pipeline_id);
  config["path"] = "s3://" + b + "/" + prefix;
  if (!config.contains("connection")) config["connection"] = b;
  Json& options = config["options"];
  if (!options.is_object()) options = Json::object();
  for (const char* key : {"partition_by", "compression", "partition_time_column"}) {
    if (auto it = config.find(key); it != config.end()) {
      options[key] = *it;
      config.erase(it);
    }
  }
  config.erase("bucket");
  config.erase("prefix");
}

void CanonicalNodes(Json& doc, std::vector<std::string>* errors) {
  auto nodes = doc.find("nodes");
  if (nodes == doc.end() || !nodes->is_array()) return;
  const std::string pipeline_id = TextField(doc, "id");
  for (size_t i = 0; i < nodes->size(); ++i) {
    Json& n = (*nodes)[i];
    if (!n.is_object()) continue;
    std::string path = "/nodes/" + std::to_string(i);
    if (auto t = n.find("type"); t != n.end() && t->is_string()) {
      if (*t == "extractor") *t = "extract";
      else if (*t == "transformer") *t = "transform";
      else if (*t == "loader") *t = "load";
    }
    auto config = n.find("config");
    if (config == n.end() || !config->is_object()) continue;
    const std::string type = TextField(n, "type");
    const std::string module = TextField(n, "module");
    if (type == "transform" && module == "cleaner") CanonicalCleaner(*config, path + "/config", errors);
    if (type == "load" && module == "s3") CanonicalS3Loader(*config, pipeline_id, path + "/config", errors);
  }
}

}  // namespace

Json CanonicalizePipelineDocument(const Json& input, std::vector<std::string>* errors) {
  if (!input.is_object()) return input;
  Json doc = input;
  int format = DetectFormat(doc);
  if (auto fv = doc.find("format_version"); fv != doc.end()) {
    if (!fv->is_number_integer() || fv->get<int64_t>() < 1) {
      errors->push_back("/format_version: must be an integer >= 1");
      return doc;
    }
    if (fv->get<int64_t>() > kCurrentPipelineFormat) {
      errors->push_back("/format_version: format " + std::to_string(fv->get<int64_t>()) +
                        " is newer than this engine reads (" + std::to_string(kCurrentPipelineFormat) + ")");
      return doc;
    }
    format = static_cast<int>(fv->get<int64_t>());
    doc.erase(fv);
  }
  if (format == 1) doc = MigrateFormat1To2(std::move(doc));
  CanonicalVersion(doc, errors);
  CanonicalSchedule(doc);
  CanonicalNotifications(doc, errors);
  CheckNotificationEntries(doc, errors);
  CanonicalNodes(doc, errors);
  return doc;
}

Result<Json> CanonicalPipelineDocument(const Json& doc) {
  std::vector<std::string> errors;
  Json out = CanonicalizePipelineDocument(doc, &errors);
  if (errors.empty()) return out;
  std::string msg = "invalid pipeline document:";
  for (const auto& e : errors) msg += "\n  " + e;
  return Status::InvalidArgument(msg);
}

}  // namespace logidata

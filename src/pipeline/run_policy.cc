#include "pipeline/run_policy.h"

#include <algorithm>
#include <cmath>

namespace logidata {
namespace {

// "100", not "100.0": the bounds read like the editor's messages (pipeline_document.ts).
std::string BoundText(double v) {
  return v == std::floor(v) ? std::to_string(static_cast<int64_t>(v)) : nlohmann::json(v).dump();
}

// Reads an optional number field in [min, max]; records a located error otherwise.
template <typename T>
void ReadNumber(const nlohmann::json& obj, const char* key, const std::string& path, double min, double max, T* out,
                std::vector<std::string>* errors) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return;
  std::string where = path + "/" + key;
  bool integral = std::is_integral_v<T>;
  if (!it->is_number() || (integral && !it->is_number_integer())) {
    errors->push_back(where + (integral ? ": must be an integer" : ": must be a number"));
    return;
  }
  double v = it->get<double>();
  if (!(v >= min && v <= max)) {
    errors->push_back(where + ": must be between " + BoundText(min) + " and " + BoundText(max));
    return;
  }
  *out = static_cast<T>(v);
}

void CheckKeys(const nlohmann::json& obj, std::initializer_list<const char*> known, const std::string& path,
               std::vector<std::string>* errors) {
  for (const auto& item : obj.items()) {
    const std::string& key = item.key();  // not a structured binding: clang 14 cannot capture those
    if (std::none_of(known.begin(), known.end(), [&](const char* k) { return key == k; })) {
      errors->push_back(path + "/" + key + ": unknown field");
    }
  }
}

void ReadRetry(const nlohmann::json& obj, const std::string& path, RetryPolicy* retry, std::vector<std::string>* errors) {
  auto r = obj.find("retry");
  if (r == obj.end() || r->is_null()) return;
  const std::string where = path + "/retry";
  if (!r->is_object()) {
    errors->push_back(where + ": must be an object {max_attempts, backoff_seconds, max_backoff_seconds}");
    return;
  }
  CheckKeys(*r, {"max_attempts", "backoff_seconds", "max_backoff_seconds"}, where, errors);
  ReadNumber(*r, "max_attempts", where, 1, 100, &retry->max_attempts, errors);
  ReadNumber(*r, "backoff_seconds", where, 0, 86400, &retry->backoff_seconds, errors);
  ReadNumber(*r, "max_backoff_seconds", where, 0, 86400, &retry->max_backoff_seconds, errors);
}

// Reads an optional string field that must be one of `allowed`.
void ReadChoice(const nlohmann::json& obj, const char* key, const std::string& path,
                std::initializer_list<const char*> allowed, std::string* out, std::vector<std::string>* errors) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return;
  const std::string v = it->is_string() ? it->get<std::string>() : "";
  if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return v == a; })) {
    std::string list;
    size_t i = 0;
    for (const char* a : allowed) {
      if (i > 0) list += i + 1 == allowed.size() ? " or " : ", ";
      list += a;
      ++i;
    }
    errors->push_back(path + "/" + key + ": must be " + list);
    return;
  }
  *out = v;
}

void ReadAnomalies(const nlohmann::json& doc, RunPolicy* p, std::vector<std::string>* errors) {
  auto a = doc.find("anomalies");
  if (a == doc.end() || a->is_null()) return;
  if (!a->is_object()) {
    errors->push_back("/anomalies: must be an object {policy, sensitivity}");
    return;
  }
  CheckKeys(*a, {"policy", "sensitivity"}, "/anomalies", errors);
  ReadChoice(*a, "policy", "/anomalies", {"warn", "fail", "off"}, &p->anomaly_policy, errors);
  ReadChoice(*a, "sensitivity", "/anomalies", {"low", "medium", "high"}, &p->anomaly_sensitivity, errors);
}

RunPolicy Read(const nlohmann::json& doc, std::vector<std::string>* errors) {
  RunPolicy p;
  if (!doc.is_object()) return p;
  ReadRetry(doc, "", &p.retry, errors);
  ReadNumber(doc, "timeout_seconds", "", 0, 7 * 86400, &p.timeout_seconds, errors);
  if (auto c = doc.find("concurrency"); c != doc.end() && !c->is_null()) {
    if (!c->is_object()) {
      errors->push_back("/concurrency: must be an object {limit, policy}");
    } else {
      CheckKeys(*c, {"limit", "policy"}, "/concurrency", errors);
      ReadNumber(*c, "limit", "/concurrency", 1, 10000, &p.concurrency_limit, errors);
      if (auto pol = c->find("policy"); pol != c->end() && !pol->is_null()) {
        std::string v = pol->is_string() ? pol->get<std::string>() : "";
        if (v != "queue" && v != "skip" && v != "cancel_older") {
          errors->push_back("/concurrency/policy: must be queue, skip or cancel_older");
        } else {
          p.concurrency_policy = v;
        }
      }
    }
  }
  ReadNumber(doc, "priority", "", -1000, 1000, &p.priority, errors);
  if (auto d = doc.find("schema_drift"); d != doc.end() && !d->is_null()) {
    std::string v = d->is_string() ? d->get<std::string>() : "";
    if (v != "ignore" && v != "fail" && v != "evolve") {
      errors->push_back("/schema_drift: must be ignore, fail or evolve");
    } else {
      p.schema_drift = v;
    }
  }
  ReadAnomalies(doc, &p, errors);
  return p;
}

}  // namespace

void CheckRunPolicy(const nlohmann::json& doc, std::vector<std::string>* errors) { (void)Read(doc, errors); }

Result<RunPolicy> ParseRunPolicy(const nlohmann::json& doc) {
  std::vector<std::string> errors;
  RunPolicy p = Read(doc, &errors);
  if (!errors.empty()) return Status::InvalidArgument(errors.front());
  return p;
}

NodePolicy ReadNodePolicy(const nlohmann::json& node, const std::string& path, std::vector<std::string>* errors) {
  NodePolicy p;
  if (!node.is_object()) return p;
  ReadRetry(node, path, &p.retry, errors);
  ReadNumber(node, "timeout_seconds", path, 0, 7 * 86400, &p.timeout_seconds, errors);
  return p;
}

double RetryBackoffSeconds(const RetryPolicy& retry, int64_t failed_attempt, double unit_random) {
  double exp = std::ldexp(retry.backoff_seconds, static_cast<int>(std::clamp<int64_t>(failed_attempt - 1, 0, 40)));
  double capped = std::min(exp, retry.max_backoff_seconds);
  return capped / 2 + capped / 2 * std::clamp(unit_random, 0.0, 1.0);
}

}  // namespace logidata

#include "assist/chat_client.h"

#include <curl/curl.h>

#include <memory>

#include <nlohmann/json.hpp>

#include "net/curl_egress_guard.h"

namespace logidata::assist {
namespace {

struct Body {
  std::string data;
  size_t limit = 0;
  bool too_large = false;
};

size_t Collect(char* p, size_t size, size_t n, void* ud) {
  auto* body = static_cast<Body*>(ud);
  if (body->data.size() + size * n > body->limit) {
    body->too_large = true;
    return 0;  // aborts the transfer
  }
  body->data.append(p, size * n);
  return size * n;
}

// The endpoint's own words on an error ({"error": {"message": …}}), cut short; "" when none.
std::string EndpointError(const std::string& body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  std::string msg;
  if (j.is_object() && j.contains("error")) {
    const auto& e = j["error"];
    if (e.is_object() && e.contains("message") && e["message"].is_string()) msg = e["message"].get<std::string>();
    else if (e.is_string()) msg = e.get<std::string>();
  }
  if (msg.size() > 300) msg = msg.substr(0, 300) + "…";
  return msg;
}

std::string Endpoint(const std::string& base_url) {
  std::string base = base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/chat/completions";
}

}  // namespace

Status CheckEndpointUrl(const std::string& base_url) {
  if (base_url.size() > 500) return Status::InvalidArgument("/base_url: longer than 500 characters");
  if (base_url.rfind("http://", 0) != 0 && base_url.rfind("https://", 0) != 0) {
    return Status::InvalidArgument("/base_url: must start with http:// or https://");
  }
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> url(curl_url(), curl_url_cleanup);
  if (curl_url_set(url.get(), CURLUPART_URL, base_url.c_str(), 0) != CURLUE_OK) {
    return Status::InvalidArgument("/base_url: not a valid URL");
  }
  auto has = [&](CURLUPart part) {
    char* value = nullptr;
    bool present = curl_url_get(url.get(), part, &value, 0) == CURLUE_OK && value != nullptr && *value != '\0';
    curl_free(value);
    return present;
  };
  if (!has(CURLUPART_HOST)) return Status::InvalidArgument("/base_url: names no host");
  if (has(CURLUPART_USER) || has(CURLUPART_PASSWORD)) {
    return Status::InvalidArgument("/base_url: must not hold a user name or password (the API key has its own field)");
  }
  if (has(CURLUPART_QUERY) || has(CURLUPART_FRAGMENT)) {
    return Status::InvalidArgument("/base_url: must not have a query or fragment");
  }
  for (char c : base_url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return Status::InvalidArgument("/base_url: holds a space or control character");
  }
  return Status::OK();
}

Result<std::string> CompleteChat(const ChatEndpoint& endpoint, const std::vector<ChatMessage>& messages,
                                 const EgressPolicy* egress) {
  LD_RETURN_IF_ERROR(CheckEndpointUrl(endpoint.base_url));
  const std::string url = Endpoint(endpoint.base_url);
  LD_RETURN_IF_ERROR(CheckHttpScheme(url));
  nlohmann::json request = {{"model", endpoint.model}, {"messages", nlohmann::json::array()}, {"temperature", 0}};
  for (const ChatMessage& m : messages) request["messages"].push_back({{"role", m.role}, {"content", m.content}});
  const std::string payload = request.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);

  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return Status::Internal("cannot create a libcurl handle");
  struct curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Content-Type: application/json");
  headers = curl_slist_append(headers, "Accept: application/json");
  headers = curl_slist_append(headers, "Expect:");
  if (!endpoint.api_key.empty()) headers = curl_slist_append(headers, ("Authorization: Bearer " + endpoint.api_key).c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(headers, curl_slist_free_all);
  Body body;
  body.limit = endpoint.max_answer_bytes;
  CurlEgressGuard guard(egress);
  guard.Install(curl.get(), url);
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, payload.data());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(payload.size()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(endpoint.timeout_seconds));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  // Redirects are not followed: the key must only ever reach the configured host.
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
  CURLcode rc = curl_easy_perform(h);
  if (!guard.refusal().ok()) return guard.refusal().WithContext("the natural-language endpoint");
  if (body.too_large) {
    return Status::DataError("the model's answer is larger than " + std::to_string(endpoint.max_answer_bytes / 1024) +
                             " KiB and was not read");
  }
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    return Status::Unavailable("the model endpoint did not answer within " + std::to_string(endpoint.timeout_seconds) + " s");
  }
  if (rc != CURLE_OK) return Status::Unavailable(std::string("the model endpoint cannot be reached: ") + curl_easy_strerror(rc));
  long code = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
  if (code < 200 || code >= 300) {
    std::string why = EndpointError(body.data);
    return Status::Unavailable("the model endpoint answered HTTP " + std::to_string(code) + (why.empty() ? "" : ": " + why));
  }
  nlohmann::json answer = nlohmann::json::parse(body.data, nullptr, false);
  if (answer.is_discarded()) return Status::DataError("the model endpoint's answer is not JSON");
  const nlohmann::json* content = nullptr;
  if (answer.is_object() && answer.contains("choices") && answer["choices"].is_array() && !answer["choices"].empty()) {
    const nlohmann::json& first = answer["choices"][0];
    if (first.is_object() && first.contains("message") && first["message"].is_object() &&
        first["message"].contains("content") && first["message"]["content"].is_string()) {
      content = &first["message"]["content"];
    }
  }
  if (content == nullptr) return Status::DataError("the model endpoint's answer has no choices[0].message.content");
  return content->get<std::string>();
}

}  // namespace logidata::assist

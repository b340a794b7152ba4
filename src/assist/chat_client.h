// ChatClient: one call to an OpenAI-compatible chat completions endpoint —
// POST {base_url}/chat/completions with {"model", "messages", "temperature"} and the answer's
// choices[0].message.content. The call obeys the organization's egress policy (CurlEgressGuard:
// http/https only, every connected address checked), has a time limit and a cap on the answer's
// size, and never puts the API key in an error message. Stateless; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/result.h"
#include "net/egress_policy.h"

namespace logidata::assist {

struct ChatEndpoint {
  std::string base_url;  // "https://api.example.com/v1"; "/chat/completions" is appended
  std::string model;
  std::string api_key;   // sent as "Authorization: Bearer …" when not empty
  int timeout_seconds = 60;
  size_t max_answer_bytes = 256 * 1024;  // the whole HTTP body
};

struct ChatMessage {
  std::string role;  // "system" | "user"
  std::string content;
};

// Checks an endpoint base URL an admin typed: http or https, a host, no user name or password in
// it (the key has its own field), no query or fragment, at most 500 characters. InvalidArgument
// naming `/base_url`.
Status CheckEndpointUrl(const std::string& base_url);

// The content of the first choice. Errors: PermissionDenied (egress refusal, the scheme),
// Unavailable (no connection, time limit, HTTP status other than 2xx, with the endpoint's own
// error message when it sends one), DataError (an answer that is too large, not JSON or without
// choices[0].message.content).
Result<std::string> CompleteChat(const ChatEndpoint& endpoint, const std::vector<ChatMessage>& messages,
                                 const EgressPolicy* egress);

}  // namespace logidata::assist

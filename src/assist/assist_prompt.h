// The chat messages sent to the model for one request. What they may carry is the point of this
// file: the node's output schema (column names and types), profile statistics that are not values
// (null and empty rates, distinct counts, numeric summaries, text lengths and shapes), the node's
// module and config for a SQL request, the module catalogue for a pipeline request, and the
// user's words. Values taken from the data — sample rows, top values, string minima and maxima,
// outlier examples — are added only when the organization's admin allows sample rows. The model
// is told to answer with one JSON object of a fixed shape (see model_answer.h). Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "assist/assist_kind.h"
#include "assist/chat_client.h"

namespace logidata::assist {

struct PromptInput {
  AssistKind kind = AssistKind::kFilter;
  std::string request;                        // the user's words
  nlohmann::json schema = nlohmann::json::array();  // [{name, type, nullable}] of the node's output
  nlohmann::json profile_columns = nullptr;   // the profiler's columns (profile_json.h), or null
  nlohmann::json sample_rows = nullptr;       // rows [[…], …] matching `schema`, or null
  nlohmann::json node = nullptr;              // {id, type, module, config} of the node asked about
  nlohmann::json modules = nullptr;           // for kPipeline: [{key, summary, config: [names], required: [names]}]
  bool allow_values = false;                  // the admin's allow_sample_rows
};

// What the prompt says about one profiled column: never values unless `allow_values`.
nlohmann::json PromptColumnStatistics(const nlohmann::json& profile_column, bool allow_values);

// The built-in modules as a pipeline prompt lists them: [{module: "transform.filter", summary,
// config: [property names], required: [names]}].
nlohmann::json PromptModuleCatalog();

// The system message (rules, answer shape) and the user message (context and request).
std::vector<ChatMessage> BuildAssistPrompt(const PromptInput& input);

}  // namespace logidata::assist

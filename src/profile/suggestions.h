// Suggestions: cleaning steps proposed from a finished table profile — trim and case fixes, casts
// to the detected type with its format, dedupe on a likely key, email and phone normalisation,
// filling or dropping nulls, masking personal data, splitting a column, repairing mis-decoded
// text and data-quality rules. Each comes ranked, with its reason in figures, and with a ready
// node (a transform: cleaner, derive, dedupe, mask or validate, with its config) meant to be
// inserted after the profiled node; pipeline/node_suggestions.h checks it with the validator. The rules are deterministic; Suggest never reads data.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "profile/column_statistics.h"

namespace logidata::profile {

struct Suggestion {
  // "trim", "case", "cast", "dedupe", "email", "phone", "fill_nulls", "drop_nulls", "mask",
  // "split", "mojibake" or "quality_rules".
  std::string kind;
  std::vector<std::string> columns;  // the columns it changes or checks
  std::string title;                 // "Trim spaces in name"
  std::string reason;                // why, with the profile's figures
  double score = 0;                  // 0–1; the list is sorted by it, highest first
  std::string module;                // a transform module: "cleaner", "derive", "dedupe", "mask", "validate"
  std::string node_id;               // a suggested id for the new node ("trim_name")
  nlohmann::json config;             // the node's config, ready to validate and run
};

// The suggestions for `table`, best first. Column names in configs and expressions are those of
// `table`; the new node takes the profiled node's output as its input.
std::vector<Suggestion> Suggest(const TableStatistics& table);

// {kind, columns, title, reason, score, node: {id, type: "transform", module, config}}.
nlohmann::json SuggestionToJson(const Suggestion& suggestion);

}  // namespace logidata::profile

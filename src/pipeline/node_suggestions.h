// Suggestions for a profiled node: the profile's suggestions (profile/suggestions.h), each checked
// by inserting its node after the profiled node and validating the whole pipeline with
// ValidatePipeline, as the editor would after applying it. Thread-safe (no shared state).
#pragma once

#include <string>
#include <vector>

#include "module/module_registry.h"
#include "pipeline/pipeline_spec.h"
#include "pipeline/validator.h"
#include "profile/suggestions.h"

namespace logidata {

struct CheckedSuggestion {
  profile::Suggestion suggestion;
  std::string node_id;                  // the id the node gets in this pipeline (made unique)
  std::vector<ValidationIssue> issues;  // errors the validator reports once it is inserted; empty: valid
};

// A copy of `spec` with `node` inserted after node `after`: it takes `after`'s main output, and
// the edges that left that output now leave `node`. Other output ports keep their edges.
// REQUIRES: `after` names a node of `spec`; node.id is not taken.
PipelineSpec InsertNodeAfter(const PipelineSpec& spec, const std::string& after, NodeSpec node);

inline constexpr size_t kMaxCheckedSuggestions = 40;

// The best kMaxCheckedSuggestions suggestions for `statistics` (the profile of `profiled_node`'s
// output), best first, each with the validator's errors once its node is inserted after
// `profiled_node` (errors the pipeline had before are left out).
std::vector<CheckedSuggestion> SuggestForNode(const PipelineSpec& spec, const ModuleRegistry& registry,
                                              const std::string& profiled_node,
                                              const profile::TableStatistics& statistics,
                                              const ValidateOptions& options);

// {…SuggestionToJson, node: {id (unique in the pipeline), type, module, config}, valid, issues}.
nlohmann::json CheckedSuggestionToJson(const CheckedSuggestion& checked);

}  // namespace logidata

#include "pipeline/node_suggestions.h"

#include <algorithm>

namespace logidata {

PipelineSpec InsertNodeAfter(const PipelineSpec& spec, const std::string& after, NodeSpec node) {
  PipelineSpec out = spec;
  const int index = out.NodeIndex(after);
  const NodeSpec& before = out.nodes[static_cast<size_t>(index)];
  node.x = before.x + 40;
  node.y = before.y + 120;
  // The main output is the port edges name as "" or "out".
  for (EdgeSpec& edge : out.edges) {
    if (edge.source == after && (edge.source_port.empty() || edge.source_port == "out")) {
      edge.source = node.id;
      edge.source_port.clear();
    }
  }
  EdgeSpec in;
  in.source = after;
  in.target = node.id;
  out.edges.push_back(std::move(in));
  out.nodes.push_back(std::move(node));
  return out;
}

std::vector<CheckedSuggestion> SuggestForNode(const PipelineSpec& spec, const ModuleRegistry& registry,
                                              const std::string& profiled_node,
                                              const profile::TableStatistics& statistics,
                                              const ValidateOptions& options) {
  // Problems the pipeline has already are not the suggestion's.
  std::vector<std::string> before;
  for (const ValidationIssue& issue : ValidatePipeline(spec, registry, options)) before.push_back(issue.ToString());
  std::vector<CheckedSuggestion> out;
  std::vector<profile::Suggestion> suggestions = profile::Suggest(statistics);
  // Each check binds the pipeline: wide tables keep the best kMaxCheckedSuggestions.
  if (suggestions.size() > kMaxCheckedSuggestions) suggestions.resize(kMaxCheckedSuggestions);
  for (profile::Suggestion& s : suggestions) {
    CheckedSuggestion checked;
    checked.node_id = s.node_id;
    for (int n = 2; spec.NodeIndex(checked.node_id) >= 0; ++n) checked.node_id = s.node_id + "_" + std::to_string(n);
    NodeSpec node;
    node.id = checked.node_id;
    node.type = "transform";
    node.module = s.module;
    node.name = s.title;
    node.config = s.config;
    const PipelineSpec with = InsertNodeAfter(spec, profiled_node, std::move(node));
    for (ValidationIssue& issue : ValidatePipeline(with, registry, options)) {
      if (issue.severity != "error" || std::find(before.begin(), before.end(), issue.ToString()) != before.end()) continue;
      checked.issues.push_back(std::move(issue));
    }
    checked.suggestion = std::move(s);
    out.push_back(std::move(checked));
  }
  return out;
}

nlohmann::json CheckedSuggestionToJson(const CheckedSuggestion& checked) {
  nlohmann::json out = profile::SuggestionToJson(checked.suggestion);
  out["node"]["id"] = checked.node_id;
  out["node"]["name"] = checked.suggestion.title;
  nlohmann::json issues = nlohmann::json::array();
  for (const ValidationIssue& issue : checked.issues) issues.push_back(issue.ToJson());
  out["valid"] = checked.issues.empty();
  out["issues"] = issues;
  return out;
}

}  // namespace logidata

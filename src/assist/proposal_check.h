// Checking a proposal — the model's, or the one a person edited — against the real pipeline
// before it is offered or applied. Filters and derived columns are parsed and typed by the
// expression binder against the node's output schema (a filter must be boolean), then inserted
// as a node after it and the whole document validated; a SQL extraction query must pass
// CheckExtractionSql and the validator with it set on the extract node; a whole pipeline must pass
// the validator. Errors the document had before are not the proposal's. Rejections are
// InvalidArgument whose message names JSON paths ("/expression: 1:8: unknown column 'amout'",
// "/pipeline/nodes/1/config/expression: …"). Pure apart from the `validate` callback;
// thread-safe if it is.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "assist/assist_kind.h"
#include "common/result.h"
#include "types/schema.h"

namespace logidata::assist {

struct ProposalContext {
  nlohmann::json pipeline;  // the document as the editor has it
  std::string node_id;      // the node the request is about (unused for kPipeline)
  SchemaPtr output;         // node_id's main output schema (filter, derive); null when unknown
  // Validates a whole document as the editor does: {valid, issues: [{path, node_id, message, severity}]}.
  std::function<nlohmann::json(const nlohmann::json& document)> validate;
};

// `answer` as ParseModelAnswer returns it (or as a person edited it). The checked proposal:
//   {kind, explanation, proposal: {expression | column, expression | query | pipeline},
//    node: {id, type, module, name, config} (filter, derive, sql: the node added or changed),
//    pipeline: the whole document with the proposal applied}
Result<nlohmann::json> CheckProposal(AssistKind kind, const nlohmann::json& answer, const ProposalContext& context);

}  // namespace logidata::assist

// Schema drift: the output schemas of a run's sources compared with those of the pipeline's
// previous successful run — per source node, the columns added, removed or retyped. The run
// executor records both with the run and applies the pipeline's `schema_drift` policy
// (run_policy.h): `ignore` records and goes on, `fail` fails the run before any data moves.
// Pure functions; thread-safe.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "pipeline/bound_pipeline.h"

namespace logidata {

// {"<extract node id>": [{"name", "type"}, …]} for every bound, enabled extract node.
nlohmann::json SourceSchemasJson(const BoundPipeline& bound);

// [{node_id, added: [{name, type}], removed: [{name, type}], retyped: [{name, from, to}]}] for each
// source present in both with a change, in `current`'s order. Sources new to `current` or gone
// from it are not drift (the pipeline itself changed). `previous` null or not an object: [].
nlohmann::json DiffSourceSchemas(const nlohmann::json& previous, const nlohmann::json& current);

// "src: added coupon (string); removed note (string); retyped amount float64 → string" — one
// clause per change, sources separated by " | ".
std::string DescribeSchemaDrift(const nlohmann::json& drift);

}  // namespace logidata

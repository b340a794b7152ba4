// The versions of the pipeline document and the migrations that bring any accepted document to the
// canonical (current-format) form. The numbers are the web model's `format_version`
// (web/src/model/pipeline_document.ts), so an exported file carries the format it was written in:
//   1 — early editor drafts: node `module` held the full key ("extract.csv"), edges were
//       {from: "node:port", to: "node:port"}, positions were `x`/`y` on the node;
//   2 — the current format (pipeline_spec.h).
// Besides the formats, the dialect of the product's original design documents is accepted and
// rewritten into the canonical form (docs/pipeline-format.md, "Accepted spellings"):
//   "version": "1.0.0"              -> "version": 1, "release": "1.0.0"
//   "schedule": "0 2 * * *"         -> {"cron": "0 2 * * *", "timezone": "UTC", "enabled": true}
//   "notifications": {"on_failure": [emails], "on_success": [emails]}
//                                    -> [{"on": ["failure"], "channel": "email", "to": [emails]}, …]
//   node types extractor / transformer / loader -> extract / transform / load
//   cleaner {"remove_duplicates": true, "columns": [c…]} -> {"dedupe": {"keys": [c…]}}
//   s3 loader {"bucket": b, "partition_by": […]} -> {"connection": b, "path": "s3://b/<pipeline id>",
//                                                    "options": {"partition_by": […]}}
// Stateless functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace logidata {

inline constexpr int kCurrentPipelineFormat = 2;

// Rewrites `doc` into the canonical form (without `format_version`: it is the current format).
// Problems are appended to `errors` as "/json/pointer: message"; the returned document is the best
// effort and must not be used when errors were added. Fields it does not know are left for the
// shape check.
nlohmann::json CanonicalizePipelineDocument(const nlohmann::json& doc, std::vector<std::string>* errors);

// The same, as a Result: InvalidArgument "invalid pipeline document:\n  /path: message…".
Result<nlohmann::json> CanonicalPipelineDocument(const nlohmann::json& doc);

}  // namespace logidata

// Pushdown: an optimizer step over the bound pipeline that moves the filter, select and limit
// directly following a database extractor (extract.postgres / extract.mysql / extract.sqlite)
// into the extractor's query, wrapped as a subquery:
//   SELECT <columns> FROM (<user query>) AS q WHERE <predicate> LIMIT <n + offset>
// Only what translates exactly is pushed: comparisons of a column with a number (and, on
// PostgreSQL and SQLite, equality with a string — their ordering of text follows collations the
// engine does not share, MySQL compares text case-insensitively), AND / OR / NOT, IS [NOT] NULL,
// [NOT] IN over literals. The downstream nodes still run unchanged on the smaller input, so a
// pushed predicate only has to be exact, never complete (an AND keeps its translatable terms).
// A limit is pushed as n + offset (the engine still skips the offset) and never after a filter
// that was only partly pushed, nor when the query has its own ORDER BY. `"pushdown": false` on the
// extractor turns it off. Pure functions; thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "module/operator.h"
#include "pipeline/bound_pipeline.h"

namespace logidata {

enum class PushdownDialect { kPostgres, kMysql, kSqlite };

// The SQL for a filter expression, or nullopt when no part of it translates exactly. `complete`
// says whether all of it did (else only some AND terms were translated).
std::optional<std::string> TranslateFilter(std::string_view expression, PushdownDialect dialect, bool* complete);

// For the extractor at node index `v` (config with defaults applied): rewrites config["query"]
// (or a "table" into a query) to carry what its consumers let it push down, and returns that
// query; nullopt when nothing is pushed (not a database extractor, pushdown off, incremental
// read, or nothing translatable downstream).
std::optional<std::string> PushDownIntoExtractor(const BoundPipeline& bound, int v, nlohmann::json& config);

// Wraps a pushed-down extractor so its run log says "pushed down: <query>" when it opens; every
// other call goes straight to `inner`.
std::unique_ptr<Operator> LogPushdown(std::unique_ptr<Operator> inner, std::string query);

}  // namespace logidata

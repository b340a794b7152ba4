// Pushdown: an optimizer step over the bound pipeline that moves the filter, select and limit (and
// simple aggregates, below) directly following a database extractor (extract.postgres / extract.mysql / extract.sqlite)
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
#include <vector>

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

// Aggregate pushdown: a transform.aggregate that follows the extractor, possibly after filters that
// translate completely, runs inside the query as a GROUP BY. Unlike filter/select/limit the
// absorbed nodes do not run again: they pass the extractor's (already aggregated) rows through.
// Only what the database computes exactly like the engine is pushed: count, sum (integers,
// decimals), avg (integers), min and max (integers, decimals, dates, timestamps), grouped by
// columns that are not floating point (nor text in MySQL, whose collations ignore case). Every
// aggregate is cast to the type the engine's aggregate would give it (PostgreSQL's sum of an
// integer is numeric, its avg numeric); the binder then checks the columns the database reports
// against the engine's output schema and keeps the plain query when they differ.
struct AggregatePushdownPlan {
  int aggregate = -1;        // node index of the aggregate
  std::vector<int> filters;  // node indices of the filters between the extractor and it
  PushdownDialect dialect = PushdownDialect::kPostgres;
  std::string base;          // the extractor's own query (a table read as SELECT *)
  std::vector<std::string> where;
};

// The aggregate pushdown possible for the extractor at node index `v`, whose config (defaults
// applied, not yet rewritten by PushDownIntoExtractor) is `config`; nullopt when there is none.
std::optional<AggregatePushdownPlan> PlanAggregatePushdown(const BoundPipeline& bound, int v, const nlohmann::json& config);

// The query running `plan`'s aggregate (config with defaults applied, bound over `input`, the
// extractor's columns, giving `output`) inside the database; nullopt when some part of it would
// not be exact.
std::optional<std::string> AggregatePushdownQuery(const AggregatePushdownPlan& plan, const nlohmann::json& aggregate_config,
                                                  const Schema& input, const Schema& output);

// The operator of a node absorbed into its extractor's query: passes each batch through under
// `schema` (the engine's output schema for the node, equal in names and types to the input).
std::unique_ptr<Operator> MakePushedDownNode(SchemaPtr schema);

// Wraps a pushed-down extractor so its run log says "pushed down: <query>" when it opens; every
// other call goes straight to `inner`.
std::unique_ptr<Operator> LogPushdown(std::unique_ptr<Operator> inner, std::string query);

}  // namespace logidata

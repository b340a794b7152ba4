// GraphQL-over-HTTP answers, read the way extract.graphql needs them: the `errors` array described
// for a person (message, path, locations, code), the records at a dotted path inside `data` (lists
// on the way are walked element by element, so "orders.edges.node" yields every edge's node), and
// the relay `pageInfo` object. Pure functions over parsed JSON; thread-safe.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace logidata {

// "2 errors: \"order 2 cannot be read\" at path orders.edges.1.node.broken, line 1 column 85
// (ORDER_LOCKED); \"…\"". At most five errors are spelled out; the rest are counted.
// REQUIRES: `errors` is a non-empty array (its entries may be of any shape: servers vary).
std::string DescribeGraphqlErrors(const nlohmann::ordered_json& errors);

// The records at `path` (dotted field names) inside `data`. A list met on the way is walked
// element by element; null values (nullable fields and list items) contribute nothing; the value
// at the end must be objects. A field missing from the answer is a DataError naming it, since it
// means the path does not match the query.
Result<std::vector<const nlohmann::ordered_json*>> FindGraphqlRecords(const nlohmann::ordered_json& data,
                                                                      const std::string& path);

// The default place of pageInfo for a record path: beside its "edges" or "nodes" field
// ("orders.edges.node" → "orders.pageInfo"), else beside the records ("search.items" →
// "search.pageInfo").
std::string DefaultPageInfoPath(const std::string& record_path);

// The object at dotted `path` inside `data` (no list walking), or nullptr.
const nlohmann::ordered_json* GraphqlObjectAt(const nlohmann::ordered_json& data, const std::string& path);

}  // namespace logidata

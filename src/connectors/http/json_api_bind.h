// How the JSON API extractors (extract.http, extract.graphql) get their output columns at bind
// time: from `columns` when the config lists them; none when the bind may not reach the API
// (validation without data); else inferred from the records of the first page, which the run
// fetches again. `Op` is constructed from (plan, schema); `Pager` from (plan, connection, auth,
// cancel flag) and answers Next() with a page's records.
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "connectors/config_columns.h"
#include "connectors/connection_lookup.h"
#include "connectors/http/http_auth.h"
#include "connectors/http/json_records.h"
#include "module/module_descriptor.h"
#include "module/operator.h"
#include "types/schema.h"

namespace logidata {

template <typename Op, typename Pager, typename Plan>
Result<std::unique_ptr<Operator>> BindJsonApiExtract(const BindContext& ctx, Plan plan) {
  LD_ASSIGN_OR_RETURN(SchemaPtr given, SchemaFromColumnsOption(ctx.cfg()));
  if (given != nullptr) return std::unique_ptr<Operator>(new Op(std::move(plan), std::move(given)));
  if (ctx.connections == nullptr || !ctx.can_touch_data) {
    return std::unique_ptr<Operator>(new Op(std::move(plan), MakeSchema({})));
  }
  LD_ASSIGN_OR_RETURN(ConnectionConfig config, LookupConnection(ctx.connections, plan.connection, {"http", "rest"}));
  LD_ASSIGN_OR_RETURN(HttpAuth auth, HttpAuth::FromConnection(config));
  Pager pager(plan, config, std::move(auth), nullptr);
  LD_ASSIGN_OR_RETURN(auto records, pager.Next());
  SchemaPtr schema = InferJsonSchema(records);
  if (schema->num_fields() == 0) return ConfigError("/columns", "the first page has no records to infer columns from; set 'columns'");
  return std::unique_ptr<Operator>(new Op(std::move(plan), std::move(schema)));
}

}  // namespace logidata

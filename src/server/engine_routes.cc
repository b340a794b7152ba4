// Routes that call the engine: validate, preview, profile, expression checks, node schemas, modules.
// Every engine call runs on behalf of one organization: inside its file sandbox (paths resolve
// exactly as in its runs), within its share of concurrent calls, and under a time limit.
#include "metadata/pipeline_store.h"
#include "metadata/preview_store.h"
#include "server/engine_bridge.h"
#include "server/engine_call.h"
#include "server/route_support.h"

namespace logidata {

void RegisterEngineRoutes(Router& router, const ApiServices& s) {
  Database* db = s.db;

  router.Add({"POST", "/api/v1/pipelines/validate", Access::kViewer, "pipelines",
              "Validates a pipeline document and lists every issue with its path and node.", {{"type", "object"}}, {},
              200, true, [s](const HttpRequest&, const Caller& c, const nlohmann::json& body) {
                auto call = EngineCall::Begin(s, c);
                if (!call.ok()) return BusyOrFail(call.status());
                return HttpResponse::Json(200, ValidatePipelineJson(body, (*call)->scope()));
              }});
  router.Add({"POST", "/api/v1/preview", Access::kDeveloper, "pipelines",
              "Runs the pipeline up to a node on a sample; returns rows and column statistics. With "
              "`pipeline_id` (a stored pipeline) the result is saved as `preview_id` for GET /api/v1/previews/{id}.",
              ObjSchema({{"pipeline", {{"type", "object"}}},
                         {"node_id", StrSchema(1, 200)},
                         {"pipeline_id", StrSchema(1, 100)},
                         {"offset", {{"type", "integer"}, {"minimum", 0}, {"maximum", 1000000}}},
                         {"limit", {{"type", "integer"}, {"minimum", 0}, {"maximum", 1000}}}},
                        {"pipeline", "node_id"}),
              {}, 200, true, [s, db](const HttpRequest&, const Caller& c, const nlohmann::json& b) {
                Result<StoredPipeline> stored = Status::NotFound("");
                if (b.contains("pipeline_id")) {
                  stored = LoadPipeline(*db, c.org_id, b["pipeline_id"]);
                  if (!stored.ok()) {
                    return Fail(stored.status().code() == StatusCode::kNotFound
                                    ? Status::InvalidArgument("/pipeline_id: no such pipeline")
                                    : stored.status());
                  }
                }
                auto call = EngineCall::Begin(s, c);
                if (!call.ok()) return BusyOrFail(call.status());
                auto out = PreviewJson(b["pipeline"], b["node_id"], b.value("offset", int64_t{0}),
                                       b.value("limit", int64_t{100}), (*call)->scope());
                if (!out.ok()) return BusyOrFail((*call)->Explain(out.status()));
                if (stored.ok()) {
                  // The version the edited document was loaded from, if the editor says so.
                  int64_t version = stored->version;
                  if (b["pipeline"].contains("version") && b["pipeline"]["version"].is_number_integer()) {
                    version = b["pipeline"]["version"].get<int64_t>();
                  }
                  auto id = SavePreview(*db, {c.org_id, stored->id, b["node_id"], version}, *out, c.Actor());
                  if (!id.ok()) return Fail(id.status());
                  (*out)["preview_id"] = *id;
                }
                return HttpResponse::Json(200, *out);
              }});
  router.Add({"POST", "/api/v1/pipelines/{id}/profile", Access::kViewer, "pipelines",
              "Profiles every column of a node's output in one streaming pass (at most `rows` rows, default "
              "100000): semantic type, null and empty rates, distinct count, quantiles, top values, patterns, "
              "lengths, outliers and PII likelihood, each estimate with its error bound; and `suggestions`: "
              "cleaning steps derived from the profile, best first, each with its reason and a node to insert "
              "after the profiled node, checked by the validator. Profiles the stored document; an unsaved "
              "`pipeline` may be sent by developers.",
              ObjSchema({{"node_id", StrSchema(1, 200)},
                         {"rows", {{"type", "integer"}, {"minimum", 1}, {"maximum", 100000000}}},
                         {"pipeline", {{"type", "object"}}}},
                        {"node_id"}),
              {}, 200, true, [s, db](const HttpRequest& req, const Caller& c, const nlohmann::json& b) {
                auto stored = LoadPipeline(*db, c.org_id, req.Param("id"));
                if (!stored.ok()) return Fail(stored.status());
                // Viewers may read what is stored; running an edited document is a developer's act,
                // as with POST /api/v1/preview.
                if (b.contains("pipeline") && c.role < Role::kDeveloper) {
                  return Fail(Status::PermissionDenied("/pipeline: profiling an unsaved document needs the developer role"));
                }
                nlohmann::json doc = b.contains("pipeline") ? b["pipeline"] : stored->document;
                doc.erase("metadata");
                auto call = EngineCall::Begin(s, c);
                if (!call.ok()) return BusyOrFail(call.status());
                auto out = ProfileJson(doc, b["node_id"], b.value("rows", int64_t{100000}), (*call)->scope());
                if (!out.ok()) return BusyOrFail((*call)->Explain(out.status()));
                return HttpResponse::Json(200, *out);
              }});
  router.Add({"POST", "/api/v1/expressions/check", Access::kViewer, "pipelines",
              "Parses and types an expression against a node's input schema.",
              ObjSchema({{"expression", StrSchema(0, 100000)}, {"pipeline", {{"type", "object"}}}, {"node_id", StrSchema(1, 200)}},
                        {"expression", "pipeline", "node_id"}),
              {}, 200, true, [s](const HttpRequest&, const Caller& c, const nlohmann::json& b) {
                auto call = EngineCall::Begin(s, c);
                if (!call.ok()) return BusyOrFail(call.status());
                auto out = CheckExpressionJson(b["expression"], b["pipeline"], b["node_id"], (*call)->scope());
                return out.ok() ? HttpResponse::Json(200, *out) : Fail(out.status());
              }});
  router.Add({"POST", "/api/v1/pipelines/{id}/schema", Access::kViewer, "pipelines",
              "Returns a node's input and output schemas (of the given or the stored document).",
              ObjSchema({{"pipeline", {{"type", "object"}}}, {"node_id", StrSchema(1, 200)}}, {"node_id"}), {}, 200, true,
              [s, db](const HttpRequest& req, const Caller& c, const nlohmann::json& b) {
                auto stored = LoadPipeline(*db, c.org_id, req.Param("id"));
                if (!stored.ok()) return Fail(stored.status());
                nlohmann::json doc = b.contains("pipeline") ? b["pipeline"] : stored->document;
                doc.erase("metadata");
                auto call = EngineCall::Begin(s, c);
                if (!call.ok()) return BusyOrFail(call.status());
                auto out = NodeSchemaJson(doc, b["node_id"], (*call)->scope());
                return out.ok() ? HttpResponse::Json(200, *out) : Fail(out.status());
              }});
  router.Add({"GET", "/api/v1/modules", Access::kUser, "modules",
              "Lists every module with its ports and the JSON Schema of its config.", nullptr, {}, 200, false,
              [](const HttpRequest&, const Caller&, const nlohmann::json&) {
                HttpResponse r;
                r.body = ModulesCatalogJson();
                return r;
              }});
}

}  // namespace logidata

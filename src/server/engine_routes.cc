// Routes that call the engine: validate, preview, expression checks, node schemas, modules.
#include "auth/secret_box.h"
#include "metadata/connection_store.h"
#include "metadata/pipeline_store.h"
#include "metadata/preview_store.h"
#include "server/engine_bridge.h"
#include "server/route_support.h"

namespace logidata {

void RegisterEngineRoutes(Router& router, const ApiServices& s) {
  Database* db = s.db;
  const SecretBox* box = s.secrets;
  std::string base_dir = s.data_dir + "/files";

  router.Add({"POST", "/api/v1/pipelines/validate", Access::kViewer, "pipelines",
              "Validates a pipeline document and lists every issue with its path and node.", {{"type", "object"}}, {},
              200, true, [db, box](const HttpRequest&, const Caller& c, const nlohmann::json& body) {
                DbConnectionResolver connections(db, box, c.org_id);
                return HttpResponse::Json(200, ValidatePipelineJson(body, &connections));
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
              {}, 200, true, [db, box, base_dir](const HttpRequest&, const Caller& c, const nlohmann::json& b) {
                Result<StoredPipeline> stored = Status::NotFound("");
                if (b.contains("pipeline_id")) {
                  stored = LoadPipeline(*db, c.org_id, b["pipeline_id"]);
                  if (!stored.ok()) {
                    return Fail(stored.status().code() == StatusCode::kNotFound
                                    ? Status::InvalidArgument("/pipeline_id: no such pipeline")
                                    : stored.status());
                  }
                }
                DbConnectionResolver connections(db, box, c.org_id);
                auto out = PreviewJson(b["pipeline"], b["node_id"], b.value("offset", int64_t{0}),
                                       b.value("limit", int64_t{100}), &connections, base_dir);
                if (!out.ok()) return Fail(out.status());
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
  router.Add({"POST", "/api/v1/expressions/check", Access::kViewer, "pipelines",
              "Parses and types an expression against a node's input schema.",
              ObjSchema({{"expression", StrSchema(0, 100000)}, {"pipeline", {{"type", "object"}}}, {"node_id", StrSchema(1, 200)}},
                        {"expression", "pipeline", "node_id"}),
              {}, 200, true, [db, box](const HttpRequest&, const Caller& c, const nlohmann::json& b) {
                DbConnectionResolver connections(db, box, c.org_id);
                auto out = CheckExpressionJson(b["expression"], b["pipeline"], b["node_id"], &connections);
                return out.ok() ? HttpResponse::Json(200, *out) : Fail(out.status());
              }});
  router.Add({"POST", "/api/v1/pipelines/{id}/schema", Access::kViewer, "pipelines",
              "Returns a node's input and output schemas (of the given or the stored document).",
              ObjSchema({{"pipeline", {{"type", "object"}}}, {"node_id", StrSchema(1, 200)}}, {"node_id"}), {}, 200, true,
              [db, box](const HttpRequest& req, const Caller& c, const nlohmann::json& b) {
                auto stored = LoadPipeline(*db, c.org_id, req.Param("id"));
                if (!stored.ok()) return Fail(stored.status());
                nlohmann::json doc = b.contains("pipeline") ? b["pipeline"] : stored->document;
                doc.erase("metadata");
                DbConnectionResolver connections(db, box, c.org_id);
                auto out = NodeSchemaJson(doc, b["node_id"], &connections);
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

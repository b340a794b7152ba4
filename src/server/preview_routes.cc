// Routes: saved data previews of a stored pipeline (the POST /api/v1/preview results).
#include "metadata/pipeline_store.h"
#include "metadata/preview_store.h"
#include "server/route_support.h"

namespace logidata {

void RegisterPreviewRoutes(Router& router, const ApiServices& s) {
  Database* db = s.db;
  router.Add({"GET", "/api/v1/pipelines/{id}/previews", Access::kViewer, "pipelines",
              "Lists the saved previews of a pipeline, newest first (without their rows); ?node_id filters.", nullptr,
              {{"node_id", "string", "only previews of this node"}}, 200, false,
              [db](const HttpRequest& req, const Caller& c, const nlohmann::json&) {
                auto pipeline = LoadPipeline(*db, c.org_id, req.Param("id"));
                if (!pipeline.ok()) return Fail(pipeline.status());
                auto items = ListPreviews(*db, c.org_id, pipeline->id, req.Query("node_id"));
                return items.ok() ? HttpResponse::Json(200, {{"items", *items}}) : Fail(items.status());
              }});
  router.Add({"GET", "/api/v1/previews/{id}", Access::kViewer, "pipelines",
              "Returns a saved preview with its rows and column statistics.", nullptr, {}, 200, false,
              [db](const HttpRequest& req, const Caller& c, const nlohmann::json&) {
                auto out = LoadPreview(*db, c.org_id, req.Param("id"));
                return out.ok() ? HttpResponse::Json(200, *out) : Fail(out.status());
              }});
}

}  // namespace logidata

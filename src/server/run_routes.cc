// Routes: runs — start, list, get, cancel, retry, logs, per-node metrics.
#include <algorithm>

#include "metadata/audit_log.h"
#include "metadata/pipeline_store.h"
#include "metadata/run_store.h"
#include "scheduler/run_events.h"
#include "scheduler/run_executor.h"
#include "server/route_support.h"

namespace logidata {
namespace {

const nlohmann::json kParamsSchema = {
    {"type", "object"},
    {"additionalProperties", {{"type", {"string", "number", "integer", "boolean", "null"}}}}};

}  // namespace

void RegisterRunRoutes(Router& router, const ApiServices& s) {
  Database* db = s.db;
  RunExecutor* executor = s.executor;
  RunEvents* events = s.run_events;
  auto queued = [executor, events](const std::string& org_id, const nlohmann::json& run) {
    if (events) events->RunChanged(org_id, run);
    if (executor) executor->Wake();
  };

  router.Add({"POST", "/api/v1/pipelines/{id}/runs", Access::kDeveloper, "runs",
              "Queues a run of the pipeline's current version with parameters.",
              ObjSchema({{"parameters", kParamsSchema}}, {}), {}, 202, false,
              [db, queued](const HttpRequest& req, const Caller& c, const nlohmann::json& body) {
                auto p = LoadPipeline(*db, c.org_id, req.Param("id"));
                if (!p.ok()) return Fail(p.status());
                NewRun run;
                run.org_id = c.org_id;
                run.pipeline_id = p->id;
                run.pipeline_version = p->version;
                run.trigger = c.api_key_id.empty() ? "manual" : "api";
                run.parameters = body.value("parameters", nlohmann::json::object());
                run.created_by = c.Actor();
                auto created = CreateRun(*db, run, c.Actor());
                if (!created.ok()) return Fail(created.status());
                queued(c.org_id, *created);
                return HttpResponse::Json(202, *created);
              }});

  std::vector<QueryParam> list_query = PagingParams();
  list_query.push_back({"pipeline_id", "string", "only runs of this pipeline"});
  list_query.push_back({"status", "string",
                        "queued, running, retrying, succeeded, failed, cancelled, timed_out, skipped or interrupted"});
  router.Add({"GET", "/api/v1/runs", Access::kViewer, "runs", "Lists runs, newest first, with filters.", nullptr,
              list_query, 200, false, [db](const HttpRequest& req, const Caller& c, const nlohmann::json&) {
                std::string where = " WHERE org_id = ?";
                DbParams params = {c.org_id};
                if (auto v = req.Query("pipeline_id"); !v.empty()) {
                  where += " AND pipeline_id = ?";
                  params.push_back(v);
                }
                if (auto v = req.Query("status"); !v.empty()) {
                  const auto& statuses = RunStatuses();
                  if (std::find(statuses.begin(), statuses.end(), v) == statuses.end()) {
                    return HttpResponse::Problem(400, "", "unknown status",
                                                 {{{"field", "?status"}, {"message", "must be a run status"}}});
                  }
                  where += " AND status = ?";
                  params.push_back(v);
                }
                Paging p = ParsePaging(req);
                auto count = db->Query("SELECT COUNT(*) AS n FROM runs" + where, params);
                if (!count.ok()) return Fail(count.status());
                params.push_back(p.page_size);
                params.push_back(p.offset());
                auto rows = db->Query(std::string("SELECT ") + kRunColumns + " FROM runs" + where +
                                          " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
                                      params);
                if (!rows.ok()) return Fail(rows.status());
                nlohmann::json items = nlohmann::json::array();
                for (const DbRow& r : rows->rows) items.push_back(RunRowJson(r));
                return HttpResponse::Json(200, {{"items", items}, {"total", count->rows[0].Int("n")},
                                                {"page", p.page}, {"page_size", p.page_size}});
              }});
  router.Add({"GET", "/api/v1/runs/{id}", Access::kViewer, "runs", "Returns a run with its per-node metrics and its attempts.", nullptr,
              {}, 200, false, [db](const HttpRequest& req, const Caller& c, const nlohmann::json&) {
                auto run = LoadRunJson(*db, c.org_id, req.Param("id"));
                return run.ok() ? HttpResponse::Json(200, *run) : Fail(run.status());
              }});
  router.Add({"POST", "/api/v1/runs/{id}/cancel", Access::kDeveloper, "runs",
              "Cancels a queued or running run.", nullptr, {}, 202, false,
              [db, executor, events](const HttpRequest& req, const Caller& c, const nlohmann::json&) {
                const std::string& id = req.Param("id");
                auto run = LoadRunJson(*db, c.org_id, id);
                if (!run.ok()) return Fail(run.status());
                std::string status = (*run)["status"];
                if (status == "queued" || status == "retrying") {
                  auto r = db->Query(
                      "UPDATE runs SET status = 'cancelled', finished_at = ?, error = 'cancelled before it started' "
                      "WHERE id = ? AND status IN ('queued', 'retrying')",
                      {NowIso8601(), id});
                  if (!r.ok()) return Fail(r.status());
                  if (r->affected == 0) status = "running";  // claimed meanwhile: cancel it running
                }
                if (status == "running") {
                  auto r = db->Query("UPDATE runs SET cancel_requested = 1 WHERE id = ?", {id});
                  if (!r.ok()) return Fail(r.status());
                  if (executor) executor->CancelLocal(id);
                } else if (status != "queued" && status != "retrying") {
                  return HttpResponse::Problem(409, "", "run already finished (" + status + ")");
                }
                (void)WriteAudit(*db, {c.org_id, c.Actor(), "run.cancel", "run", id, {{"status", status}}, nullptr});
                auto after = LoadRunJson(*db, c.org_id, id);
                if (!after.ok()) return Fail(after.status());
                if (events) events->RunChanged(c.org_id, *after);
                return HttpResponse::Json(202, *after);
              }});
  router.Add({"POST", "/api/v1/runs/{id}/retry", Access::kDeveloper, "runs",
              "Queues a new run with the same pipeline version and parameters.", nullptr, {}, 202, false,
              [db, queued](const HttpRequest& req, const Caller& c, const nlohmann::json&) {
                auto old = LoadRunJson(*db, c.org_id, req.Param("id"));
                if (!old.ok()) return Fail(old.status());
                std::string status = (*old)["status"];
                if (!IsFinalRunStatus(status)) {
                  return HttpResponse::Problem(409, "", "run is still " + status);
                }
                NewRun run;
                run.org_id = c.org_id;
                run.pipeline_id = (*old)["pipeline_id"];
                run.pipeline_version = (*old)["pipeline_version"];
                run.trigger = "retry";
                run.parameters = (*old)["parameters"];
                run.created_by = c.Actor();
                run.retry_of = (*old)["id"];
                auto created = CreateRun(*db, run, c.Actor());
                if (!created.ok()) return Fail(created.status());
                queued(c.org_id, *created);
                return HttpResponse::Json(202, *created);
              }});
  router.Add({"GET", "/api/v1/runs/{id}/logs", Access::kViewer, "runs",
              "Returns a run's log lines after a sequence number.", nullptr,
              {{"after", "integer", "return lines with seq greater than this"}, {"limit", "integer", "max lines (1000)"}},
              200, false, [db](const HttpRequest& req, const Caller& c, const nlohmann::json&) {
                auto run = db->Query("SELECT id FROM runs WHERE id = ? AND org_id = ?", {req.Param("id"), c.org_id});
                if (!run.ok()) return Fail(run.status());
                if (run->rows.empty()) return HttpResponse::Problem(404, "", "run not found");
                int64_t after = std::strtoll(req.Query("after", "0").c_str(), nullptr, 10);
                int64_t limit = std::clamp<int64_t>(std::strtoll(req.Query("limit", "200").c_str(), nullptr, 10), 1, 1000);
                auto rows = db->Query(
                    "SELECT seq, ts, level, node_id, message FROM run_logs WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                    {req.Param("id"), after, limit});
                if (!rows.ok()) return Fail(rows.status());
                nlohmann::json items = nlohmann::json::array();
                int64_t next = after;
                for (const DbRow& r : rows->rows) {
                  next = r.Int("seq");
                  items.push_back({{"seq", next}, {"ts", r.Str("ts")}, {"level", r.Str("level")},
                                   {"node_id", r.Str("node_id")}, {"message", r.Str("message")}});
                }
                return HttpResponse::Json(200, {{"items", items}, {"next", next}});
              }});
  router.Add({"GET", "/api/v1/runs/{id}/nodes", Access::kViewer, "runs", "Returns per-node metrics of a run.", nullptr,
              {}, 200, false, [db](const HttpRequest& req, const Caller& c, const nlohmann::json&) {
                auto run = LoadRunJson(*db, c.org_id, req.Param("id"));
                if (!run.ok()) return Fail(run.status());
                nlohmann::json items = nlohmann::json::array();
                for (const auto& [node_id, m] : (*run)["nodes"].items()) {
                  nlohmann::json entry = m;
                  entry["node_id"] = node_id;
                  items.push_back(entry);
                }
                return HttpResponse::Json(200, {{"items", items}});
              }});
}

}  // namespace logidata

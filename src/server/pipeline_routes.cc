// Routes: pipelines — list, CRUD with optimistic concurrency, versions, restore, clone, export
// and import.
#include "auth/jwt.h"
#include "metadata/pipeline_store.h"
#include "pipeline/pipeline_format.h"
#include "scheduler/pipeline_schedule.h"
#include "server/engine_bridge.h"
#include "server/response_cache.h"
#include "server/route_support.h"

namespace logidata {
namespace {

// Checks a document and fills the schedule columns of a write.
Result<PipelineWrite> PrepareWrite(const Caller& c, nlohmann::json doc) {
  doc.erase("metadata");
  LD_RETURN_IF_ERROR(CheckPipelineShape(doc));
  // Stored in the canonical form, whatever spelling came in (format 1, the design documents'
  // dialect): the shape check above has already reported anything the rewrite could not handle.
  std::vector<std::string> rewrite_errors;
  doc = CanonicalizePipelineDocument(doc, &rewrite_errors);
  PipelineWrite w;
  w.org_id = c.org_id;
  w.actor = c.Actor();
  LD_ASSIGN_OR_RETURN(std::optional<PipelineSchedule> schedule, ScheduleOfDocument(doc, UnixNowSeconds()));
  if (schedule) {
    w.cron = schedule->cron;
    w.timezone = schedule->timezone;
    w.schedule_enabled = schedule->enabled;
    w.next_fire = schedule->next_fire;
  }
  w.document = std::move(doc);
  return w;
}

std::string EscapeLike(const std::string& q) {
  std::string out;
  for (char ch : q) {
    char c = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string FileNameFor(const std::string& name) {
  std::string out;
  for (char c : name) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
  if (out.empty()) out = "pipeline";
  return out.substr(0, 100) + ".json";
}

}  // namespace

void RegisterPipelineRoutes(Router& router, const ApiServices& s) {
  Database* db = s.db;
  ResponseCache* cache = s.list_cache;
  const nlohmann::json doc_schema = {{"type", "object"}};

  std::vector<QueryParam> list_query = PagingParams();
  list_query.push_back({"q", "string", "case-insensitive substring of the name"});
  list_query.push_back({"sort", "string", "name, -name, updated_at, -updated_at (default), created_at, -created_at"});
  router.Add({"GET", "/api/v1/pipelines", Access::kViewer, "pipelines",
              "Lists pipelines with their last run, with search and paging.", nullptr, list_query, 200, false,
              [db, cache](const HttpRequest& req, const Caller& c, const nlohmann::json&) {
                static const std::map<std::string, std::string> kSorts = {
                    {"name", "p.name ASC, p.id"},           {"-name", "p.name DESC, p.id"},
                    {"updated_at", "p.updated_at ASC, p.id"}, {"-updated_at", "p.updated_at DESC, p.id"},
                    {"created_at", "p.created_at ASC, p.id"}, {"-created_at", "p.created_at DESC, p.id"}};
                std::string sort = req.Query("sort", "-updated_at");
                auto order = kSorts.find(sort);
                if (order == kSorts.end()) {
                  return HttpResponse::Problem(400, "", "unknown sort '" + sort.substr(0, 40) + "'",
                                               {{{"field", "?sort"}, {"message", "must be one of name, -name, updated_at, "
                                                                                 "-updated_at, created_at, -created_at"}}});
                }
                Paging p = ParsePaging(req);
                std::string q = req.Query("q");
                std::string key = c.org_id + "\x1f" + q + "\x1f" + sort + "\x1f" + std::to_string(p.page) + "\x1f" +
                                  std::to_string(p.page_size);
                if (auto hit = cache->Get(key)) {
                  HttpResponse r;
                  r.body = std::move(*hit);
                  return r;
                }
                uint64_t generation = cache->generation();
                std::string where = " WHERE p.org_id = ?";
                DbParams params = {c.org_id};
                if (!q.empty()) {
                  where += " AND LOWER(p.name) LIKE ? ESCAPE '\\'";
                  params.push_back("%" + EscapeLike(q) + "%");
                }
                auto count = db->Query("SELECT COUNT(*) AS n FROM pipelines p" + where, params);
                if (!count.ok()) return Fail(count.status());
                params.push_back(p.page_size);
                params.push_back(p.offset());
                auto rows = db->Query(
                    "SELECT p.id, p.name, p.description, p.version, p.created_at, p.updated_at, p.schedule_cron, "
                    "p.schedule_enabled, p.next_fire_at, "
                    "(SELECT r.id FROM runs r WHERE r.pipeline_id = p.id ORDER BY r.created_at DESC LIMIT 1) AS lr_id, "
                    "(SELECT r.status FROM runs r WHERE r.pipeline_id = p.id ORDER BY r.created_at DESC LIMIT 1) AS "
                    "lr_status, "
                    "(SELECT r.finished_at FROM runs r WHERE r.pipeline_id = p.id ORDER BY r.created_at DESC LIMIT 1) "
                    "AS lr_finished FROM pipelines p" +
                        where + " ORDER BY " + order->second + " LIMIT ? OFFSET ?",
                    params);
                if (!rows.ok()) return Fail(rows.status());
                nlohmann::json items = nlohmann::json::array();
                for (const DbRow& r : rows->rows) {
                  nlohmann::json last = nullptr;
                  if (!r.IsNull("lr_id")) {
                    last = {{"id", r.Str("lr_id")},
                            {"status", r.Str("lr_status")},
                            {"finished_at", r.IsNull("lr_finished") ? nlohmann::json(nullptr) : nlohmann::json(r.Str("lr_finished"))}};
                  }
                  nlohmann::json schedule = nullptr;
                  if (!r.IsNull("schedule_cron")) {
                    schedule = {{"cron", r.Str("schedule_cron")},
                                {"enabled", r.Int("schedule_enabled") != 0},
                                {"next_fire_at", r.IsNull("next_fire_at") ? nlohmann::json(nullptr) : nlohmann::json(r.Str("next_fire_at"))}};
                  }
                  items.push_back({{"id", r.Str("id")}, {"name", r.Str("name")}, {"description", r.Str("description")},
                                   {"version", r.Int("version")}, {"created_at", r.Str("created_at")},
                                   {"updated_at", r.Str("updated_at")}, {"schedule", schedule}, {"last_run", last}});
                }
                HttpResponse r = HttpResponse::Json(
                    200, {{"items", items}, {"total", count->rows[0].Int("n")}, {"page", p.page}, {"page_size", p.page_size}});
                cache->Put(key, r.body, generation);
                return r;
              }});

  auto create = [db, cache](const std::string& action) {
    return [db, cache, action](const HttpRequest&, const Caller& c, const nlohmann::json& body) {
      nlohmann::json doc = body;
      if (action == "pipeline.import") {
        doc.erase("id");
        doc.erase("version");
      }
      auto w = PrepareWrite(c, doc);
      if (!w.ok()) return Fail(w.status());
      auto p = CreatePipeline(*db, *w, action);
      if (!p.ok()) return Fail(p.status());
      cache->Invalidate();
      return HttpResponse::Json(201, p->ToApiJson());
    };
  };
  router.Add({"POST", "/api/v1/pipelines/import", Access::kDeveloper, "pipelines",
              "Imports an exported pipeline document as a new pipeline.", doc_schema, {}, 201, false,
              create("pipeline.import")});
  router.Add({"POST", "/api/v1/pipelines", Access::kDeveloper, "pipelines", "Creates a pipeline from a document.",
              doc_schema, {}, 201, false, create("pipeline.create")});

  router.Add({"GET", "/api/v1/pipelines/{id}", Access::kViewer, "pipelines", "Returns a pipeline's current document.",
              nullptr, {}, 200, false, [db](const HttpRequest& req, const Caller& c, const nlohmann::json&) {
                auto p = LoadPipeline(*db, c.org_id, req.Param("id"));
                return p.ok() ? HttpResponse::Json(200, p->ToApiJson()) : Fail(p.status());
              }});
  router.Add({"PUT", "/api/v1/pipelines/{id}", Access::kDeveloper, "pipelines",
              "Saves a new version; `version` must equal the stored version (else 409).", doc_schema, {}, 200, false,
              [db, cache](const HttpRequest& req, const Caller& c, const nlohmann::json& body) {
                auto v = body.find("version");
                if (v == body.end() || !v->is_number_integer()) {
                  return Fail(Status::InvalidArgument("/version: is required and must be the stored version"));
                }
                // Existence first so a foreign id answers 404 even with a bad document.
                auto existing = LoadPipeline(*db, c.org_id, req.Param("id"));
                if (!existing.ok()) return Fail(existing.status());
                auto w = PrepareWrite(c, body);
                if (!w.ok()) return Fail(w.status());
                auto p = UpdatePipeline(*db, req.Param("id"), v->get<int64_t>(), *w, "pipeline.update");
                if (!p.ok()) return Fail(p.status());
                cache->Invalidate();
                return HttpResponse::Json(200, p->ToApiJson());
              }});
  router.Add({"DELETE", "/api/v1/pipelines/{id}", Access::kDeveloper, "pipelines",
              "Deletes a pipeline and its versions (runs stay in history).", nullptr, {}, 204, false,
              [db, cache](const HttpRequest& req, const Caller& c, const nlohmann::json&) {
                Status st = DeletePipeline(*db, c.org_id, req.Param("id"), c.Actor());
                if (!st.ok()) return Fail(st);
                cache->Invalidate();
                return HttpResponse::NoContent();
              }});
  router.Add({"GET", "/api/v1/pipelines/{id}/versions", Access::kViewer, "pipelines", "Lists a pipeline's versions.",
              nullptr, {}, 200, false, [db](const HttpRequest& req, const Caller& c, const nlohmann::json&) {
                auto p = LoadPipeline(*db, c.org_id, req.Param("id"));
                if (!p.ok()) return Fail(p.status());
                auto r = db->Query(
                    "SELECT version, created_at, author FROM pipeline_versions WHERE pipeline_id = ? ORDER BY version DESC",
                    {p->id});
                if (!r.ok()) return Fail(r.status());
                nlohmann::json items = nlohmann::json::array();
                for (const DbRow& row : r->rows) {
                  items.push_back({{"version", row.Int("version")}, {"created_at", row.Str("created_at")},
                                   {"author", row.Str("author")}});
                }
                return HttpResponse::Json(200, {{"items", items}});
              }});
  auto parse_version = [](const HttpRequest& req) -> std::optional<int64_t> {
    const std::string& v = req.Param("v");
    if (v.empty() || v.size() > 12 || v.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    return std::stoll(v);
  };
  router.Add({"GET", "/api/v1/pipelines/{id}/versions/{v}", Access::kViewer, "pipelines",
              "Returns one version's document.", nullptr, {}, 200, false,
              [db, parse_version](const HttpRequest& req, const Caller& c, const nlohmann::json&) {
                auto v = parse_version(req);
                if (!v) return HttpResponse::Problem(404, "", "pipeline version not found");
                auto doc = LoadPipelineVersion(*db, c.org_id, req.Param("id"), *v);
                return doc.ok() ? HttpResponse::Json(200, *doc) : Fail(doc.status());
              }});
  router.Add({"POST", "/api/v1/pipelines/{id}/versions/{v}/restore", Access::kDeveloper, "pipelines",
              "Saves a new version with an old version's content.", nullptr, {}, 200, false,
              [db, cache, parse_version](const HttpRequest& req, const Caller& c, const nlohmann::json&) {
                auto v = parse_version(req);
                if (!v) return HttpResponse::Problem(404, "", "pipeline version not found");
                auto current = LoadPipeline(*db, c.org_id, req.Param("id"));
                if (!current.ok()) return Fail(current.status());
                auto doc = LoadPipelineVersion(*db, c.org_id, req.Param("id"), *v);
                if (!doc.ok()) return Fail(doc.status());
                auto w = PrepareWrite(c, *doc);
                if (!w.ok()) return Fail(w.status());
                auto p = UpdatePipeline(*db, current->id, current->version, *w, "pipeline.restore");
                if (!p.ok()) return Fail(p.status());
                cache->Invalidate();
                return HttpResponse::Json(200, p->ToApiJson());
              }});
  router.Add({"POST", "/api/v1/pipelines/{id}/clone", Access::kDeveloper, "pipelines",
              "Copies a pipeline under a new name.", ObjSchema({{"name", StrSchema(1, 200)}}, {"name"}), {}, 201, false,
              [db, cache](const HttpRequest& req, const Caller& c, const nlohmann::json& body) {
                auto current = LoadPipeline(*db, c.org_id, req.Param("id"));
                if (!current.ok()) return Fail(current.status());
                nlohmann::json doc = current->document;
                doc["name"] = body["name"];
                doc.erase("id");
                doc.erase("version");
                auto w = PrepareWrite(c, doc);
                if (!w.ok()) return Fail(w.status());
                auto p = CreatePipeline(*db, *w, "pipeline.clone");
                if (!p.ok()) return Fail(p.status());
                cache->Invalidate();
                return HttpResponse::Json(201, p->ToApiJson());
              }});
  router.Add({"GET", "/api/v1/pipelines/{id}/export", Access::kViewer, "pipelines",
              "Downloads the pipeline document as a JSON file.", nullptr, {}, 200, false,
              [db](const HttpRequest& req, const Caller& c, const nlohmann::json&) {
                auto p = LoadPipeline(*db, c.org_id, req.Param("id"));
                if (!p.ok()) return Fail(p.status());
                HttpResponse r;
                r.body = p->document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
                r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + FileNameFor(p->name) + "\"");
                return r;
              }});
}

}  // namespace logidata

// Routes: pipeline triggers besides the cron schedule — webhook and on-success triggers (list,
// create, delete), the inbound hook endpoint that webhooks call, and backfills over a date range.
#include <cctype>
#include <regex>

#include "auth/jwt.h"
#include "auth/token_codec.h"
#include "metadata/pipeline_store.h"
#include "metadata/run_store.h"
#include "metadata/trigger_store.h"
#include "scheduler/pipeline_schedule.h"
#include "scheduler/run_events.h"
#include "scheduler/run_executor.h"
#include "server/route_support.h"

namespace logidata {
namespace {

// A webhook's body is run parameters, not a payload to store: small on purpose.
constexpr size_t kMaxHookBodyBytes = 64 * 1024;
constexpr size_t kMaxHookParameters = 100;
constexpr size_t kMaxParameterValueChars = 4096;

const nlohmann::json kScalarParamsSchema = {
    {"type", "object"}, {"additionalProperties", {{"type", {"string", "number", "integer", "boolean"}}}}};

nlohmann::json TriggerSchema() {
  return ObjSchema({{"kind", {{"type", "string"}, {"enum", {kTriggerKindWebhook, kTriggerKindOnSuccess}}}},
                    {"upstream_pipeline_id", StrSchema(1, 64)},
                    {"hmac_secret", StrSchema(16, 256)},
                    {"parameters", kScalarParamsSchema}},
                   {"kind"});
}

nlohmann::json BackfillSchema() {
  return ObjSchema({{"start", StrSchema(10, 30)},
                    {"end", StrSchema(10, 30)},
                    {"parameters", kScalarParamsSchema},
                    {"dry_run", {{"type", "boolean"}}}},
                   {"start", "end"});
}

// Run parameter names a caller outside the organization may set: identifiers, as pipelines
// reference them (":name"); values are scalars of bounded size.
Status CheckParameters(const nlohmann::json& params) {
  static const std::regex kName("[A-Za-z_][A-Za-z0-9_]{0,63}");
  if (params.size() > kMaxHookParameters) {
    return Status::InvalidArgument("/: at most " + std::to_string(kMaxHookParameters) + " parameters");
  }
  for (const auto& [name, value] : params.items()) {
    if (!std::regex_match(name, kName)) {
      return Status::InvalidArgument("/" + name.substr(0, 64) + ": parameter names are letters, digits and _ (64 at most)");
    }
    if (value.is_string() && value.get_ref<const std::string&>().size() > kMaxParameterValueChars) {
      return Status::InvalidArgument("/" + name + ": at most " + std::to_string(kMaxParameterValueChars) + " characters");
    }
  }
  return Status::OK();
}

// "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM[:SS][Z]", read as UTC. `field` names it in errors.
Result<int64_t> ParseUtcTime(const std::string& text, const std::string& field) {
  static const std::regex kTime(R"(\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?(\.\d{1,3})?Z?)?)");
  if (!std::regex_match(text, kTime)) {
    return Status::InvalidArgument(field + ": expected a UTC date or time like 2026-03-01 or 2026-03-01T06:00:00Z");
  }
  auto ms = UnixMillisFromIso(text);
  if (!ms.ok()) return Status::InvalidArgument(field + ": " + ms.status().message());
  // sscanf accepts 2026-02-31; timegm would roll it into March. Refuse what does not round-trip.
  if (IsoFromUnixMillis(*ms).substr(0, 10) != text.substr(0, 10)) {
    return Status::InvalidArgument(field + ": no such date");
  }
  return *ms / 1000;
}

// The token of a hook call: X-Logidata-Token, else Authorization: Bearer.
std::string HookToken(const HttpRequest& req) {
  if (const std::string& t = req.Header("x-logidata-token"); !t.empty()) return t;
  const std::string& auth = req.Header("authorization");
  if (auth.size() > 7 && (auth.compare(0, 7, "Bearer ") == 0 || auth.compare(0, 7, "bearer ") == 0)) {
    return auth.substr(7);
  }
  return "";
}

// X-Logidata-Signature: sha256=<hex HMAC-SHA256 of the raw body>, compared in constant time.
bool SignatureMatches(const std::string& key, const HttpRequest& req) {
  std::string header = req.Header("x-logidata-signature");
  const std::string prefix = "sha256=";
  if (header.compare(0, prefix.size(), prefix) != 0) return false;
  std::string given = header.substr(prefix.size());
  for (char& ch : given) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return ConstantTimeEquals(given, HexEncode(HmacSha256(key, req.body)));
}

HttpResponse Unauthorized(const std::string& detail) {
  HttpResponse r = HttpResponse::Problem(401, "", detail);
  r.headers.emplace_back("WWW-Authenticate", "Bearer");
  return r;
}

}  // namespace

void RegisterTriggerRoutes(Router& router, const ApiServices& s) {
  Database* db = s.db;
  const SecretBox* box = s.secrets;
  RunExecutor* executor = s.executor;
  RunEvents* events = s.run_events;
  auto queued = [executor, events](const std::string& org_id, const nlohmann::json& run) {
    if (events) events->RunChanged(org_id, run);
    if (executor) executor->Wake();
  };

  router.Add({"GET", "/api/v1/pipelines/{id}/triggers", Access::kViewer, "triggers",
              "Lists the pipeline's webhook and on-success triggers (never their tokens or HMAC keys).", nullptr, {},
              200, false, [db](const HttpRequest& req, const Caller& c, const nlohmann::json&) {
                auto items = ListTriggers(*db, c.org_id, req.Param("id"));
                return items.ok() ? HttpResponse::Json(200, {{"items", *items}}) : Fail(items.status());
              }});
  router.Add({"POST", "/api/v1/pipelines/{id}/triggers", Access::kDeveloper, "triggers",
              "Creates a trigger: `webhook` (answers its secret token once, with the hook path) or `on_success` "
              "(runs after each success of `upstream_pipeline_id`, a pipeline of the same organization).",
              TriggerSchema(), {}, 201, false, [db, box](const HttpRequest& req, const Caller& c, const nlohmann::json& b) {
                NewTrigger t;
                t.org_id = c.org_id;
                t.pipeline_id = req.Param("id");
                t.kind = b.value("kind", "");
                t.upstream_pipeline_id = b.value("upstream_pipeline_id", "");
                if (b.contains("hmac_secret")) t.hmac_secret = b["hmac_secret"].get<std::string>();
                t.parameters = b.value("parameters", nlohmann::json::object());
                t.actor = c.Actor();
                if (Status st = CheckParameters(t.parameters); !st.ok()) {
                  return Fail(Status::InvalidArgument("/parameters" + st.message()));
                }
                auto created = CreateTrigger(*db, *box, t);
                if (!created.ok()) return Fail(created.status());
                nlohmann::json out = created->trigger;
                if (!created->token.empty()) {
                  out["token"] = created->token;
                  out["hook_path"] = "/api/v1/hooks/" + out["id"].get<std::string>();
                }
                return HttpResponse::Json(201, out);
              }});
  router.Add({"DELETE", "/api/v1/pipelines/{id}/triggers/{trigger_id}", Access::kDeveloper, "triggers",
              "Deletes a trigger; its hook URL stops working at once.", nullptr, {}, 204, false,
              [db](const HttpRequest& req, const Caller& c, const nlohmann::json&) {
                Status st = DeleteTrigger(*db, c.org_id, req.Param("id"), req.Param("trigger_id"), c.Actor());
                return st.ok() ? HttpResponse::NoContent() : Fail(st);
              }});

  router.Add({"POST", "/api/v1/hooks/{trigger_id}", Access::kPublic, "triggers",
              "Starts a run of a webhook trigger's pipeline. No session: the trigger's token in `X-Logidata-Token` "
              "(or `Authorization: Bearer`), and, when the trigger has an HMAC key, `X-Logidata-Signature: "
              "sha256=<hex HMAC-SHA256 of the body>`. The body's fields (string, number or boolean; 64 KiB at most) "
              "are run parameters over the trigger's defaults. Answers {run_id, status}.",
              kScalarParamsSchema, {}, 202, false,
              [db, box, queued](const HttpRequest& req, const Caller&, const nlohmann::json& body) {
                if (req.body.size() > kMaxHookBodyBytes) {
                  return HttpResponse::Problem(413, "", "a hook body is at most 64 KiB of parameters");
                }
                const std::string token = HookToken(req);
                if (token.empty()) return Unauthorized("missing token: send it in X-Logidata-Token");
                // An unknown trigger and a wrong token answer alike: the endpoint confirms nothing
                // to whoever does not hold a token.
                auto hook = LoadWebhook(*db, *box, req.Param("trigger_id"));
                if (!hook.ok() && hook.status().code() != StatusCode::kNotFound) return Fail(hook.status());
                if (!hook.ok() || !WebhookTokenMatches(*hook, token)) return Unauthorized("unknown trigger or wrong token");
                if (hook->hmac_secret && !SignatureMatches(*hook->hmac_secret, req)) {
                  return Unauthorized("X-Logidata-Signature is missing or does not match the body");
                }
                const nlohmann::json params = body.is_object() ? body : nlohmann::json::object();
                if (Status st = CheckParameters(params); !st.ok()) return Fail(st);
                auto p = LoadPipeline(*db, hook->org_id, hook->pipeline_id);
                if (!p.ok()) return Fail(p.status());
                NewRun run;
                run.org_id = hook->org_id;
                run.pipeline_id = p->id;
                run.pipeline_version = p->version;
                run.trigger = "webhook";
                run.parameters = hook->parameters;
                for (const auto& [name, value] : params.items()) run.parameters[name] = value;
                run.created_by = "trigger:" + hook->id;
                auto created = CreateRun(*db, run, run.created_by);
                if (!created.ok()) return Fail(created.status());
                queued(hook->org_id, *created);
                return HttpResponse::Json(202, {{"run_id", (*created)["id"]}, {"status", (*created)["status"]}});
              }});

  router.Add({"POST", "/api/v1/pipelines/{id}/backfill", Access::kDeveloper, "triggers",
              "Queues one run per interval of the pipeline's schedule inside [start, end) (UTC dates or times), "
              "each with :interval_start and :interval_end over the schedule's default parameters and `parameters`; "
              "1000 runs at most. `dry_run`: only count them. Answers {count, run_ids, first, last}.",
              BackfillSchema(), {}, 202, false,
              [db, queued](const HttpRequest& req, const Caller& c, const nlohmann::json& b) {
                auto p = LoadPipeline(*db, c.org_id, req.Param("id"));
                if (!p.ok()) return Fail(p.status());
                auto schedule = ScheduleOfDocument(p->document, UnixNowSeconds());
                if (!schedule.ok()) return Fail(schedule.status());
                if (!schedule->has_value()) {
                  return Fail(Status::InvalidArgument(
                      "/start: the pipeline has no schedule; a backfill runs one run per interval of its cron"));
                }
                auto from = ParseUtcTime(b.value("start", ""), "/start");
                if (!from.ok()) return Fail(from.status());
                auto to = ParseUtcTime(b.value("end", ""), "/end");
                if (!to.ok()) return Fail(to.status());
                nlohmann::json extra = b.value("parameters", nlohmann::json::object());
                if (Status st = CheckParameters(extra); !st.ok()) {
                  return Fail(Status::InvalidArgument("/parameters" + st.message()));
                }
                const PipelineSchedule& sched = **schedule;
                auto intervals = BackfillIntervals(sched.cron, sched.timezone, *from, *to, kMaxBackfillRuns);
                if (!intervals.ok()) return Fail(intervals.status());
                nlohmann::json out = {{"count", intervals->size()}, {"run_ids", nlohmann::json::array()},
                                      {"first", nullptr}, {"last", nullptr}};
                if (!intervals->empty()) {
                  out["first"] = FireParameters({}, intervals->front());
                  out["last"] = FireParameters({}, intervals->back());
                }
                if (b.value("dry_run", false)) return HttpResponse::Json(200, out);
                nlohmann::json defaults = sched.parameters;
                for (const auto& [name, value] : extra.items()) defaults[name] = value;
                std::vector<std::string> run_ids;
                // All or nothing: a backfill half queued would leave a gap nobody sees.
                Status st = db->Transact([&](DbConnection& conn) -> Status {
                  run_ids.clear();
                  for (const FireInterval& interval : *intervals) {
                    NewRun run;
                    run.org_id = c.org_id;
                    run.pipeline_id = p->id;
                    run.pipeline_version = p->version;
                    run.trigger = "backfill";
                    run.parameters = FireParameters(defaults, interval);
                    run.created_by = c.Actor();
                    LD_ASSIGN_OR_RETURN(std::string id, CreateRunIn(conn, run, c.Actor()));
                    run_ids.push_back(id);
                  }
                  return Status::OK();
                });
                if (!st.ok()) return Fail(st);
                for (const std::string& id : run_ids) {
                  out["run_ids"].push_back(id);
                  auto run = LoadRunJson(*db, c.org_id, id);
                  if (run.ok()) queued(c.org_id, *run);
                }
                return HttpResponse::Json(202, out);
              }});
}

}  // namespace logidata

// Routes: natural-language assistance (src/assist). An admin points the organization at an
// OpenAI-compatible endpoint (base URL, model, API key stored encrypted and never returned);
// developers then describe a filter, a derived column, an extraction query or a small pipeline in
// words and get back a proposal that the expression binder, the SQL safety rules and the pipeline
// validator have checked against the real schema — offered for editing, never applied here.
// Without an endpoint, GET /api/v1/assist/status says {enabled: false} and the UI shows nothing.
// The call to the model obeys the organization's egress policy.
#include "assist/assist_prompt.h"
#include "assist/chat_client.h"
#include "assist/model_answer.h"
#include "assist/proposal_check.h"
#include "metadata/assist_settings_store.h"
#include "metadata/audit_log.h"
#include "server/engine_call.h"

namespace logidata {
namespace {

using assist::AssistKind;

constexpr int64_t kProfileRows = 10000;  // rows profiled for the prompt's statistics
constexpr int64_t kSampleRows = 5;       // rows sent when the admin allows sample rows

// An HTTP problem with our own status and title, keeping FromStatus's "errors" (JSON paths).
HttpResponse ProblemWith(int status, const std::string& title, const Status& st) {
  HttpResponse r = HttpResponse::FromStatus(Status::InvalidArgument(st.message()));
  nlohmann::json body = nlohmann::json::parse(r.body, nullptr, false);
  body["status"] = status;
  body["title"] = title;
  r.status = status;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

// What the model wrote (or a person edited) could not be used: 422 with the reason and its paths.
HttpResponse Rejected(const Status& st, const std::string& title = "The model's proposal was rejected") {
  return ProblemWith(422, title, st);
}

// The endpoint failed (unreachable, time limit, HTTP error, unreadable answer): 502. An egress
// refusal stays a 403: the organization's policy, not the endpoint, said no.
HttpResponse EndpointFailed(const Status& st) {
  if (IsEgressRefusal(st) || st.code() == StatusCode::kPermissionDenied) return Fail(st);
  return ProblemWith(502, "The model endpoint failed", st);
}

Result<AssistSettings> RequireSettings(const ApiServices& s, const std::string& org_id) {
  LD_ASSIGN_OR_RETURN(auto settings, LoadAssistSettings(*s.db, *s.secrets, org_id));
  if (!settings) {
    return Status::NotFound("natural-language assistance is not set up for this organization (an admin sets its "
                            "endpoint under Administration)");
  }
  return *settings;
}

nlohmann::json SettingsJson(const std::optional<AssistSettings>& settings) {
  return settings ? settings->PublicJson() : nlohmann::json{{"configured", false}};
}

// Parses kind and, for node kinds, requires node_id.
Result<AssistKind> KindOf(const nlohmann::json& b) {
  auto kind = assist::ParseAssistKind(b["kind"].get<std::string>());
  if (!kind) return Status::InvalidArgument("/kind: must be filter, derive, sql or pipeline");
  if (*kind != AssistKind::kPipeline && (!b.contains("node_id") || b["node_id"].get<std::string>().empty())) {
    return Status::InvalidArgument("/node_id: is required for a " + b["kind"].get<std::string>() + " proposal");
  }
  return *kind;
}

// The checking context: the document, the node and its output schema, and the editor's validator.
Result<assist::ProposalContext> ContextFor(AssistKind kind, const nlohmann::json& b, const EngineScope& scope) {
  assist::ProposalContext context;
  context.pipeline = b["pipeline"];
  context.pipeline.erase("metadata");
  context.node_id = b.value("node_id", std::string());
  if (kind == AssistKind::kFilter || kind == AssistKind::kDerive) {
    LD_ASSIGN_OR_RETURN(context.output, NodeOutputSchema(context.pipeline, context.node_id, scope));
  }
  const EngineScope* scoped = &scope;
  context.validate = [scoped](const nlohmann::json& doc) { return ValidatePipelineJson(doc, *scoped); };
  return context;
}

// The prompt's input: schema and statistics of the node, never values unless the admin allows them.
assist::PromptInput PromptFor(AssistKind kind, const nlohmann::json& b, const assist::ProposalContext& context,
                              const AssistSettings& settings, const EngineScope& scope) {
  assist::PromptInput in;
  in.kind = kind;
  in.request = b["request"].get<std::string>();
  in.allow_values = settings.allow_sample_rows;
  if (kind == AssistKind::kPipeline) {
    in.modules = assist::PromptModuleCatalog();
    return in;
  }
  for (const nlohmann::json& n : context.pipeline["nodes"]) {
    if (!n.is_object() || n.value("id", std::string()) != context.node_id) continue;
    in.node = {{"id", context.node_id}, {"type", n.value("type", "")}, {"module", n.value("module", "")}};
    // The extract node's own query and table are what a SQL request rewrites.
    if (kind == AssistKind::kSql && n.contains("config") && n["config"].is_object()) {
      for (const char* key : {"query", "table", "schema", "connection"}) {
        if (n["config"].contains(key)) in.node["config"][key] = n["config"][key];
      }
    }
  }
  if (context.output) in.schema = nlohmann::json::parse(context.output->ToJson(), nullptr, false);
  // Statistics help but are not required: a node that cannot run yet still gets its schema.
  auto profile = ProfileJson(context.pipeline, context.node_id, kProfileRows, scope);
  if (profile.ok() && profile->contains("columns")) in.profile_columns = (*profile)["columns"];
  if (settings.allow_sample_rows) {
    auto preview = PreviewJson(context.pipeline, context.node_id, 0, kSampleRows, scope);
    if (preview.ok()) {
      in.sample_rows = (*preview)["rows"];
      if (in.schema.empty() || in.schema.is_discarded()) in.schema = (*preview)["schema"];
    }
  }
  return in;
}

nlohmann::json ProposeSchema() {
  return ObjSchema({{"kind", {{"type", "string"}, {"enum", {"filter", "derive", "sql", "pipeline"}}}},
                    {"request", StrSchema(1, 2000)},
                    {"pipeline", {{"type", "object"}}},
                    {"node_id", StrSchema(0, 200)}},
                   {"kind", "request", "pipeline"});
}

nlohmann::json CheckSchema() {
  return ObjSchema({{"kind", {{"type", "string"}, {"enum", {"filter", "derive", "sql", "pipeline"}}}},
                    {"proposal", {{"type", "object"}}},
                    {"pipeline", {{"type", "object"}}},
                    {"node_id", StrSchema(0, 200)}},
                   {"kind", "proposal", "pipeline"});
}

}  // namespace

void RegisterAssistRoutes(Router& router, const ApiServices& s) {
  Database* db = s.db;
  const SecretBox* secrets = s.secrets;

  router.Add({"GET", "/api/v1/assist/status", Access::kViewer, "assist",
              "Says whether natural-language assistance is set up for the organization (`enabled`); the editor "
              "shows it only then.",
              nullptr, {}, 200, false, [db, secrets](const HttpRequest&, const Caller& c, const nlohmann::json&) {
                auto settings = LoadAssistSettings(*db, *secrets, c.org_id);
                if (!settings.ok()) return Fail(settings.status());
                return HttpResponse::Json(200, {{"enabled", settings->has_value()},
                                                {"allow_sample_rows", *settings && (*settings)->allow_sample_rows}});
              }});
  router.Add({"GET", "/api/v1/organization/assist", Access::kAdmin, "assist",
              "Returns the organization's natural-language endpoint (base URL, model, `has_key`, "
              "`allow_sample_rows`, `timeout_seconds`), or `{configured: false}`. The API key is never returned.",
              nullptr, {}, 200, false, [db, secrets](const HttpRequest&, const Caller& c, const nlohmann::json&) {
                auto settings = LoadAssistSettings(*db, *secrets, c.org_id);
                return settings.ok() ? HttpResponse::Json(200, SettingsJson(*settings)) : Fail(settings.status());
              }});
  router.Add({"PUT", "/api/v1/organization/assist", Access::kAdmin, "assist",
              "Sets the organization's OpenAI-compatible endpoint: `base_url` (http or https; POST "
              "{base_url}/chat/completions is called), `model`, `api_key` (stored encrypted; omit it to keep the "
              "stored key, send \"\" to remove it), `allow_sample_rows` (default false: prompts carry schemas and "
              "statistics, never values) and `timeout_seconds` (5–300, default 60). Audited.",
              ObjSchema({{"base_url", StrSchema(1, 500)},
                         {"model", StrSchema(1, 200)},
                         {"api_key", StrSchema(0, 4000)},
                         {"allow_sample_rows", {{"type", "boolean"}}},
                         {"timeout_seconds", {{"type", "integer"}, {"minimum", 5}, {"maximum", 300}}}},
                        {"base_url", "model"}),
              {}, 200, false, [db, secrets](const HttpRequest&, const Caller& c, const nlohmann::json& b) {
                AssistSettings next;
                next.base_url = b["base_url"].get<std::string>();
                next.model = b["model"].get<std::string>();
                Status url = assist::CheckEndpointUrl(next.base_url);
                if (!url.ok()) return Fail(url);
                const bool keep_key = !b.contains("api_key");
                if (!keep_key) next.api_key = b["api_key"].get<std::string>();
                next.allow_sample_rows = b.value("allow_sample_rows", false);
                next.timeout_seconds = b.value("timeout_seconds", int64_t{60});
                auto before = LoadAssistSettings(*db, *secrets, c.org_id);
                if (!before.ok()) return Fail(before.status());
                Status st = db->Transact([&](DbConnection& conn) -> Status {
                  LD_RETURN_IF_ERROR(SaveAssistSettings(conn, *secrets, c.org_id, next, keep_key, c.Actor()));
                  next.has_key = keep_key ? (*before && (*before)->has_key) : !next.api_key.empty();
                  nlohmann::json after = next.PublicJson();
                  return WriteAudit(conn, {c.org_id, c.Actor(), "organization.assist.update", "organization", c.org_id,
                                           SettingsJson(*before), after});
                });
                if (!st.ok()) return Fail(st);
                auto out = LoadAssistSettings(*db, *secrets, c.org_id);
                return out.ok() ? HttpResponse::Json(200, SettingsJson(*out)) : Fail(out.status());
              }});
  router.Add({"DELETE", "/api/v1/organization/assist", Access::kAdmin, "assist",
              "Removes the organization's natural-language endpoint and its key: the feature is hidden again. Audited.",
              nullptr, {}, 204, false, [db, secrets](const HttpRequest&, const Caller& c, const nlohmann::json&) {
                auto before = LoadAssistSettings(*db, *secrets, c.org_id);
                if (!before.ok()) return Fail(before.status());
                if (!*before) return Fail(Status::NotFound("no natural-language endpoint is set up"));
                Status st = db->Transact([&](DbConnection& conn) -> Status {
                  LD_RETURN_IF_ERROR(DeleteAssistSettings(conn, c.org_id));
                  return WriteAudit(conn, {c.org_id, c.Actor(), "organization.assist.delete", "organization", c.org_id,
                                           SettingsJson(*before), nullptr});
                });
                if (!st.ok()) return Fail(st);
                HttpResponse r;
                r.status = 204;
                return r;
              }});
  router.Add({"POST", "/api/v1/assist/propose", Access::kDeveloper, "assist",
              "Asks the organization's model for a `filter`, `derive` (a computed column), `sql` (an extract node's "
              "query) or `pipeline` described in `request`. The prompt carries the node's schema and profile "
              "statistics (values only if the admin allows sample rows). The answer is checked — expressions parsed "
              "and typed against the node's output, SQL limited to one read-only SELECT, documents validated — and "
              "returned as {kind, explanation, proposal, node, pipeline} to edit and apply; nothing is saved. "
              "422: the model's answer was rejected (why, with JSON paths); 502: the endpoint failed; 404: not set up.",
              ProposeSchema(), {}, 200, true, [s](const HttpRequest&, const Caller& c, const nlohmann::json& b) {
                auto settings = RequireSettings(s, c.org_id);
                if (!settings.ok()) return Fail(settings.status());
                auto kind = KindOf(b);
                if (!kind.ok()) return Fail(kind.status());
                // The prompt's context is gathered inside one engine call, which is then released:
                // the organization's previews need not wait for the model.
                assist::PromptInput prompt;
                {
                  auto call = EngineCall::Begin(s, c);
                  if (!call.ok()) return BusyOrFail(call.status());
                  auto context = ContextFor(*kind, b, (*call)->scope());
                  if (!context.ok()) return Fail(context.status());
                  prompt = PromptFor(*kind, b, *context, *settings, (*call)->scope());
                }
                assist::ChatEndpoint endpoint{settings->base_url, settings->model, settings->api_key,
                                              static_cast<int>(settings->timeout_seconds)};
                auto egress = s.egress != nullptr ? s.egress->ForOrg(c.org_id) : nullptr;
                auto content = assist::CompleteChat(endpoint, assist::BuildAssistPrompt(prompt), egress.get());
                if (!content.ok()) {
                  // An unreadable answer is the model's fault, not the endpoint's transport.
                  return content.status().code() == StatusCode::kDataError ? Rejected(content.status())
                                                                           : EndpointFailed(content.status());
                }
                auto answer = assist::ParseModelAnswer(*content, *kind);
                if (!answer.ok()) return Rejected(answer.status());
                auto call = EngineCall::Begin(s, c);
                if (!call.ok()) return BusyOrFail(call.status());
                auto context = ContextFor(*kind, b, (*call)->scope());
                if (!context.ok()) return Fail(context.status());
                auto checked = assist::CheckProposal(*kind, *answer, *context);
                if (!checked.ok()) return Rejected(checked.status());
                (*checked)["model"] = settings->model;
                return HttpResponse::Json(200, *checked);
              }});
  router.Add({"POST", "/api/v1/assist/check", Access::kDeveloper, "assist",
              "Checks a proposal as a person edited it (the same checks as /assist/propose, without the model) and "
              "returns it with the document it produces; 422 names what is wrong.",
              CheckSchema(), {}, 200, true, [s](const HttpRequest&, const Caller& c, const nlohmann::json& b) {
                auto kind = KindOf(b);
                if (!kind.ok()) return Fail(kind.status());
                nlohmann::json answer = b["proposal"];
                auto shaped = assist::ParseModelAnswer(answer.dump(), *kind);
                if (!shaped.ok()) return Rejected(shaped.status(), "The proposal was rejected");
                auto call = EngineCall::Begin(s, c);
                if (!call.ok()) return BusyOrFail(call.status());
                auto context = ContextFor(*kind, b, (*call)->scope());
                if (!context.ok()) return Fail(context.status());
                auto checked = assist::CheckProposal(*kind, *shaped, *context);
                return checked.ok() ? HttpResponse::Json(200, *checked) : Rejected(checked.status(), "The proposal was rejected");
              }});
}

}  // namespace logidata

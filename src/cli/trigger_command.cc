// `logidata trigger`: starts a run of a stored pipeline on a Logidata server through its API and,
// with --wait, follows it to the end; the exit code mirrors the run's outcome so cron, Airflow's
// BashOperator or a Kubernetes CronJob can drive Logidata:
//   0 succeeded · 1 failed · 2 cancelled, timed_out or skipped (also: bad arguments)
//   3 the run could not be started or followed (server unreachable, key refused, unknown pipeline)
//   4 --timeout elapsed while the run was still going (the run is left running)
#include <curl/curl.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/command_support.h"
#include "cli/commands.h"
#include "common/result.h"

namespace logidata::cli {
namespace {

constexpr int kExitCancelled = 2;
constexpr int kExitUnreachable = 3;
constexpr int kExitWaitTimeout = 4;

struct TriggerArgs {
  std::string server;
  std::string api_key;
  std::string pipeline;
  std::vector<std::string> params;
  bool wait = false;
  double timeout_seconds = 0;  // 0 = wait as long as it takes
  double poll_seconds = 1;
};

struct ApiAnswer {
  long status = 0;
  nlohmann::json body;
};

// One JSON call with the API key; Unavailable when the server does not answer.
class ApiClient {
 public:
  ApiClient(std::string base, std::string key) : base_(std::move(base)), key_(std::move(key)) {
    while (!base_.empty() && base_.back() == '/') base_.pop_back();
  }

  Result<ApiAnswer> Call(const std::string& method, const std::string& path, const nlohmann::json& body = nullptr) const {
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) return Status::Internal("libcurl could not start");
    std::string url = base_ + path, payload, answer;
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_CUSTOMREQUEST, method.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
    // Only http(s): a --server of file:// or gopher:// is a mistake, not a transport.
    curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
    struct curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, ("Authorization: Bearer " + key_).c_str());
    headers = curl_slist_append(headers, "Accept: application/json");
    if (!body.is_null()) {
      payload = body.dump();
      headers = curl_slist_append(headers, "Content-Type: application/json");
      curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, payload.c_str());
      curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(payload.size()));
    }
    curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, +[](char* p, size_t s, size_t n, void* out) {
      static_cast<std::string*>(out)->append(p, s * n);
      return s * n;
    });
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &answer);
    CURLcode rc = curl_easy_perform(curl.get());
    curl_slist_free_all(headers);
    if (rc != CURLE_OK) return Status::Unavailable(url + ": " + curl_easy_strerror(rc));
    ApiAnswer out;
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &out.status);
    out.body = nlohmann::json::parse(answer, nullptr, false);
    if (out.body.is_discarded()) out.body = nlohmann::json::object();
    return out;
  }

 private:
  std::string base_, key_;
};

// "HTTP 404: pipeline not found" from a problem document.
std::string Describe(const ApiAnswer& a) {
  std::string detail = a.body.is_object() ? a.body.value("detail", a.body.value("title", "")) : "";
  return "HTTP " + std::to_string(a.status) + (detail.empty() ? "" : ": " + detail);
}

bool LooksLikeId(const std::string& s) {
  return s.size() == 32 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::string UrlEncode(const std::string& s) {
  std::string out;
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", ch);
      out += buf;
    }
  }
  return out;
}

// PIPELINE is an id, or else the exact name of one pipeline of the key's organization.
Result<std::string> ResolvePipeline(const ApiClient& api, const std::string& pipeline) {
  if (LooksLikeId(pipeline)) {
    LD_ASSIGN_OR_RETURN(ApiAnswer a, api.Call("GET", "/api/v1/pipelines/" + pipeline));
    if (a.status == 200) return pipeline;
    if (a.status != 404) return Status::Unavailable(Describe(a));
  }
  LD_ASSIGN_OR_RETURN(ApiAnswer a, api.Call("GET", "/api/v1/pipelines?page_size=200&q=" + UrlEncode(pipeline)));
  if (a.status != 200) return Status::Unavailable(Describe(a));
  std::vector<std::string> ids;
  for (const auto& item : a.body.value("items", nlohmann::json::array())) {
    if (item.value("name", "") == pipeline) ids.push_back(item.value("id", ""));
  }
  if (ids.empty()) return Status::NotFound("no pipeline named or with id '" + pipeline + "'");
  if (ids.size() > 1) {
    return Status::InvalidArgument(std::to_string(ids.size()) + " pipelines are named '" + pipeline +
                                   "': give the id instead");
  }
  return ids[0];
}

int ExitCodeOf(const std::string& status) {
  if (status == "succeeded") return kExitOk;
  if (status == "failed" || status == "interrupted") return kExitFailed;
  return kExitCancelled;  // cancelled, timed_out, skipped
}

bool IsFinal(const std::string& status) {
  return status == "succeeded" || status == "failed" || status == "cancelled" || status == "timed_out" ||
         status == "skipped" || status == "interrupted";
}

int Trigger(const TriggerArgs& args) {
  std::string key = args.api_key;
  if (key.empty()) {
    if (const char* env = std::getenv("LOGIDATA_API_KEY")) key = env;
  }
  if (args.server.empty() || key.empty()) {
    PrintError("give --server and --api-key (or LOGIDATA_SERVER and LOGIDATA_API_KEY)");
    return kExitUsage;
  }
  nlohmann::json params = nlohmann::json::object();
  for (const std::string& kv : args.params) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      PrintError("--param '" + kv + "': expected NAME=VALUE");
      return kExitUsage;
    }
    params[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  ApiClient api(args.server, key);
  auto id = ResolvePipeline(api, args.pipeline);
  if (!id.ok()) {
    PrintError(id.status().message());
    return kExitUnreachable;
  }
  auto started = api.Call("POST", "/api/v1/pipelines/" + *id + "/runs", {{"parameters", params}});
  if (!started.ok() || started->status != 202) {
    PrintError("could not start the run: " + (started.ok() ? Describe(*started) : started.status().message()));
    return kExitUnreachable;
  }
  std::string run_id = started->body.value("id", "");
  std::string status = started->body.value("status", "");
  std::printf("run %s %s\n", run_id.c_str(), status.c_str());
  std::fflush(stdout);
  if (!args.wait) return kExitOk;

  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(args.timeout_seconds);
  int failures = 0;
  while (!IsFinal(status)) {
    if (args.timeout_seconds > 0 && std::chrono::steady_clock::now() >= deadline) {
      PrintError("run " + run_id + " is still " + status + " after --timeout " + std::to_string(args.timeout_seconds) +
                 "s (left running)");
      return kExitWaitTimeout;
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(args.poll_seconds));
    auto run = api.Call("GET", "/api/v1/runs/" + run_id);
    if (!run.ok() || run->status != 200) {
      // A restarting server is not the run's failure: keep polling for a while.
      if (++failures >= 30) {
        PrintError("lost track of run " + run_id + ": " + (run.ok() ? Describe(*run) : run.status().message()));
        return kExitUnreachable;
      }
      continue;
    }
    failures = 0;
    status = run->body.value("status", "");
    if (IsFinal(status)) {
      std::string error = run->body.value("error", nlohmann::json(nullptr)).is_string() ? run->body["error"].get<std::string>() : "";
      std::printf("run %s %s%s%s\n", run_id.c_str(), status.c_str(), error.empty() ? "" : ": ", error.c_str());
    }
  }
  return ExitCodeOf(status);
}

}  // namespace

void AddTriggerCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<TriggerArgs>();
  CLI::App* cmd = app.add_subcommand(
      "trigger",
      "Start a run of a pipeline stored on a Logidata server (by id or name) and optionally wait for it.\n"
      "Exit codes with --wait: 0 succeeded, 1 failed, 2 cancelled/timed_out/skipped (or bad arguments),\n"
      "3 could not start or follow the run, 4 --timeout elapsed (the run keeps going).");
  cmd->add_option("pipeline", args->pipeline, "Pipeline id, or its exact name")->required();
  cmd->add_option("--server", args->server, "Server URL, e.g. https://logidata.example.com")->envname("LOGIDATA_SERVER");
  cmd->add_option("--api-key", args->api_key,
                  "API key with the developer role (prefer LOGIDATA_API_KEY: arguments show in `ps`)");
  cmd->add_option("--param", args->params, "Run parameter NAME=VALUE (repeatable)");
  cmd->add_flag("--wait", args->wait, "Wait for the run to finish; the exit code tells how it ended");
  cmd->add_option("--timeout", args->timeout_seconds, "With --wait: give up after this many seconds (exit 4)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--poll", args->poll_seconds, "With --wait: seconds between status checks")->check(CLI::Range(0.05, 60.0));
  cmd->callback([args, exit_code] { *exit_code = Trigger(*args); });
}

}  // namespace logidata::cli

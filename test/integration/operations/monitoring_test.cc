// Monitoring with the real tools: promtool checks deploy/prometheus (config, rules, rule unit
// tests); the Grafana dashboard and the alert rules name only metrics a real server exports; a
// real Prometheus scrapes a real server and worker (PostgreSQL queue mode) and LogidataRunsFailing
// fires when a run fails on the worker; --log-format json makes every log line one JSON object.
#include <fstream>
#include <set>

#include "integration/operations/cli_process.h"
#include "integration/orchestration/orchestration_harness.h"

namespace logidata::testing {
namespace {

std::string Repo(const std::string& path) { return std::string(LOGIDATA_SOURCE_DIR) + "/" + path; }

// Metric names in a /metrics text (sample lines; histograms give their _bucket/_sum/_count).
std::set<std::string> ExportedNames(const std::string& text) {
  std::set<std::string> names;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    names.insert(line.substr(0, line.find_first_of("{ ")));
  }
  return names;
}

// The metric names a PromQL expression selects: identifiers left once strings, label matchers,
// ranges and grouping clauses are removed, minus function calls and operators.
std::set<std::string> MetricsIn(const std::string& expr) {
  std::string e;
  int brace = 0, bracket = 0;
  bool quote = false;
  for (char c : expr) {
    if (quote) {
      if (c == '"') quote = false;
      continue;
    }
    if (c == '"') quote = true;
    else if (c == '{') ++brace;
    else if (c == '}') --brace;
    else if (c == '[') ++bracket;
    else if (c == ']') --bracket;
    else if (brace == 0 && bracket == 0) e += c;
  }
  static const std::set<std::string> kKeywords = {"by", "without", "on", "ignoring", "group_left", "group_right",
                                                  "and", "or", "unless", "bool", "offset"};
  // Aggregations may put their grouping before the parenthesis (sum by (le) (…)).
  static const std::set<std::string> kAggregations = {"sum", "min", "max", "avg", "count", "group", "stddev",
                                                      "stdvar", "topk", "bottomk", "quantile", "count_values"};
  std::set<std::string> out;
  size_t i = 0;
  bool skip_group = false;
  while (i < e.size()) {
    char c = e[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      while (i < e.size() && (std::isalnum(static_cast<unsigned char>(e[i])) || e[i] == '.')) ++i;
      continue;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':') {
      size_t start = i;
      while (i < e.size() && (std::isalnum(static_cast<unsigned char>(e[i])) || e[i] == '_' || e[i] == ':')) ++i;
      std::string word = e.substr(start, i - start);
      size_t next = e.find_first_not_of(" \n\t", i);
      bool call = next != std::string::npos && e[next] == '(';
      if (kKeywords.count(word)) {
        skip_group = word != "and" && word != "or" && word != "unless" && word != "bool" && word != "offset";
        continue;
      }
      if (!call && !kAggregations.count(word)) out.insert(word);
      continue;
    }
    if (c == '(' && skip_group) {  // by (le, route): label names, not metrics
      i = e.find(')', i);
      if (i == std::string::npos) break;
      skip_group = false;
    }
    ++i;
  }
  return out;
}

// The `expr:` values of a Prometheus rules file (single-line or `|` blocks).
std::vector<std::string> RuleExprs(const std::string& path) {
  std::vector<std::string> exprs;
  std::istringstream in(ReadFile(path));
  std::string line;
  std::vector<std::string> lines;
  while (std::getline(in, line)) lines.push_back(line);
  for (size_t i = 0; i < lines.size(); ++i) {
    size_t at = lines[i].find("expr:");
    if (at == std::string::npos) continue;
    std::string value = lines[i].substr(at + 5);
    value.erase(0, value.find_first_not_of(' '));
    if (value != "|") {
      exprs.push_back(value);
      continue;
    }
    std::string block;
    for (size_t j = i + 1; j < lines.size() && lines[j].find_first_not_of(' ') > at; ++j) block += lines[j] + "\n";
    exprs.push_back(block);
  }
  return exprs;
}

void CollectDashboardExprs(const json& node, std::vector<std::string>& out) {
  if (node.is_object()) {
    if (node.contains("expr") && node["expr"].is_string()) out.push_back(node["expr"]);
    for (const auto& [k, v] : node.items()) CollectDashboardExprs(v, out);
  } else if (node.is_array()) {
    for (const auto& v : node) CollectDashboardExprs(v, out);
  }
}

std::vector<std::string> DashboardExprs() {
  json dash = json::parse(ReadFile(Repo("deploy/grafana/logidata.json")), nullptr, false);
  EXPECT_FALSE(dash.is_discarded()) << "deploy/grafana/logidata.json is not JSON";
  std::vector<std::string> exprs;
  if (!dash.is_discarded()) CollectDashboardExprs(dash, exprs);
  return exprs;
}

TEST(MonitoringTest, PromtoolChecksTheConfigTheRulesAndTheirUnitTests) {
  LD_REQUIRE_TOOL("/usr/bin/promtool");
  CliResult rules = RunProgramArgs({"promtool", "check", "rules", Repo("deploy/prometheus/alerts.yml")});
  EXPECT_EQ(rules.code, 0) << rules.output;
  EXPECT_NE(rules.output.find("SUCCESS: 7 rules found"), std::string::npos) << rules.output;
  CliResult config = RunProgramArgs({"promtool", "check", "config", Repo("deploy/prometheus/prometheus.yml")});
  EXPECT_EQ(config.code, 0) << config.output;
  CliResult unit = RunProgramArgs({"promtool", "test", "rules", Repo("deploy/prometheus/alerts_test.yml")});
  EXPECT_EQ(unit.code, 0) << unit.output;
}

TEST(MonitoringTest, MetricNamesInExpressionsAreFound) {
  // The extractor itself: what it must and must not take for a metric.
  EXPECT_EQ(MetricsIn("histogram_quantile(0.99, sum by (le, route) (rate(http_request_duration_seconds_bucket"
                      "{route!~\"/health.*\"}[5m]))) > 1"),
            (std::set<std::string>{"http_request_duration_seconds_bucket"}));
  EXPECT_EQ(MetricsIn("max(a_total) > 50 or max(b_seconds) > 6 * 3600 and clamp_min(c, 1e-9)"),
            (std::set<std::string>{"a_total", "b_seconds", "c"}));
}

TEST(MonitoringTest, DashboardAndAlertsNameOnlyMetricsTheServerExports) {
  std::string dir = MakeTempDir("ld-metrics-names");
  ServerProcess server;
  ASSERT_TRUE(server.Start(dir + "/data", "")) << ReadFile(dir + "/data/server.err");
  Session s = Register(server.Client(), "names");
  server.Client().Call("GET", "/api/v1/pipelines", "", s.Auth());
  std::set<std::string> exported = ExportedNames(server.Client().Call("GET", "/metrics").body);
  exported.insert("up");  // added by Prometheus to every target
  for (const char* name : {"pipeline_executions_total", "http_request_duration_seconds_bucket", "pipeline_runs",
                           "pipeline_queue_oldest_ready_seconds", "pipeline_runs_lease_expired", "metadata_store_up"}) {
    EXPECT_TRUE(exported.count(name)) << name << " is not exported";
  }
  std::vector<std::string> dashboard = DashboardExprs();
  std::vector<std::string> alerts = RuleExprs(Repo("deploy/prometheus/alerts.yml"));
  EXPECT_GE(dashboard.size(), 15u);
  EXPECT_EQ(alerts.size(), 7u);
  for (const auto* exprs : {&dashboard, &alerts}) {
    for (const std::string& expr : *exprs) {
      std::set<std::string> used = MetricsIn(expr);
      EXPECT_FALSE(used.empty()) << "no metric in: " << expr;
      for (const std::string& name : used) EXPECT_TRUE(exported.count(name)) << name << " (in " << expr << ") is not exported";
    }
  }
  server.Stop();
  std::error_code ec;
  fs::remove_all(dir, ec);
}

// A real Prometheus with the repository's alert rules, scraping every second.
class PrometheusProcess {
 public:
  bool Start(const std::string& dir, int server_port, int worker_port) {
    port_ = FreePort();
    std::ofstream(dir + "/prometheus.yml")
        << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        << "rule_files:\n  - " << Repo("deploy/prometheus/alerts.yml") << "\n"
        << "scrape_configs:\n"
        << "  - job_name: logidata-server\n    static_configs:\n      - targets: ['127.0.0.1:" << server_port << "']\n"
        << "  - job_name: logidata-worker\n    static_configs:\n      - targets: ['127.0.0.1:" << worker_port << "']\n";
    log_ = dir + "/prometheus.log";
    if (!process_.Start({"prometheus", "--config.file=" + dir + "/prometheus.yml", "--storage.tsdb.path=" + dir + "/tsdb",
                         "--web.listen-address=127.0.0.1:" + std::to_string(port_), "--log.level=warn"},
                        log_)) {
      return false;
    }
    for (int i = 0; i < 300; ++i) {
      if (Client().Call("GET", "/-/ready").status == 200) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }
  HttpClient Client() const { return HttpClient("http://127.0.0.1:" + std::to_string(port_)); }
  json Api(const std::string& path) const { return Client().Call("GET", path).Json(); }
  // Whether alert `name` is in `state` ("pending", "firing").
  bool AlertIs(const std::string& name, const std::string& state) const {
    json alerts = Api("/api/v1/alerts");
    for (const auto& a : alerts["data"]["alerts"]) {
      if (a["labels"].value("alertname", "") == name && a.value("state", "") == state) return true;
    }
    return false;
  }
  const std::string& log() const { return log_; }

 private:
  ChildProcess process_;
  int port_ = 0;
  std::string log_;
};

TEST(MonitoringTest, PrometheusScrapesServerAndWorkerAndTheFailedRunAlertFires) {
  LD_REQUIRE_TOOL("/usr/bin/prometheus");
  LD_REQUIRE_POSTGRES();
  std::string dir = MakeTempDir("ld-prometheus");
  std::string url = SharedPostgres::Get()->NewDatabase(Unique("ld_prom"));
  int server_metrics = FreePort();
  ServerProcess server;
  // No run slots in the server: the worker executes the run, so its own /metrics counts the failure.
  ASSERT_TRUE(server.Start(dir + "/server", url,
                           {"--run-slots", "0", "--metrics-listen", "127.0.0.1:" + std::to_string(server_metrics),
                            "--log-format", "json"}))
      << ReadFile(dir + "/server/server.err");
  int worker_metrics = FreePort();
  ChildProcess worker;
  ASSERT_TRUE(worker.Start({BinaryPath(), "worker", "--database-url", url, "--data-dir", dir + "/worker", "--metrics-listen",
                            "127.0.0.1:" + std::to_string(worker_metrics), "--poll-ms", "200", "--log-format", "json"},
                           dir + "/worker.log", {{"LOGIDATA_MASTER_KEY", kMasterKeyHex}}));
  HttpClient worker_client("http://127.0.0.1:" + std::to_string(worker_metrics));
  for (int i = 0; i < 200 && worker_client.Call("GET", "/health").status != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(worker_client.Call("GET", "/health").status, 200) << ReadFile(dir + "/worker.log");

  PrometheusProcess prometheus;
  ASSERT_TRUE(prometheus.Start(dir, server_metrics, worker_metrics)) << ReadFile(dir + "/prometheus.log");
  auto targets_up = [&] {
    int up = 0;
    json targets = prometheus.Api("/api/v1/targets");
    for (const auto& t : targets["data"]["activeTargets"]) up += t.value("health", "") == "up" ? 1 : 0;
    return up;
  };
  for (int i = 0; i < 150 && targets_up() < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_EQ(targets_up(), 2) << prometheus.Api("/api/v1/targets").dump();
  // Every dashboard expression is valid PromQL for this Prometheus.
  for (const std::string& expr : DashboardExprs()) {
    json r = prometheus.Api("/api/v1/query?query=" + UrlEncode(expr));
    EXPECT_EQ(r.value("status", ""), "success") << expr << ": " << r.dump();
  }
  std::this_thread::sleep_for(std::chrono::seconds(3));  // a few evaluations with every counter at 0
  EXPECT_FALSE(prometheus.AlertIs("LogidataRunsFailing", "firing")) << "fires without any failed run";

  HttpClient c = server.Client();
  Session s = Register(c, "prom");
  json doc = {{"name", "fails"},
              {"nodes",
               {{{"id", "src"}, {"type", "extract"}, {"module", "csv"}, {"config", {{"path", "no-such-file.csv"}}}},
                {{"id", "out"}, {"type", "load"}, {"module", "csv"}, {"config", {{"path", "out.csv"}}}}}},
              {"edges", {{{"source", "src"}, {"target", "out"}}}}};
  auto p = c.Call("POST", "/api/v1/pipelines", doc.dump(), s.Auth());
  ASSERT_EQ(p.status, 201) << p.body;
  auto run = c.Call("POST", "/api/v1/pipelines/" + p.Json()["id"].get<std::string>() + "/runs", "{}", s.Auth());
  ASSERT_EQ(run.status, 202) << run.body;
  std::string run_id = run.Json()["id"];
  json r;
  for (int i = 0; i < 300; ++i) {
    r = c.Call("GET", "/api/v1/runs/" + run_id, "", s.Auth()).Json();
    if (!IsLiveRunStatus(r.value("status", ""))) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(r["status"], "failed") << r.dump();

  auto start = std::chrono::steady_clock::now();
  bool fired = false;
  for (int i = 0; i < 600 && !fired; ++i) {
    fired = prometheus.AlertIs("LogidataRunsFailing", "firing");
    if (!fired) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(fired) << prometheus.Api("/api/v1/alerts").dump() << "\n" << ReadFile(prometheus.log());
  std::printf("LogidataRunsFailing firing %.1f s after the run failed\n", seconds);
  json failed = prometheus.Api("/api/v1/query?query=" +
                               UrlEncode("pipeline_executions_total{job=\"logidata-worker\",status=\"failed\"}"));
  ASSERT_EQ(failed["data"]["result"].size(), 1u) << failed.dump();
  EXPECT_EQ(failed["data"]["result"][0]["value"][1], "1") << "the worker's failure is not what fired";
  json queued = prometheus.Api("/api/v1/query?query=" + UrlEncode("pipeline_runs{job=\"logidata-server\"}"));
  EXPECT_EQ(queued["data"]["result"].size(), 3u) << queued.dump();

  // --log-format json: every line the server and the worker wrote is one JSON object.
  worker.Stop();
  server.Stop();
  for (const std::string& log : {dir + "/server/server.out", dir + "/worker.log"}) {
    std::istringstream in(ReadFile(log));
    std::string line;
    int lines = 0;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      json j = json::parse(line, nullptr, false);
      ASSERT_TRUE(j.is_object() && j.contains("time") && j.contains("level") && j.contains("message"))
          << log << ": not a JSON log line: " << line;
      ++lines;
    }
    EXPECT_GT(lines, 0) << log;
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace
}  // namespace logidata::testing

// Natural-language assistance against a real `logidata server` and a stand-in for the model: a
// real HTTP server on 127.0.0.1 that speaks the OpenAI chat completions protocol (POST
// /v1/chat/completions, {"choices": [{"message": {"content": …}}]}) and answers what each test
// scripts. No model runs here; what is tested is everything around it — who may configure the
// endpoint, the key never coming back, what the prompt carries (schema and statistics, values only
// when the admin allows), the egress policy, and that malformed, unsafe or schema-violating answers
// are rejected with a clear message while good ones come back checked and applicable.
#include <condition_variable>

#include "integration/server/json_api_server.h"
#include "integration/server/server_harness.h"

namespace logidata::testing {
namespace {

constexpr const char* kApiKey = "sk-test-NL-key-4f9a1c77e0";
// Values that appear only in the data's rows: a prompt without sample rows must not carry them.
constexpr const char* kRowEmail = "zed.quokka@example.org";
constexpr const char* kRowStatus = "Wombat-Shipped";

// The stand-in model: answers each chat completion with the content (or raw reply) set last.
class StandInModel {
 public:
  StandInModel() : server_([this](const JsonApiServer::Request& r) { return Answer(r); }) {}

  void Say(const std::string& content) { Reply({200, json{{"choices", {{{"message", {{"role", "assistant"}, {"content", content}}}}}}}.dump(), {}}); }
  void SayJson(const json& answer) { Say(answer.dump()); }
  void Reply(JsonApiServer::Reply reply, int delay_ms = 0) {
    std::lock_guard lock(mu_);
    reply_ = std::move(reply);
    delay_ms_ = delay_ms;
  }
  std::string Base() const { return server_.Base() + "/v1"; }
  std::vector<JsonApiServer::Request> Requests() const { return server_.Requests(); }
  // The user message of the last chat request.
  std::string LastPrompt() const {
    auto all = Requests();
    if (all.empty()) return "";
    json body = json::parse(all.back().body, nullptr, false);
    std::string text;
    for (const auto& m : body["messages"]) text += m.value("content", "") + "\n";
    return text;
  }

 private:
  JsonApiServer::Reply Answer(const JsonApiServer::Request&) {
    JsonApiServer::Reply reply;
    int delay = 0;
    {
      std::lock_guard lock(mu_);
      reply = reply_;
      delay = delay_ms_;
    }
    if (delay > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    return reply;
  }

  mutable std::mutex mu_;
  JsonApiServer::Reply reply_;
  int delay_ms_ = 0;
  JsonApiServer server_;
};

std::string OrdersCsv() {
  std::string csv = "id,customer_email,amount,status\n";
  for (int i = 0; i < 200; ++i) {
    csv += std::to_string(i) + "," + (i % 50 == 0 ? std::string(kRowEmail) : "c" + std::to_string(i) + "@example.org") +
           "," + std::to_string(10 + i * 3) + ".5," + (i % 3 == 0 ? kRowStatus : "Koala-Pending") + "\n";
  }
  return csv;
}

json OrdersDoc() {
  return {{"name", "orders"},
          {"nodes", {{{"id", "src"}, {"type", "extract"}, {"module", "csv"}, {"config", {{"path", "orders.csv"}}},
                      {"position", {{"x", 0}, {"y", 0}}}},
                     {{"id", "out"}, {"type", "load"}, {"module", "csv"}, {"config", {{"path", "out.csv"}}}}}},
          {"edges", {{{"source", "src"}, {"target", "out"}}}}};
}

class AssistApiTest : public ::testing::Test {
 protected:
  void StartServer(const std::string& database_url = "") {
    dir_ = MakeTempDir("ld-assist-api");
    ASSERT_TRUE(server_.Start(dir_ + "/data", database_url)) << ReadFile(dir_ + "/data/server.err");
    c_ = std::make_unique<HttpClient>(server_.Client());
    std::tie(owner_, developer_, viewer_, foreign_) = RegisterOwnerDeveloperViewerForeign(*c_);
    auto up = c_->Call("PUT", "/api/v1/files/content?path=orders.csv", OrdersCsv(), owner_.Auth());
    ASSERT_LT(up.status, 300) << up.body;
  }
  void SetUp() override { StartServer(); }
  void TearDown() override {
    server_.Stop();
    std::error_code ec;
    if (!HasFailure()) fs::remove_all(dir_, ec);
  }

  HttpResult Call(const Session& s, const std::string& method, const std::string& path, const json& body = nullptr) {
    return c_->Call(method, path, body.is_null() ? "" : body.dump(), s.Auth(owner_.org_id));
  }
  // The endpoint set up by the owner, with loopback allowed by the organization's egress list.
  void Configure(bool allow_sample_rows = false, int timeout = 60) {
    auto egress = Call(owner_, "PUT", "/api/v1/organization/egress", {{"allow", {"127.0.0.1"}}});
    ASSERT_EQ(egress.status, 200) << egress.body;
    auto r = Call(owner_, "PUT", "/api/v1/organization/assist",
                  {{"base_url", model_.Base()}, {"model", "stand-in-1"}, {"api_key", kApiKey},
                   {"allow_sample_rows", allow_sample_rows}, {"timeout_seconds", timeout}});
    ASSERT_EQ(r.status, 200) << r.body;
  }
  HttpResult Propose(const std::string& kind, const std::string& request, const json& doc = OrdersDoc(),
                     const std::string& node = "src") {
    json body = {{"kind", kind}, {"request", request}, {"pipeline", doc}};
    if (!node.empty()) body["node_id"] = node;
    return Call(developer_, "POST", "/api/v1/assist/propose", body);
  }
  // A proposal the model answers with `answer` is rejected (422) with a message holding `expected`.
  void ExpectRejected(const std::string& kind, const std::string& answer, const std::string& expected,
                      const json& doc = OrdersDoc(), const std::string& node = "src") {
    SCOPED_TRACE(answer);
    model_.Say(answer);
    auto r = Propose(kind, "anything", doc, node);
    EXPECT_EQ(r.status, 422) << r.body;
    EXPECT_NE(r.Json().value("detail", "").find(expected), std::string::npos) << r.body;
  }

  std::string dir_;
  ServerProcess server_;
  StandInModel model_;
  std::unique_ptr<HttpClient> c_;
  Session owner_, developer_, viewer_, foreign_;
};

TEST_F(AssistApiTest, WithoutAnEndpointTheFeatureIsOff) {
  auto status = Call(viewer_, "GET", "/api/v1/assist/status");
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_EQ(status.Json()["enabled"], false);
  auto settings = Call(owner_, "GET", "/api/v1/organization/assist");
  ASSERT_EQ(settings.status, 200) << settings.body;
  EXPECT_EQ(settings.Json()["configured"], false);
  auto r = Propose("filter", "orders over 100");
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_NE(r.body.find("not set up"), std::string::npos) << r.body;
  EXPECT_TRUE(model_.Requests().empty());
}

TEST_F(AssistApiTest, OnlyAdminsConfigureAndTheKeyNeverComesBack) {
  json settings = {{"base_url", model_.Base()}, {"model", "stand-in-1"}, {"api_key", kApiKey}};
  for (const Session* s : {&developer_, &viewer_}) {
    EXPECT_EQ(Call(*s, "PUT", "/api/v1/organization/assist", settings).status, 403);
    EXPECT_EQ(Call(*s, "GET", "/api/v1/organization/assist").status, 403);
    EXPECT_EQ(Call(*s, "DELETE", "/api/v1/organization/assist").status, 403);
  }
  // Bad base URLs are refused before anything is stored.
  for (const std::string bad : {"ftp://models.example.com/v1", "http://user:pw@models.example.com/v1",
                                "https://models.example.com/v1?key=x", "models.example.com"}) {
    SCOPED_TRACE(bad);
    auto r = Call(owner_, "PUT", "/api/v1/organization/assist", {{"base_url", bad}, {"model", "m"}});
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find("/base_url"), std::string::npos) << r.body;
  }
  auto put = Call(owner_, "PUT", "/api/v1/organization/assist", settings);
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.Json()["has_key"], true);
  EXPECT_EQ(put.Json()["model"], "stand-in-1");
  EXPECT_EQ(put.body.find(kApiKey), std::string::npos);
  auto get = Call(owner_, "GET", "/api/v1/organization/assist");
  ASSERT_EQ(get.status, 200);
  EXPECT_EQ(get.Json()["has_key"], true);
  EXPECT_EQ(get.body.find(kApiKey), std::string::npos);
  // Changing the model without a key keeps the stored key.
  auto keep = Call(owner_, "PUT", "/api/v1/organization/assist", {{"base_url", model_.Base()}, {"model", "stand-in-2"}});
  ASSERT_EQ(keep.status, 200) << keep.body;
  EXPECT_EQ(keep.Json()["has_key"], true);
  EXPECT_EQ(Call(viewer_, "GET", "/api/v1/assist/status").Json()["enabled"], true);
  // Another organization neither sees nor uses it, nor can it reach this one's.
  EXPECT_EQ(c_->Call("GET", "/api/v1/assist/status", "", foreign_.Auth()).Json()["enabled"], false);
  // Naming this organization without being a member: 404, as for its ids (docs/api.md).
  auto claimed = c_->Call("GET", "/api/v1/organization/assist", "", foreign_.Auth(owner_.org_id));
  EXPECT_EQ(claimed.status, 404) << claimed.body;
  EXPECT_EQ(claimed.body.find("stand-in"), std::string::npos) << claimed.body;
  auto foreign = c_->Call("POST", "/api/v1/assist/propose",
                          json{{"kind", "filter"}, {"request", "x"}, {"pipeline", OrdersDoc()}, {"node_id", "src"}}.dump(),
                          foreign_.Auth());
  EXPECT_EQ(foreign.status, 404) << foreign.body;
  // The change is audited, without the key.
  auto audit = Call(owner_, "GET", "/api/v1/audit?action=organization.assist.update");
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_EQ(audit.Json()["items"].size(), 2u) << audit.body;
  EXPECT_EQ(audit.body.find(kApiKey), std::string::npos);
  // Neither the database nor the logs hold the key in clear text.
  for (const auto& entry : fs::recursive_directory_iterator(dir_ + "/data")) {
    if (!entry.is_regular_file()) continue;
    EXPECT_EQ(ReadFile(entry.path().string()).find(kApiKey), std::string::npos) << entry.path();
  }
  // Removing it hides the feature again, audited.
  EXPECT_EQ(Call(owner_, "DELETE", "/api/v1/organization/assist").status, 204);
  EXPECT_EQ(Call(viewer_, "GET", "/api/v1/assist/status").Json()["enabled"], false);
  auto deleted = Call(owner_, "GET", "/api/v1/audit?action=organization.assist.delete");
  EXPECT_EQ(deleted.Json()["items"].size(), 1u) << deleted.body;
}

TEST_F(AssistApiTest, TheCallObeysTheOrganizationsEgressPolicy) {
  auto r = Call(owner_, "PUT", "/api/v1/organization/assist",
                {{"base_url", model_.Base()}, {"model", "stand-in-1"}, {"api_key", kApiKey}});
  ASSERT_EQ(r.status, 200) << r.body;
  model_.SayJson({{"expression", "amount > 100"}});
  auto refused = Propose("filter", "orders over 100");
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_NE(refused.body.find("egress"), std::string::npos) << refused.body;
  EXPECT_TRUE(model_.Requests().empty());
  ASSERT_EQ(Call(owner_, "PUT", "/api/v1/organization/egress", {{"allow", {"127.0.0.1"}}}).status, 200);
  EXPECT_EQ(Propose("filter", "orders over 100").status, 200);
}

TEST_F(AssistApiTest, AFilterProposalIsCheckedAndThePromptCarriesNoRowValues) {
  Configure();
  model_.Say("Here you go:\n```json\n{\"expression\": \"amount > 100 AND status <> 'x'\", \"explanation\": \"big ones\"}\n```");
  auto r = Propose("filter", "orders over 100");
  ASSERT_EQ(r.status, 200) << r.body;
  json p = r.Json();
  EXPECT_EQ(p["kind"], "filter");
  EXPECT_EQ(p["proposal"]["expression"], "amount > 100 AND status <> 'x'");
  EXPECT_EQ(p["explanation"], "big ones");
  EXPECT_EQ(p["node"]["module"], "filter");
  EXPECT_EQ(p["node"]["type"], "transform");
  const std::string id = p["node"]["id"];
  // Inserted between src and out.
  bool src_to_new = false, new_to_out = false;
  for (const auto& e : p["pipeline"]["edges"]) {
    src_to_new |= e["source"] == "src" && e["target"] == id;
    new_to_out |= e["source"] == id && e["target"] == "out";
  }
  EXPECT_TRUE(src_to_new && new_to_out) << p["pipeline"].dump();
  // What the stand-in received: the model, the key, the schema and statistics — not the rows.
  auto requests = model_.Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].path, "/v1/chat/completions");
  EXPECT_EQ(requests[0].headers["authorization"], std::string("Bearer ") + kApiKey);
  json sent = json::parse(requests[0].body, nullptr, false);
  EXPECT_EQ(sent["model"], "stand-in-1");
  ASSERT_TRUE(sent["messages"].is_array());
  const std::string prompt = model_.LastPrompt();
  for (const char* expected : {"customer_email", "amount", "status", "float64", "null_rate", "orders over 100"}) {
    EXPECT_NE(prompt.find(expected), std::string::npos) << expected << " missing from " << prompt;
  }
  EXPECT_EQ(prompt.find(kRowEmail), std::string::npos) << prompt;
  EXPECT_EQ(prompt.find(kRowStatus), std::string::npos) << prompt;
  EXPECT_EQ(prompt.find("Koala"), std::string::npos) << prompt;
  // The server log does not hold the key either.
  EXPECT_EQ(ReadFile(dir_ + "/data/server.err").find(kApiKey), std::string::npos);
}

TEST_F(AssistApiTest, SampleRowsReachThePromptOnlyWhenTheAdminAllows) {
  Configure(/*allow_sample_rows=*/true);
  model_.SayJson({{"expression", "status = 'Wombat-Shipped'"}});
  auto r = Propose("filter", "shipped orders");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string prompt = model_.LastPrompt();
  EXPECT_NE(prompt.find("sample_rows"), std::string::npos) << prompt;
  EXPECT_NE(prompt.find(kRowStatus), std::string::npos) << prompt;
}

TEST_F(AssistApiTest, DeriveSqlAndPipelineProposalsAreChecked) {
  Configure();
  model_.SayJson({{"column", "amount_with_tax"}, {"expression", "amount * 1.2"}, {"explanation", "adds tax"}});
  auto derive = Propose("derive", "amount with 20% tax");
  ASSERT_EQ(derive.status, 200) << derive.body;
  EXPECT_EQ(derive.Json()["node"]["module"], "derive");
  EXPECT_EQ(derive.Json()["node"]["config"]["columns"][0]["name"], "amount_with_tax");

  json db_doc = {{"name", "db"},
                 {"nodes", {{{"id", "pg"}, {"type", "extract"}, {"module", "postgres"},
                             {"config", {{"connection", "warehouse"}, {"table", "orders"}}}}}},
                 {"edges", json::array()}};
  model_.SayJson({{"query", "SELECT id, amount FROM orders WHERE amount > 100 -- big; ones"}});
  auto sql = Propose("sql", "only big orders", db_doc, "pg");
  ASSERT_EQ(sql.status, 200) << sql.body;
  EXPECT_EQ(sql.Json()["node"]["config"]["query"], "SELECT id, amount FROM orders WHERE amount > 100 -- big; ones");
  EXPECT_FALSE(sql.Json()["node"]["config"].contains("table"));
  EXPECT_NE(model_.LastPrompt().find("\"table\":\"orders\""), std::string::npos) << model_.LastPrompt();

  json pipeline = {{"name", "small"},
                   {"nodes", {{{"id", "read"}, {"type", "extract"}, {"module", "csv"}, {"config", {{"path", "orders.csv"}}}},
                              {{"id", "big"}, {"type", "transform"}, {"module", "filter"}, {"config", {{"expression", "amount > 100"}}}}}},
                   {"edges", {{{"source", "read"}, {"target", "big"}}}}};
  model_.SayJson({{"pipeline", pipeline}, {"explanation", "reads and filters"}});
  auto whole = Propose("pipeline", "read orders.csv and keep big orders", OrdersDoc(), "");
  ASSERT_EQ(whole.status, 200) << whole.body;
  EXPECT_EQ(whole.Json()["pipeline"]["nodes"].size(), 2u);
  EXPECT_NE(model_.LastPrompt().find("transform"), std::string::npos);
}

TEST_F(AssistApiTest, MalformedUnsafeOrSchemaViolatingAnswersAreRejected) {
  Configure();
  ExpectRejected("filter", "Sure! Keep the orders over 100.", "not JSON");
  ExpectRejected("filter", "[1, 2]", "not a JSON object");
  ExpectRejected("filter", R"j({"explanation": "no expression"})j", "/expression: is missing");
  ExpectRejected("filter", R"j({"expression": 42})j", "/expression: must be a string");
  ExpectRejected("filter", R"j({"expression": "amout > 100"})j", "amout");
  ExpectRejected("filter", R"j({"expression": "amount > "})j", "/expression: 1:");
  ExpectRejected("filter", R"j({"expression": "amount + 1"})j", "must be true or false");
  ExpectRejected("derive", R"j({"column": "x", "expression": "nosuch(amount)"})j", "nosuch");
  json db_doc = {{"name", "db"},
                 {"nodes", {{{"id", "pg"}, {"type", "extract"}, {"module", "postgres"},
                             {"config", {{"connection", "warehouse"}, {"table", "orders"}}}}}},
                 {"edges", json::array()}};
  ExpectRejected("sql", R"j({"query": "DROP TABLE orders"})j", "starts with DROP", db_doc, "pg");
  ExpectRejected("sql", R"j({"query": "SELECT 1; DELETE FROM orders"})j", "2 statements", db_doc, "pg");
  ExpectRejected("sql", R"j({"query": "WITH d AS (DELETE FROM orders RETURNING *) SELECT * FROM d"})j", "contains DELETE",
                 db_doc, "pg");
  ExpectRejected("sql", R"j({"query": "SELECT * INTO copy FROM orders"})j", "contains INTO", db_doc, "pg");
  ExpectRejected("sql", R"j({"query": "SELECT pg_read_file('/etc/passwd')"})j", "PG_READ_FILE", db_doc, "pg");
  ExpectRejected("sql", R"j({"query": "SELECT 1"})j", "extract node", OrdersDoc(), "src");
  json bad_pipeline = {{"pipeline",
                        {{"name", "bad"},
                         {"nodes", {{{"id", "read"}, {"type", "extract"}, {"module", "csv"}, {"config", {{"path", "orders.csv"}}}},
                                    {{"id", "f"}, {"type", "transform"}, {"module", "filter"}, {"config", {{"expression", "nope > 1"}}}}}},
                         {"edges", {{{"source", "read"}, {"target", "f"}}}}}}};
  ExpectRejected("pipeline", bad_pipeline.dump(), "/pipeline/nodes/1/config/expression", OrdersDoc(), "");
  ExpectRejected("pipeline", R"j({"pipeline": {"nodes": [{"id": "x", "type": "extract", "module": "nosuch"}]}})j",
                 "/pipeline/nodes/0", OrdersDoc(), "");
  // The endpoint itself failing is a 502 that says how.
  model_.Reply({500, R"j({"error": {"message": "model overloaded"}})j", {}});
  auto failed = Propose("filter", "x");
  EXPECT_EQ(failed.status, 502) << failed.body;
  EXPECT_NE(failed.body.find("HTTP 500: model overloaded"), std::string::npos) << failed.body;
  model_.Reply({200, R"j({"id": "x", "choices": []})j", {}});
  auto empty = Propose("filter", "x");
  EXPECT_EQ(empty.status, 422) << empty.body;
  EXPECT_NE(empty.body.find("choices[0].message.content"), std::string::npos) << empty.body;
  model_.Reply({200, json{{"choices", {{{"message", {{"content", std::string(300 * 1024, 'a')}}}}}}}.dump(), {}});
  auto huge = Propose("filter", "x");
  EXPECT_EQ(huge.status, 422) << huge.body;
  EXPECT_NE(huge.body.find("larger than 256 KiB"), std::string::npos) << huge.body;
}

TEST_F(AssistApiTest, ASlowModelTimesOut) {
  Configure(false, /*timeout=*/5);
  model_.Reply({200, json{{"choices", {{{"message", {{"content", "{\"expression\": \"amount > 1\"}"}}}}}}}.dump(), {}}, 7000);
  auto start = std::chrono::steady_clock::now();
  auto r = Propose("filter", "x");
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.status, 502) << r.body;
  EXPECT_NE(r.body.find("did not answer within 5 s"), std::string::npos) << r.body;
  EXPECT_LT(seconds, 7.0);
}

TEST_F(AssistApiTest, AnEditedProposalIsCheckedAgainWithoutTheModel) {
  Configure();
  auto ok = Call(developer_, "POST", "/api/v1/assist/check",
                 {{"kind", "filter"}, {"proposal", {{"expression", "amount >= 50"}}}, {"pipeline", OrdersDoc()}, {"node_id", "src"}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.Json()["node"]["config"]["expression"], "amount >= 50");
  auto bad = Call(developer_, "POST", "/api/v1/assist/check",
                  {{"kind", "filter"}, {"proposal", {{"expression", "amount >= 'x' AND"}}}, {"pipeline", OrdersDoc()}, {"node_id", "src"}});
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_EQ(Call(viewer_, "POST", "/api/v1/assist/check",
                 {{"kind", "filter"}, {"proposal", {{"expression", "amount >= 50"}}}, {"pipeline", OrdersDoc()}, {"node_id", "src"}})
                .status,
            403);
  EXPECT_TRUE(model_.Requests().empty());
}

// The same settings and proposal on the PostgreSQL metadata store.
class AssistPostgresTest : public AssistApiTest {
 protected:
  void SetUp() override {}
};

TEST_F(AssistPostgresTest, ConfigureAndProposeOnPostgres) {
  LD_REQUIRE_POSTGRES();
  StartServer(SharedPostgres::Get()->NewDatabase(Unique("assist")));
  Configure();
  auto get = Call(owner_, "GET", "/api/v1/organization/assist");
  ASSERT_EQ(get.status, 200) << get.body;
  EXPECT_EQ(get.Json()["has_key"], true);
  EXPECT_EQ(get.body.find(kApiKey), std::string::npos);
  model_.SayJson({{"expression", "amount > 100"}});
  auto r = Propose("filter", "orders over 100");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(model_.Requests().at(0).headers["authorization"], std::string("Bearer ") + kApiKey);
}

}  // namespace
}  // namespace logidata::testing

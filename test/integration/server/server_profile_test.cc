// POST /api/v1/pipelines/{id}/profile against a real `logidata server`: what each role may do,
// other organizations' pipelines, unsaved documents, files outside the sandbox and bad input.
#include "server_harness.h"

namespace logidata::testing {
namespace {

class ProfileApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("ld-profile-api");
    std::ofstream out(dir_ + "/people.csv");
    out << "id,email,joined\n";
    for (int i = 0; i < 3000; ++i) out << i << ",p" << i % 500 << "@example.org," << 1 + i % 28 << "/" << 1 + i % 12 << "/2024\n";
    out.close();
    std::ofstream(dir_ + "/secret.txt") << "top-secret-line\n";
    files_ = dir_ + "/files";
    fs::create_directories(files_);
    fs::copy_file(dir_ + "/people.csv", files_ + "/people.csv");
    ASSERT_TRUE(server_.Start(dir_ + "/data", "", {"--files-root", "test=" + files_ + ":rw"}))
        << ReadFile(dir_ + "/data/server.err");
    c_ = std::make_unique<HttpClient>(server_.Client());
    std::tie(owner_, developer_, viewer_, foreign_) = RegisterOwnerDeveloperViewerForeign(*c_);
    auto p = c_->Call("POST", "/api/v1/pipelines", Doc(files_ + "/people.csv").dump(), owner_.Auth());
    ASSERT_EQ(p.status, 201) << p.body;
    pipeline_ = p.Json()["id"];
  }

  void TearDown() override {
    server_.Stop();
    std::error_code ec;
    if (!HasFailure()) fs::remove_all(dir_, ec);
  }

  static json Doc(const std::string& path) {
    return {{"name", Unique("people")},
            {"nodes", {{{"id", "src"}, {"type", "extract"}, {"module", "csv"}, {"config", {{"path", path}}}}}},
            {"edges", json::array()}};
  }

  HttpResult Profile(const Session& s, const json& body, const std::string& pipeline = "") {
    return c_->Call("POST", "/api/v1/pipelines/" + (pipeline.empty() ? pipeline_ : pipeline) + "/profile", body.dump(),
                    s.Auth(owner_.org_id));
  }

  std::string dir_, files_, pipeline_;
  ServerProcess server_;
  std::unique_ptr<HttpClient> c_;
  Session owner_, developer_, viewer_, foreign_;
};

TEST_F(ProfileApiTest, AViewerProfilesTheStoredPipeline) {
  auto r = Profile(viewer_, {{"node_id", "src"}});
  ASSERT_EQ(r.status, 200) << r.body;
  json p = r.Json();
  EXPECT_EQ(p["rows"], 3000);
  EXPECT_EQ(p["limited"], false);
  EXPECT_EQ(p["accuracy"]["distinct"]["method"], "hyperloglog");
  std::map<std::string, json> cols;
  for (auto& c : p["columns"]) cols[c["name"]] = c;
  EXPECT_EQ(cols["email"]["semantic_type"], "email");
  EXPECT_EQ(cols["email"]["distinct"], 500);
  EXPECT_EQ(cols["email"]["pii"]["kind"], "email");
  EXPECT_EQ(cols["joined"]["semantic_type"], "date");
  EXPECT_EQ(cols["joined"]["format"], "%d/%m/%Y");
  EXPECT_EQ(cols["id"]["min"], "0");
  EXPECT_EQ(cols["id"]["max"], "2999");
  auto limited = Profile(viewer_, {{"node_id", "src"}, {"rows", 100}});
  ASSERT_EQ(limited.status, 200) << limited.body;
  EXPECT_EQ(limited.Json()["rows"], 100);
  EXPECT_EQ(limited.Json()["limited"], true);
}

// The profile carries ranked suggestions, each with a node the server's validator accepts after
// the profiled node; applying one (as the editor does) and previewing gives the cleaned values.
TEST_F(ProfileApiTest, SuggestionsComeWithTheProfileAndTheirNodesRun) {
  auto r = Profile(viewer_, {{"node_id", "src"}});
  ASSERT_EQ(r.status, 200) << r.body;
  json p = r.Json();
  ASSERT_TRUE(p["suggestions"].is_array()) << r.body;
  std::map<std::string, json> by_kind_column;
  double last_score = 2;
  for (const json& s : p["suggestions"]) {
    EXPECT_EQ(s["valid"], true) << s.dump();
    EXPECT_TRUE(s["issues"].empty()) << s.dump();
    EXPECT_FALSE(s["reason"].get<std::string>().empty());
    EXPECT_LE(s["score"].get<double>(), last_score);
    last_score = s["score"].get<double>();
    EXPECT_EQ(s["node"]["type"], "transform");
    by_kind_column[s["kind"].get<std::string>() + ":" + s["columns"][0].get<std::string>()] = s;
  }
  // joined: day-first dates as text; email: personal data; id: unique and never NULL.
  ASSERT_TRUE(by_kind_column.count("cast:joined")) << r.body;
  ASSERT_TRUE(by_kind_column.count("mask:email")) << r.body;
  ASSERT_TRUE(by_kind_column.count("quality_rules:id")) << r.body;
  // Clean columns get no fixes: no trim, case, email or dedupe suggestion.
  for (const auto& [key, s] : by_kind_column) {
    EXPECT_EQ(key.rfind("trim:", 0), std::string::npos) << key;
    EXPECT_EQ(key.rfind("dedupe:", 0), std::string::npos) << key;
    EXPECT_EQ(key.rfind("email:", 0), std::string::npos) << key;
  }
  const json cast = by_kind_column["cast:joined"]["node"];
  EXPECT_EQ(cast["module"], "derive");

  // Apply it: the node after src; a developer previews it.
  json doc = Doc(files_ + "/people.csv");
  doc["nodes"].push_back({{"id", cast["id"]}, {"type", "transform"}, {"module", cast["module"]}, {"config", cast["config"]}});
  doc["edges"].push_back({{"source", "src"}, {"target", cast["id"]}});
  auto preview = c_->Call("POST", "/api/v1/preview", json{{"pipeline", doc}, {"node_id", cast["id"]}, {"limit", 3}}.dump(),
                          developer_.Auth(owner_.org_id));
  ASSERT_EQ(preview.status, 200) << preview.body;
  json rows = preview.Json();
  std::map<std::string, size_t> column;
  for (size_t i = 0; i < rows["schema"].size(); ++i) column[rows["schema"][i]["name"]] = i;
  EXPECT_EQ(rows["schema"][column["joined"]]["type"], "date") << preview.body;
  // Row 1: "2/2/2024".
  EXPECT_EQ(rows["rows"][1][column["joined"]], "2024-02-02") << preview.body;

  // Another organization gets neither the profile nor its suggestions.
  auto foreign = c_->Call("POST", "/api/v1/pipelines/" + pipeline_ + "/profile", json{{"node_id", "src"}}.dump(),
                          foreign_.Auth(foreign_.org_id));
  EXPECT_EQ(foreign.status, 404) << foreign.body;
  EXPECT_EQ(foreign.body.find("suggestions"), std::string::npos);
}

TEST_F(ProfileApiTest, UnsavedDocumentsNeedTheDeveloperRole) {
  json body = {{"node_id", "src"}, {"pipeline", Doc(files_ + "/people.csv")}};
  auto viewer = Profile(viewer_, body);
  EXPECT_EQ(viewer.status, 403) << viewer.body;
  EXPECT_NE(viewer.body.find("/pipeline"), std::string::npos) << viewer.body;
  auto developer = Profile(developer_, body);
  EXPECT_EQ(developer.status, 200) << developer.body;
}

TEST_F(ProfileApiTest, AnotherOrganizationsPipelineIsNotFound) {
  auto r = c_->Call("POST", "/api/v1/pipelines/" + pipeline_ + "/profile", json{{"node_id", "src"}}.dump(),
                    foreign_.Auth(foreign_.org_id));
  EXPECT_EQ(r.status, 404) << r.body;
  // Naming organization A without being a member of it (docs/api.md: 404, as for its ids).
  auto claimed = c_->Call("POST", "/api/v1/pipelines/" + pipeline_ + "/profile", json{{"node_id", "src"}}.dump(),
                          foreign_.Auth(owner_.org_id));
  EXPECT_EQ(claimed.status, 404) << claimed.body;
  EXPECT_EQ(claimed.body.find("email"), std::string::npos) << claimed.body;
}

// The profile shows values (top values, min, max): a document reading outside the organization's
// files must be refused before any value leaves the server.
TEST_F(ProfileApiTest, FilesOutsideTheSandboxAreRefused) {
  for (const std::string& path : {dir_ + "/secret.txt", std::string("/etc/passwd"), std::string("../secret.txt")}) {
    auto r = Profile(developer_, {{"node_id", "src"}, {"pipeline", Doc(path)}});
    EXPECT_GE(r.status, 400) << path << ": " << r.body;
    EXPECT_LT(r.status, 500) << path << ": " << r.body;
    EXPECT_EQ(r.body.find("top-secret-line"), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find("root:"), std::string::npos) << r.body;
  }
}

TEST_F(ProfileApiTest, BadInputNamesTheField) {
  auto unknown = Profile(viewer_, {{"node_id", "nope"}});
  EXPECT_EQ(unknown.status, 400) << unknown.body;
  EXPECT_NE(unknown.body.find("/node_id"), std::string::npos) << unknown.body;
  auto zero = Profile(viewer_, {{"node_id", "src"}, {"rows", 0}});
  EXPECT_EQ(zero.status, 400) << zero.body;
  auto extra = Profile(viewer_, {{"node_id", "src"}, {"sql", "select 1"}});
  EXPECT_EQ(extra.status, 400) << extra.body;
  auto missing = Profile(viewer_, {{"node_id", "src"}}, "no-such-pipeline");
  EXPECT_EQ(missing.status, 404) << missing.body;
}

}  // namespace
}  // namespace logidata::testing

// Router matching, problem responses, query parsing, static files confinement and gzip.
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "server/gzip.h"
#include "server/http_types.h"
#include "server/router.h"
#include "server/static_files.h"

namespace logidata {
namespace {

Route R(const char* method, const char* pattern) {
  Route r;
  r.method = method;
  r.pattern = pattern;
  r.handler = [](const HttpRequest&, const Caller&, const nlohmann::json&) { return HttpResponse::NoContent(); };
  return r;
}

TEST(RouterTest, MatchesLiteralsParametersAndMethods) {
  Router router;
  router.Add(R("POST", "/api/v1/pipelines/import"));
  router.Add(R("GET", "/api/v1/pipelines/{id}"));
  router.Add(R("GET", "/api/v1/pipelines/{id}/versions/{v}"));
  auto m = router.Find("POST", "/api/v1/pipelines/import");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/api/v1/pipelines/import");
  m = router.Find("GET", "/api/v1/pipelines/abc/versions/3");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params["id"], "abc");
  EXPECT_EQ(m.params["v"], "3");
  m = router.Find("DELETE", "/api/v1/pipelines/abc");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.path_matched);
  m = router.Find("GET", "/api/v1/pipelines/a/b");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_FALSE(m.path_matched);
  auto doc = router.OpenApi("1");
  EXPECT_TRUE(doc["paths"]["/api/v1/pipelines/{id}"].contains("get"));
}

TEST(HttpTypesTest, ProblemsNameFields) {
  auto r = HttpResponse::FromStatus(Status::InvalidArgument("/name: must be a string; /nodes/0/id: is required"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.content_type, "application/problem+json");
  auto body = nlohmann::json::parse(r.body);
  ASSERT_EQ(body["errors"].size(), 2u);
  EXPECT_EQ(body["errors"][1]["field"], "/nodes/0/id");
  auto internal = HttpResponse::FromStatus(Status::Internal("SELECT secret FROM table failed"));
  EXPECT_EQ(internal.status, 500);
  EXPECT_EQ(internal.body.find("SELECT"), std::string::npos) << "internal details never leak";
  EXPECT_EQ(HttpResponse::FromStatus(Status::Conflict("/version: stale")).status, 409);
  EXPECT_EQ(HttpResponse::FromStatus(Status::NotFound("x")).status, 404);
}

TEST(HttpTypesTest, QueryStrings) {
  auto q = ParseQueryString("a=1&b=x%20y&c=%27+OR&d&=e&a=2");
  EXPECT_EQ(q["a"], "2");
  EXPECT_EQ(q["b"], "x y");
  EXPECT_EQ(q["c"], "' OR");
  EXPECT_EQ(q["d"], "");
  EXPECT_EQ(UrlDecode("%zz%4", false), "%zz%4");
}

TEST(StaticFilesTest, ServesConfinedFilesWithSpaFallback) {
  namespace fs = std::filesystem;
  fs::path root = fs::temp_directory_path() / ("ld-static-" + std::to_string(::getpid()));
  fs::create_directories(root / "assets");
  std::ofstream(root / "index.html") << "INDEX";
  std::ofstream(root / "assets" / "a.js") << "JS";
  std::ofstream(root.parent_path() / ("ld-secret-" + std::to_string(::getpid()))) << "SECRET";
  fs::create_symlink(root.parent_path() / ("ld-secret-" + std::to_string(::getpid())), root / "assets" / "link.js");
  StaticFiles files(root.string());
  EXPECT_EQ(files.Serve("/")->body, "INDEX");
  EXPECT_EQ(files.Serve("/assets/a.js")->body, "JS");
  EXPECT_EQ(files.Serve("/pipelines/7")->body, "INDEX");
  EXPECT_EQ(files.Serve("/assets/nope.js")->status, 404);
  EXPECT_EQ(files.Serve("/../" + ("ld-secret-" + std::to_string(::getpid())))->status, 400);
  EXPECT_NE(files.Serve("/assets/link.js")->body, "SECRET") << "symlinks may not escape the root";
  EXPECT_FALSE(StaticFiles("/no/such/dir").Serve("/").has_value());
  fs::remove_all(root);
  fs::remove(root.parent_path() / ("ld-secret-" + std::to_string(::getpid())));
}

TEST(GzipTest, RoundTrips) {
  std::string text(10000, 'x');
  auto z = GzipCompress(text);
  ASSERT_TRUE(z.has_value());
  EXPECT_LT(z->size(), 200u);
  z_stream zs{};
  inflateInit2(&zs, 15 + 16);
  std::string out(20000, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(z->data());
  zs.avail_in = static_cast<uInt>(z->size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  EXPECT_EQ(out, text);
  EXPECT_TRUE(AcceptsGzip("gzip, deflate, br"));
  EXPECT_FALSE(AcceptsGzip("deflate"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
}

}  // namespace
}  // namespace logidata

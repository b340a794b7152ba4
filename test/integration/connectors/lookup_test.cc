// transform.lookup against a real local geocoder (the Nominatim-like /search endpoints of
// scripts/servers/http_test_server.py on 127.0.0.1): exact results, one request per distinct key
// (the server counts them), the rate limit and the concurrency bound (measured at the server),
// retries on 503, 4xx answers becoming rejects, and `logidata validate` / `logidata run` on a
// pipeline file (bad config errors at their JSON path; the run log's cache summary).
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "connectors/http/http_client.h"
#include "integration/connectors/connector_test_support.h"

namespace logidata::testing {
namespace {

class LogLines final : public RunLogger {
 public:
  void Log(LogLevel, const std::string& node_id, const std::string& message) override {
    std::lock_guard lock(mu_);
    lines_.push_back(node_id + ": " + message);
  }
  std::string All() {
    std::lock_guard lock(mu_);
    std::string out;
    for (const auto& l : lines_) out += l + "\n";
    return out;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> lines_;
};

class LookupTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto line = server_.Start({"/usr/bin/python3", SourceDir() + "/scripts/servers/http_test_server.py", "0"});
    ASSERT_TRUE(line.ok()) << line.status().ToString();
    base_ = "http://127.0.0.1:" + line->substr(6);
    ConnectionConfig geo;
    geo.name = "geo";
    geo.type = "http";
    geo.host = base_;
    connections_.Add(geo);
  }
  static void TearDownTestSuite() { server_.Stop(); }

  // A geocoding config whose requests the server counts under `tag`.
  static nlohmann::json Geocode(const std::string& tag, const std::string& extra_query = "") {
    return {{"url", base_ + "/search?q={address}&format=jsonv2&limit=1&tag=" + tag + extra_query},
            {"response_path", "/0"},
            {"fields", {{"lat", {{"path", "lat"}, {"type", "float64"}}},
                        {"lon", {{"path", "lon"}, {"type", "float64"}}},
                        {"place", "display_name"}}},
            {"retries", {{"max_retries", 3}, {"base_delay_ms", 50}, {"max_delay_ms", 200}}}};
  }
  static nlohmann::json Geocoder(const std::string& tag) {
    HttpClient client({});
    auto r = client.Send({"GET", base_ + "/geocoder?tag=" + tag, {}, ""});
    return r.ok() ? nlohmann::json::parse(r->body) : nlohmann::json{{"error", r.status().ToString()}};
  }

  struct Run {
    Status status;
    std::vector<BatchPtr> out, rejects;
    std::string log;
    double seconds = 0;
  };
  // Binds the lookup over `batches` (schema of the first) and runs it on `threads` threads.
  static Run Lookup(const nlohmann::json& config, const std::vector<BatchPtr>& batches, int threads = 1) {
    Run run;
    auto op = BindConnector("transform.lookup", config, &connections_, {batches.at(0)->schema()});
    if (!op.ok()) {
      run.status = op.status();
      return run;
    }
    LogLines log;
    HarnessOptions options;
    options.connections = &connections_;
    options.threads = threads;
    options.logger = &log;
    auto start = std::chrono::steady_clock::now();
    auto out = RunOperator(**op, {batches}, options);
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    run.log = log.All();
    if (!out.ok()) {
      run.status = out.status();
      return run;
    }
    if (!out->empty()) run.out = (*out)[0];
    if (out->size() > 1) run.rejects = (*out)[1];
    return run;
  }

  static BatchPtr Addresses(const std::vector<std::string>& addresses, int first_id = 1) {
    std::vector<std::vector<std::string>> rows;
    for (size_t i = 0; i < addresses.size(); ++i) rows.push_back({std::to_string(first_id + static_cast<int>(i)), addresses[i]});
    return MakeBatch("id:int64, address:string", rows);
  }

  static inline ChildProcess server_;
  static inline std::string base_;
  static inline MemoryConnections connections_;
};

TEST_F(LookupTest, GeocodesEachRowExactly) {
  auto run = Lookup(Geocode("exact"), {Addresses({"Berlin", "Paris", "addr-17", "nowhere", "NULL", "addr-250"})});
  ASSERT_TRUE(run.status.ok()) << run.status.ToString();
  EXPECT_EQ(Rows(run.out), (std::vector<std::vector<std::string>>{
                               {"1", "Berlin", "52.5170365", "13.3888599", "Berlin, Deutschland"},
                               {"2", "Paris", "48.8588897", "2.320041", "Paris, Ile-de-France, France"},
                               {"3", "addr-17", "40.017", "-3.017", "Address 17"},
                               {"4", "nowhere", "NULL", "NULL", "NULL"},  // [] from the API: on_missing null
                               {"5", "NULL", "NULL", "NULL", "NULL"},     // a null key: no request
                               {"6", "addr-250", "40.25", "-3.25", "Address 250"}}));
  EXPECT_EQ(run.out[0]->schema()->ToString(), "id: int64, address: string, lat: float64, lon: float64, place: string");
  EXPECT_TRUE(run.rejects.empty());
  EXPECT_EQ(Geocoder("exact")["requests"], 5);
}

TEST_F(LookupTest, DuplicateKeysHitTheCache) {
  // 1,000 rows over 20 addresses in 8 batches, consumed by 2 threads at once.
  std::vector<BatchPtr> batches;
  std::vector<std::vector<std::string>> expected;
  for (int b = 0; b < 8; ++b) {
    std::vector<std::string> addresses;
    for (int i = 0; i < 125; ++i) {
      int n = (b * 125 + i) * 7 % 20;
      addresses.push_back("addr-" + std::to_string(n));
    }
    batches.push_back(Addresses(addresses, b * 125));
  }
  auto run = Lookup(Geocode("cache"), batches, /*threads=*/2);
  ASSERT_TRUE(run.status.ok()) << run.status.ToString();
  int64_t rows = 0;
  for (const auto& row : Rows(run.out)) {
    ++rows;
    int n = std::stoi(row[1].substr(5));
    char lat[16];
    std::snprintf(lat, sizeof lat, "%.3f", 40 + n / 1000.0);
    ASSERT_EQ(std::stod(row[2]), std::stod(lat)) << row[1];
  }
  EXPECT_EQ(rows, 1000);
  EXPECT_EQ(Geocoder("cache")["requests"], 20) << run.log;
  EXPECT_NE(run.log.find("1000 rows, cache hits 980, cache misses 20, 20 requests (0 retries)"), std::string::npos) << run.log;

  // cache: false asks once per row.
  auto uncached_config = Geocode("nocache");
  uncached_config["cache"] = false;
  auto uncached = Lookup(uncached_config, {Addresses(std::vector<std::string>(30, "addr-1"))});
  ASSERT_TRUE(uncached.status.ok()) << uncached.status.ToString();
  EXPECT_EQ(Geocoder("nocache")["requests"], 30);
  EXPECT_NE(uncached.log.find("cache hits 0, cache misses 30"), std::string::npos) << uncached.log;

  // A cache of 2 keys over a cycle of 3 evicts each key before it comes back: every row asks.
  auto small = Geocode("small");
  small["cache_size"] = 2;
  small["concurrency"] = 1;
  std::vector<BatchPtr> cycle;
  for (int i = 0; i < 3; ++i) cycle.push_back(Addresses({"addr-1", "addr-2", "addr-3"}));
  auto evicting = Lookup(small, cycle);
  ASSERT_TRUE(evicting.status.ok()) << evicting.status.ToString();
  EXPECT_EQ(Geocoder("small")["requests"], 9);
}

TEST_F(LookupTest, RateLimitSpacesEveryRequest) {
  std::vector<std::string> addresses;
  for (int i = 0; i < 12; ++i) addresses.push_back("addr-" + std::to_string(i));
  auto limited = Geocode("rate");
  limited["rate_limit_per_second"] = 10;
  limited["concurrency"] = 4;
  auto run = Lookup(limited, {Addresses(addresses)}, 2);
  ASSERT_TRUE(run.status.ok()) << run.status.ToString();
  auto seen = Geocoder("rate");
  ASSERT_EQ(seen["requests"], 12);
  // 12 requests at 10/s: the last comes >= 1.1 s after the first, and no two closer than 0.1 s
  // (less a little for scheduling jitter between the client's clock and the server's).
  auto times = seen["times"].get<std::vector<double>>();
  std::sort(times.begin(), times.end());
  double min_gap = 1e9;
  for (size_t i = 1; i < times.size(); ++i) min_gap = std::min(min_gap, times[i] - times[i - 1]);
  EXPECT_GE(times.back() - times.front(), 1.05) << run.seconds;
  EXPECT_GE(min_gap, 0.08);
  EXPECT_GE(run.seconds, 1.05);
  std::printf("rate limit 10/s: 12 requests in %.2f s, smallest gap at the server %.3f s\n", run.seconds, min_gap);

  // The same without a limit is much faster, so the bound above is the limit's doing.
  auto free = Lookup(Geocode("norate"), {Addresses(addresses)}, 2);
  ASSERT_TRUE(free.status.ok()) << free.status.ToString();
  EXPECT_LT(free.seconds, 0.9);
  std::printf("no rate limit: 12 requests in %.2f s\n", free.seconds);
}

TEST_F(LookupTest, ConcurrencyBoundsRequestsInFlight) {
  std::vector<std::string> addresses;
  for (int i = 0; i < 12; ++i) addresses.push_back("addr-" + std::to_string(i));
  struct Case {
    int concurrency;
    int threads;
    double min_seconds, max_seconds;  // 12 requests of 0.2 s each
  };
  for (const Case& c : {Case{1, 1, 2.35, 4.0}, Case{3, 2, 0.75, 1.6}, Case{6, 2, 0.38, 1.0}}) {
    SCOPED_TRACE("concurrency " + std::to_string(c.concurrency));
    const std::string tag = "flight" + std::to_string(c.concurrency);
    auto cfg = Geocode(tag, "&delay=0.2");
    cfg["concurrency"] = c.concurrency;
    // Two input batches on two threads: the bound is the node's, not each Consume call's.
    auto half1 = std::vector<std::string>(addresses.begin(), addresses.begin() + 6);
    auto half2 = std::vector<std::string>(addresses.begin() + 6, addresses.end());
    auto run = Lookup(cfg, {Addresses(half1), Addresses(half2, 7)}, c.threads);
    ASSERT_TRUE(run.status.ok()) << run.status.ToString();
    auto seen = Geocoder(tag);
    EXPECT_EQ(seen["requests"], 12);
    EXPECT_EQ(seen["max_in_flight"], c.concurrency);
    EXPECT_GE(run.seconds, c.min_seconds);
    EXPECT_LE(run.seconds, c.max_seconds);
    std::printf("concurrency %d: 12 requests of 0.2 s in %.2f s, at most %d in flight at the server\n", c.concurrency,
                run.seconds, seen["max_in_flight"].get<int>());
  }
}

TEST_F(LookupTest, RetriesA503ThenSucceeds) {
  auto run = Lookup(Geocode("retry"), {Addresses({"flaky addr-7", "addr-8"})});
  ASSERT_TRUE(run.status.ok()) << run.status.ToString();
  EXPECT_EQ(Rows(run.out), (std::vector<std::vector<std::string>>{{"1", "flaky addr-7", "40.007", "-3.007", "Address 7"},
                                                                  {"2", "addr-8", "40.008", "-3.008", "Address 8"}}));
  EXPECT_EQ(Geocoder("retry")["requests"], 3);  // 503, then 200, and addr-8
  EXPECT_NE(run.log.find("2 requests (1 retries)"), std::string::npos) << run.log;

  // Without retries the 503 is a failed call: the run fails naming the node and the key.
  auto none = Geocode("noretry");
  none["retries"] = {{"max_retries", 0}};
  auto failed = Lookup(none, {Addresses({"flaky addr-7"})});
  ASSERT_FALSE(failed.status.ok());
  EXPECT_EQ(failed.status.code(), StatusCode::kUnavailable);
  EXPECT_NE(failed.status.message().find("lookup node 'node', key address=\"flaky addr-7\""), std::string::npos)
      << failed.status.ToString();
  EXPECT_NE(failed.status.message().find("HTTP 503"), std::string::npos) << failed.status.ToString();
}

TEST_F(LookupTest, ClientErrorsBecomeRejectsOrFailTheRun) {
  // Two batches on one thread: the second "bad query" comes after the first one's answer.
  auto first = Addresses({"addr-1", "bad query", "gone 9", "nowhere", "badlat x", "addr-2"});
  auto second = Addresses({"bad query"}, 7);
  auto cfg = Geocode("rejects");
  cfg["on_error"] = "reject";
  cfg["on_missing"] = "reject";
  auto run = Lookup(cfg, {first, second});
  ASSERT_TRUE(run.status.ok()) << run.status.ToString();
  EXPECT_EQ(Rows(run.out), (std::vector<std::vector<std::string>>{{"1", "addr-1", "40.001", "-3.001", "Address 1"},
                                                                  {"6", "addr-2", "40.002", "-3.002", "Address 2"}}));
  ASSERT_EQ(run.rejects.size(), 2u);
  EXPECT_EQ(run.rejects[0]->schema()->ToString(), "id: int64, address: string, _http_status: int32, _reason: string");
  auto rejects = Rows(run.rejects);
  ASSERT_EQ(rejects.size(), 5u);
  const std::vector<std::pair<std::string, std::string>> want = {
      {"400", "lookup node 'node', key address=\"bad query\": InvalidArgument: GET " + base_ + "/search failed: HTTP 400"},
      {"404", "lookup node 'node', key address=\"gone 9\": NotFound: GET " + base_ + "/search failed: HTTP 404"},
      {"200", "lookup node 'node', key address=\"nowhere\": no result at response path '/0'"},
      {"200", "lookup node 'node', key address=\"badlat x\": DataError: field 'lat' (path 'lat'): 'north' is not a valid float64"},
      {"400", "lookup node 'node', key address=\"bad query\": InvalidArgument"},
  };
  for (size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(rejects[i][2], want[i].first);
    EXPECT_EQ(rejects[i][3].rfind(want[i].second, 0), 0u) << rejects[i][3];
  }
  // "bad query" twice, in two batches: the 400 is a definite answer, cached like a result.
  EXPECT_EQ(Geocoder("rejects")["requests"], 6);
  EXPECT_NE(run.log.find("5 rows rejected"), std::string::npos) << run.log;

  // The defaults: a missing result keeps the row with nulls, a failed call fails the run.
  auto strict = Lookup(Geocode("strict"), {Addresses({"nowhere", "addr-1", "bad query"})});
  ASSERT_FALSE(strict.status.ok());
  EXPECT_EQ(strict.status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(strict.status.message().rfind("lookup node 'node', key address=\"bad query\": InvalidArgument: GET " + base_ +
                                              "/search failed: HTTP 400",
                                          0),
            0u)
      << strict.status.ToString();
  EXPECT_NE(strict.status.message().find("(on_error: fail)"), std::string::npos);
  auto missing = Geocode("missing");
  missing["on_missing"] = "fail";
  auto failed = Lookup(missing, {Addresses({"addr-1", "nowhere"})});
  EXPECT_EQ(failed.status.code(), StatusCode::kNotFound) << failed.status.ToString();
  EXPECT_NE(failed.status.message().find("key address=\"nowhere\": no result at response path '/0' (on_missing: fail)"),
            std::string::npos)
      << failed.status.ToString();
}

TEST_F(LookupTest, BatchesKeysInOnePost) {
  std::vector<std::string> addresses = {"Berlin", "addr-1", "nowhere", "addr-2", "Paris", "addr-1", "addr-3"};
  nlohmann::json cfg = {{"connection", "geo"},
                        {"url", "/search/batch?tag=batch"},
                        {"method", "POST"},
                        {"body", {{"q", "{address}"}}},
                        {"batch_size", 4},
                        {"batch_path", "results"},
                        {"response_path", "0"},
                        {"fields", {{"lat", {{"path", "lat"}, {"type", "float64"}}}}},
                        {"concurrency", 1}};
  auto run = Lookup(cfg, {Addresses(addresses)});
  ASSERT_TRUE(run.status.ok()) << run.status.ToString();
  EXPECT_EQ(Rows(run.out), (std::vector<std::vector<std::string>>{{"1", "Berlin", "52.5170365"},
                                                                  {"2", "addr-1", "40.001"},
                                                                  {"3", "nowhere", "NULL"},
                                                                  {"4", "addr-2", "40.002"},
                                                                  {"5", "Paris", "48.8588897"},
                                                                  {"6", "addr-1", "40.001"},
                                                                  {"7", "addr-3", "40.003"}}));
  // 6 distinct keys, 4 per request.
  EXPECT_EQ(Geocoder("batch")["requests"], 2);
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A pipeline file: addresses.csv → lookup → geocoded.csv.
std::string WritePipeline(const std::string& dir, const nlohmann::json& lookup_config) {
  std::ofstream(dir + "/addresses.csv") << "id,address\n1,Berlin\n2,addr-5\n3,Berlin\n4,nowhere\n";
  nlohmann::json doc = {
      {"name", "geocode"},
      {"nodes", {{{"id", "src"}, {"type", "extract"}, {"module", "csv"}, {"config", {{"path", dir + "/addresses.csv"}}}},
                 {{"id", "geo"}, {"type", "transform"}, {"module", "lookup"}, {"config", lookup_config}},
                 {{"id", "out"}, {"type", "load"}, {"module", "csv"}, {"config", {{"path", dir + "/geocoded.csv"}}}}}},
      {"edges", {{{"source", "src"}, {"target", "geo"}}, {{"source", "geo"}, {"target", "out"}}}}};
  std::ofstream(dir + "/pipeline.json") << doc.dump(2);
  return dir + "/pipeline.json";
}

TEST_F(LookupTest, CliValidatesWithJsonPathsAndRuns) {
  std::string dir = TempDir("lookup-cli");
  const std::string cli = std::string(LOGIDATA_BINARY_DIR) + "/logidata";
  auto bad = Geocode("cli");
  bad["fields"]["lat"]["type"] = "float65";
  std::string pipeline = WritePipeline(dir, bad);
  std::string out = dir + "/validate.txt";
  int rc = std::system((cli + " validate --offline " + pipeline + " > " + out + " 2>&1").c_str());
  EXPECT_NE(rc, 0);
  EXPECT_NE(ReadAll(out).find("/nodes/1/config/fields/lat/type"), std::string::npos) << ReadAll(out);
  EXPECT_NE(ReadAll(out).find("geo"), std::string::npos) << ReadAll(out);

  pipeline = WritePipeline(dir, Geocode("cli"));
  rc = std::system((cli + " run " + pipeline + " > " + out + " 2>&1").c_str());
  ASSERT_EQ(rc, 0) << ReadAll(out);
  EXPECT_EQ(ReadAll(dir + "/geocoded.csv"),
            "id,address,lat,lon,place\n"
            "1,Berlin,52.5170365,13.3888599,\"Berlin, Deutschland\"\n"
            "2,addr-5,40.005,-3.005,Address 5\n"
            "3,Berlin,52.5170365,13.3888599,\"Berlin, Deutschland\"\n"
            "4,nowhere,,,\n");
  EXPECT_NE(ReadAll(out).find("4 rows, cache hits 1, cache misses 3, 3 requests (0 retries)"), std::string::npos)
      << ReadAll(out);
  EXPECT_EQ(Geocoder("cli")["requests"], 3);
}

}  // namespace
}  // namespace logidata::testing

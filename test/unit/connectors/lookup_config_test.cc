// transform.lookup without a server: URL and body templates, response paths, the config errors
// (each with its JSON pointer), the cache's single-flight and eviction rules, and the descriptor
// the web editor's test renders (test/data/modules/transform.lookup.json).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "connectors/connector_modules.h"
#include "module/module_registry.h"

#include "connectors/http/json_body_template.h"
#include "connectors/http/lookup_cache.h"
#include "connectors/http/lookup_config.h"
#include "connectors/http/text_template.h"
#include "support/test_batches.h"

namespace logidata {
namespace {

using testing::ParseSchemaSpec;

// Slots in order of first use, like ReadLookupConfig.
struct Slots {
  std::vector<std::string> names;
  TextTemplate::SlotResolver resolver() {
    return [this](const std::string& column) -> Result<int> {
      if (column == "missing") return Status::InvalidArgument("no column 'missing'");
      for (size_t i = 0; i < names.size(); ++i) {
        if (names[i] == column) return static_cast<int>(i);
      }
      names.push_back(column);
      return static_cast<int>(names.size() - 1);
    };
  }
};

TEST(TextTemplateTest, RendersPlaceholdersEncodedOrPlain) {
  struct Case {
    std::string text;
    std::vector<std::string> values;
    std::string url_encoded;
    std::string plain;
    std::string toString() const { return text; }
  };
  const std::vector<Case> cases = {
      {"/search?q={address}&format=jsonv2", {"Unter den Linden 1, Berlin"},
       "/search?q=Unter%20den%20Linden%201%2C%20Berlin&format=jsonv2", "/search?q=Unter den Linden 1, Berlin&format=jsonv2"},
      {"/users/{id}/orders/{id}", {"7"}, "/users/7/orders/7", "/users/7/orders/7"},
      {"/{a}-{b}", {"x/y", "?z=1&w"}, "/x%2Fy-%3Fz%3D1%26w", "/x/y-?z=1&w"},
      {"{{literal}} {v}", {"é"}, "{literal} %C3%A9", "{literal} é"},
      {"no placeholders", {}, "no placeholders", "no placeholders"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.toString());
    Slots slots;
    auto t = TextTemplate::Parse(c.text, "/url", slots.resolver());
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    EXPECT_EQ(t->Render(c.values, true), c.url_encoded);
    EXPECT_EQ(t->Render(c.values, false), c.plain);
  }
}

TEST(TextTemplateTest, SyntaxErrorsNameTheFieldAndCharacter) {
  struct Case {
    std::string text;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"/x?q={address", "/url: unclosed '{' at character 6"},
      {"/x?q=address}", "/url: unmatched '}' at character 13; write '}}' for a literal brace"},
      {"/x/{}", "/url: empty placeholder '{}' at character 4; name a column"},
      {"/x/{a{b}", "/url: '{' inside a placeholder at character 4"},
      {"/x/{missing}", "/url: no column 'missing'"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    Slots slots;
    auto t = TextTemplate::Parse(c.text, "/url", slots.resolver());
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.status().message(), c.error);
  }
}

TEST(JsonBodyTemplateTest, KeepsTypesForWholePlaceholdersAndNeverSplicesText) {
  Slots slots;
  nlohmann::json body = {{"q", "{address}"}, {"id", "{id}"}, {"label", "id {id}: {address}"},
                         {"nested", {{"list", {"{id}", 3, true}}}}, {"const", "x"}};
  auto t = JsonBodyTemplate::Parse(body, "/body", slots.resolver());
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  // Slots in order of first use, the body's members visited in name order.
  ASSERT_EQ(slots.names, (std::vector<std::string>{"id", "address"}));
  // A value with quotes and braces stays one JSON string.
  nlohmann::json out = t->Render({"42", "\"}, \"admin\": true, {\""}, {42, "\"}, \"admin\": true, {\""});
  EXPECT_EQ(out, (nlohmann::json{{"q", "\"}, \"admin\": true, {\""},
                                 {"id", 42},
                                 {"label", "id 42: \"}, \"admin\": true, {\""},
                                 {"nested", {{"list", {42, 3, true}}}},
                                 {"const", "x"}}));
  Slots bad;
  auto err = JsonBodyTemplate::Parse({{"a", {{"b~/c", "{missing}"}}}}, "/body", bad.resolver());
  ASSERT_FALSE(err.ok());
  EXPECT_EQ(err.status().message(), "/body/a/b~0~1c: no column 'missing'");
}

TEST(ResponsePathTest, PointersAndDottedPaths) {
  nlohmann::ordered_json doc = nlohmann::ordered_json::parse(
      R"([{"lat": "52.5", "address": {"city": "Berlin", "a/b": 1, "0": "zero-key"}, "list": [10, 20]}])");
  struct Case {
    std::string path;
    std::string want;  // dump of the value, or "absent"
  };
  const std::vector<Case> cases = {
      {"", doc.dump()},
      {"/0/lat", "\"52.5\""},
      {"0.lat", "\"52.5\""},
      {"0.address.city", "\"Berlin\""},
      {"/0/address/a~1b", "1"},
      {"0.address.0", "\"zero-key\""},  // a number against an object is a key
      {"0.list.1", "20"},               // and against an array an index
      {"1.lat", "absent"},
      {"0.nope", "absent"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.path);
    auto p = ParseResponsePath(c.path, "/response_path");
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    EXPECT_EQ(doc.contains(*p) ? doc.at(*p).dump() : "absent", c.want);
  }
  for (std::string bad : {"/0/~2", "a..b", "a."}) {
    SCOPED_TRACE(bad);
    auto p = ParseResponsePath(bad, "/fields/lat/path");
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.status().message().rfind("/fields/lat/path: ", 0), 0u) << p.status().message();
  }
}

const char* kInput = "id:int64, address:string, city:string";

nlohmann::json Geocode() {
  return {{"url", "http://geo.test/search?q={address}&format=jsonv2&limit=1"},
          {"response_path", "/0"},
          {"fields", {{"lat", {{"path", "lat"}, {"type", "float64"}}}, {"lon", {{"path", "lon"}, {"type", "float64"}}}}}};
}

TEST(LookupConfigTest, ReadsAValidConfig) {
  auto c = ReadLookupConfig(Geocode(), *ParseSchemaSpec(kInput));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->key_columns, (std::vector<int>{1}));
  EXPECT_EQ(c->key_names, (std::vector<std::string>{"address"}));
  ASSERT_EQ(c->fields.size(), 2u);
  EXPECT_EQ(c->fields[0].type, DataType::Float64());
  EXPECT_EQ(c->on_missing, LookupPolicy::kNull);
  EXPECT_EQ(c->on_error, LookupPolicy::kFail);
  EXPECT_EQ(c->concurrency, 4);

  nlohmann::json batch = {{"url", "http://geo.test/batch"}, {"method", "POST"}, {"body", {{"q", "{address}"}, {"c", "{city}"}}},
                          {"batch_size", 50}, {"batch_path", "results"}, {"fields", {{"name", "display_name"}}}};
  auto b = ReadLookupConfig(batch, *ParseSchemaSpec(kInput));
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->key_names, (std::vector<std::string>{"city", "address"}));  // members in name order
  EXPECT_EQ(b->fields[0].type, DataType::String());
}

TEST(LookupConfigTest, ErrorsNameTheJsonPointer) {
  struct Case {
    std::string name;
    std::function<void(nlohmann::json&)> edit;
    std::string error;  // the message starts with it
  };
  const std::vector<Case> cases = {
      {"no url", [](auto& c) { c.erase("url"); }, "/url: a URL is required"},
      {"relative url without a connection", [](auto& c) { c["url"] = "/search?q={address}"; }, "/url: '/search?q={address}' is not an absolute"},
      {"file url", [](auto& c) { c["url"] = "file:///etc/{address}"; }, "/url: only http and https URLs are allowed"},
      {"placeholder in the host", [](auto& c) { c["url"] = "http://{city}/search?q={address}"; }, "/url: placeholders may appear only in the path"},
      {"placeholder in the port", [](auto& c) { c["url"] = "http://geo.test:{id}/x"; }, "/url: placeholders may appear only in the path"},
      {"host without path", [](auto& c) { c["url"] = "http://geo{id}"; }, "/url: placeholders may appear only in the path"},
      {"unknown column", [](auto& c) { c["url"] = "http://geo.test/q={adress}"; }, "/url: "},
      {"no key", [](auto& c) { c["url"] = "http://geo.test/q"; }, "/url: name at least one input column"},
      {"bad method", [](auto& c) { c["method"] = "DELETE"; }, "/method: must be GET or POST"},
      {"body with GET", [](auto& c) { c["body"] = {{"q", "{address}"}}; }, "/body: a body needs method POST"},
      {"header with newline", [](auto& c) { c["headers"] = {{"X-A", "1\r\nHost: evil"}}; }, "/headers/X-A: header names"},
      {"no fields", [](auto& c) { c.erase("fields"); }, "/fields: map at least one new column"},
      {"bad type", [](auto& c) { c["fields"]["lat"]["type"] = "float65"; }, "/fields/lat/type: "},
      {"bad path", [](auto& c) { c["fields"]["lat"]["path"] = "/0/~9"; }, "/fields/lat/path: '/0/~9' is not a JSON pointer"},
      {"field without path", [](auto& c) { c["fields"]["lat"] = {{"type", "float64"}}; }, "/fields/lat/path: a path in the response is required"},
      {"unknown field key", [](auto& c) { c["fields"]["lat"]["typ"] = "x"; }, "/fields/lat/typ: unknown field"},
      {"column exists", [](auto& c) { c["fields"]["city"] = "address.city"; }, "/fields/city: column 'city' already exists"},
      {"rejects column", [](auto& c) { c["fields"]["_reason"] = "x"; }, "/fields/_reason: '_reason' is a column of the rejects output"},
      {"bad response path", [](auto& c) { c["response_path"] = "a..b"; }, "/response_path: empty segment"},
      {"bad on_missing", [](auto& c) { c["on_missing"] = "skip"; }, "/on_missing: 'skip' is not one of null, reject, fail"},
      {"null is no on_error", [](auto& c) { c["on_error"] = "null"; }, "/on_error: 'null' is not one of reject, fail"},
      {"zero concurrency", [](auto& c) { c["concurrency"] = 0; }, "/concurrency: must be between 1 and 64"},
      {"cache not bool", [](auto& c) { c["cache"] = "yes"; }, "/cache: must be true or false"},
      {"negative rate", [](auto& c) { c["rate_limit_per_second"] = -1; }, "/rate_limit_per_second: must be a number >= 0"},
      {"bad retries", [](auto& c) { c["retries"] = {{"max_retry", 3}}; }, "/retries/max_retry: unknown field"},
      {"batch without body", [](auto& c) { c["batch_size"] = 10; }, "/batch_size: batching sends several keys"},
      {"batch with url placeholders",
       [](auto& c) {
         c["method"] = "POST";
         c["body"] = {{"q", "{address}"}};
         c["batch_size"] = 10;
       },
       "/url: with batch_size > 1 the URL is shared"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    nlohmann::json cfg = Geocode();
    c.edit(cfg);
    auto r = ReadLookupConfig(cfg, *ParseSchemaSpec(kInput));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message().rfind(c.error, 0), 0u) << r.status().message();
  }
}

OutcomePtr Found(double v) {
  auto o = std::make_shared<LookupOutcome>();
  o->kind = LookupOutcome::Kind::kFound;
  o->values = {Value::Float64(v)};
  return o;
}

TEST(LookupCacheTest, OneFetchPerKeyAcrossThreadsAndLruEviction) {
  LookupCache cache(2);
  auto first = cache.Acquire("a");
  ASSERT_TRUE(first.fetch);
  // A second asker while "a" is in flight waits for the same outcome instead of fetching.
  std::thread waiter([&] {
    auto t = cache.Acquire("a");
    EXPECT_FALSE(t.fetch);
    EXPECT_EQ(t.future.get()->values[0].double_value(), 1.5);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  cache.Fulfil("a", first, Found(1.5));
  waiter.join();
  EXPECT_FALSE(cache.Acquire("a").fetch);
  auto b = cache.Acquire("b");
  cache.Fulfil("b", b, Found(2));
  (void)cache.Acquire("a");            // a is now the most recently used
  auto c = cache.Acquire("c");         // evicts b
  cache.Fulfil("c", c, Found(3));
  EXPECT_EQ(cache.size(), 2);
  EXPECT_FALSE(cache.Acquire("a").fetch);
  EXPECT_TRUE(cache.Acquire("b").fetch) << "b should have been evicted";
}

TEST(LookupCacheTest, FailuresAfterRetriesAreNotRemembered) {
  LookupCache cache(10);
  auto t = cache.Acquire("k");
  auto failed = std::make_shared<LookupOutcome>();
  failed->kind = LookupOutcome::Kind::kError;
  failed->error = Status::Unavailable("HTTP 503");
  failed->cacheable = false;
  cache.Fulfil("k", t, failed);
  EXPECT_EQ(t.future.get()->error.code(), StatusCode::kUnavailable);  // the waiters still see it
  EXPECT_TRUE(cache.Acquire("k").fetch) << "a later row must try again";
}

// The web editor's form test (web/src/forms/lookup_form.test.tsx) renders the palette entry and
// form from this file, so it must be what the registry serves. UPDATE_GOLDEN=1 rewrites it.
TEST(LookupDescriptorTest, MatchesTheWebFixture) {
  ModuleRegistry registry;
  ASSERT_TRUE(RegisterConnectorModules(registry).ok());
  auto lookup = registry.Find("transform", "lookup");
  ASSERT_TRUE(lookup.ok()) << lookup.status().ToString();
  const std::string path = std::string(LOGIDATA_SOURCE_DIR) + "/test/data/modules/transform.lookup.json";
  const std::string want = (*lookup)->ToJson().dump(2) + "\n";
  if (const char* update = std::getenv("UPDATE_GOLDEN"); update != nullptr && std::string(update) == "1") {
    std::ofstream(path) << want;
  }
  std::ifstream in(path);
  std::stringstream have;
  have << in.rdbuf();
  EXPECT_EQ(have.str(), want) << "refresh with UPDATE_GOLDEN=1";
}

}  // namespace
}  // namespace logidata

// GraphQL answers as extract.graphql reads them: errors described for a person, records found
// through lists, the default place of pageInfo.
#include "connectors/http/graphql_response.h"

#include <gtest/gtest.h>

namespace logidata {
namespace {

using Json = nlohmann::ordered_json;

TEST(GraphqlResponseTest, DescribesMessagePathLocationsAndCode) {
  Json errors = Json::parse(R"([
    {"message": "order 2 cannot be read", "path": ["orders", "edges", 1, "node", "broken"],
     "locations": [{"line": 1, "column": 85}], "extensions": {"code": "ORDER_LOCKED"}},
    {"message": "no path here"},
    "a server that sends strings"])");
  EXPECT_EQ(DescribeGraphqlErrors(errors),
            "3 errors: \"order 2 cannot be read\" at path orders.edges.1.node.broken, line 1 column 85 (ORDER_LOCKED); "
            "\"no path here\"; \"a server that sends strings\"");
}

TEST(GraphqlResponseTest, SpellsOutFiveErrorsAndCountsTheRest) {
  Json errors = Json::array();
  for (int i = 0; i < 8; ++i) errors.push_back({{"message", "e" + std::to_string(i)}});
  EXPECT_EQ(DescribeGraphqlErrors(errors), "8 errors: \"e0\"; \"e1\"; \"e2\"; \"e3\"; \"e4\"; and 3 more");
  EXPECT_EQ(DescribeGraphqlErrors(Json::parse(R"([{"message": "x", "locations": [{"line": 2}]}])")),
            "1 error: \"x\", line 2 column ?");
}

TEST(GraphqlResponseTest, RecordsAreFoundThroughListsSkippingNulls) {
  Json data = Json::parse(R"({"orders": {"edges": [{"node": {"id": 1}}, null, {"node": {"id": 2}}, {"node": null}],
                                         "pageInfo": {"hasNextPage": false}}})");
  auto records = FindGraphqlRecords(data, "orders.edges.node");
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*(*records)[0])["id"], 1);
  EXPECT_EQ((*(*records)[1])["id"], 2);

  auto list = FindGraphqlRecords(Json::parse(R"({"search": [{"a": 1}, {"a": 2}, {"a": 3}]})"), "search");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 3u);
  auto one = FindGraphqlRecords(Json::parse(R"({"viewer": {"login": "x"}})"), "viewer");
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->size(), 1u);
  auto empty = FindGraphqlRecords(Json::parse(R"({"orders": null})"), "orders.edges.node");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(GraphqlResponseTest, PathMistakesNameTheField) {
  Json data = Json::parse(R"({"orders": {"edges": [{"node": {"id": 1}}]}, "count": 3, "names": ["a"]})");
  auto missing = FindGraphqlRecords(data, "orders.items");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kDataError);
  EXPECT_NE(missing.status().message().find("no field 'items' in 'orders'"), std::string::npos) << missing.status().ToString();
  auto scalar = FindGraphqlRecords(data, "count");
  ASSERT_FALSE(scalar.ok());
  EXPECT_NE(scalar.status().message().find("'count' is number"), std::string::npos) << scalar.status().ToString();
  auto strings = FindGraphqlRecords(data, "names");
  EXPECT_FALSE(strings.ok());
  auto through_scalar = FindGraphqlRecords(data, "count.x");
  ASSERT_FALSE(through_scalar.ok());
  EXPECT_NE(through_scalar.status().message().find("not an object"), std::string::npos) << through_scalar.status().ToString();
}

TEST(GraphqlResponseTest, PageInfoSitsBesideEdgesOrNodes) {
  EXPECT_EQ(DefaultPageInfoPath("orders.edges.node"), "orders.pageInfo");
  EXPECT_EQ(DefaultPageInfoPath("shop.orders.nodes"), "shop.orders.pageInfo");
  EXPECT_EQ(DefaultPageInfoPath("search.items"), "search.pageInfo");
  EXPECT_EQ(DefaultPageInfoPath("items"), "pageInfo");
  Json data = Json::parse(R"({"shop": {"orders": {"pageInfo": {"hasNextPage": true}}}})");
  ASSERT_NE(GraphqlObjectAt(data, "shop.orders.pageInfo"), nullptr);
  EXPECT_EQ(GraphqlObjectAt(data, "shop.orders.pageInfo.hasNextPage"), nullptr);  // not an object
  EXPECT_EQ(GraphqlObjectAt(data, "shop.missing"), nullptr);
}

}  // namespace
}  // namespace logidata

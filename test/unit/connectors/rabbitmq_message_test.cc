// The pure parts of the RabbitMQ connector: body options, JSON and CSV body decoding (all or
// nothing per message), inference over a sample, encoding rows into bodies and back, the bounded
// window of seen message ids, and the modules' config errors (named by JSON path).
#include <gtest/gtest.h>

#include "connectors/connector_modules.h"
#include "connectors/rabbitmq/message_body.h"
#include "connectors/rabbitmq/seen_message_ids.h"
#include "module/module_registry.h"
#include "support/test_batches.h"

namespace logidata::testing {
namespace {

SchemaPtr IdName() { return MakeSchema({{"id", DataType::Int64(), true}, {"name", DataType::String(), true}}); }

// Decodes `bodies` one by one into a batch of `schema`; the first error is returned.
Result<BatchPtr> Decode(const BodyOptions& options, const SchemaPtr& schema, const std::vector<std::string>& bodies) {
  MessageDecoder decoder(options, schema);
  std::vector<ColumnBuilder> builders;
  for (const auto& f : schema->fields()) builders.emplace_back(f.type, 4);
  int64_t rows = 0;
  for (const auto& body : bodies) {
    LD_ASSIGN_OR_RETURN(int64_t n, decoder.Append(body, builders));
    rows += n;
  }
  std::vector<ColumnPtr> columns;
  for (auto& b : builders) columns.push_back(b.Finish());
  return Batch::Make(schema, std::move(columns), rows);
}

TEST(RabbitmqBodyOptions, ReadsFormatsAndNamesBadSettings) {
  auto json = ParseBodyOptions({{"record_path", "data.items"}});
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(json->format, BodyFormat::kJson);
  EXPECT_EQ(json->record_path, "data.items");
  auto csv = ParseBodyOptions({{"format", "csv"}, {"csv", {{"delimiter", "tab"}, {"header", false}}}});
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(csv->delimiter, '\t');
  EXPECT_FALSE(csv->header);
  struct Case {
    nlohmann::json config;
    std::string pointer;
  };
  for (const Case& c : {Case{{{"format", "xml"}}, "/format"}, Case{{{"csv", {{"delimiter", ";;"}}}}, "/csv/delimiter"},
                        Case{{{"csv", {{"delimiter", "\""}}}}, "/csv/delimiter"}, Case{{{"csv", 3}}, "/csv"}}) {
    SCOPED_TRACE(c.config.dump());
    auto r = ParseBodyOptions(c.config);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find(c.pointer), std::string::npos) << r.status().ToString();
  }
  EXPECT_EQ(BodyContentType(BodyFormat::kCsv), "text/csv");
}

TEST(RabbitmqBody, DecodesJsonObjectsArraysAndRecordPaths) {
  BodyOptions o;
  auto b = Decode(o, IdName(), {R"({"id": 1, "name": "a", "extra": true})", R"([{"id": 2}, {"id": "3", "name": "c"}])", "[]"});
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(Rows(**b), (std::vector<std::vector<std::string>>{{"1", "a"}, {"2", "NULL"}, {"3", "c"}}));
  o.record_path = "data.items";
  b = Decode(o, IdName(), {R"({"data": {"items": [{"id": 7, "name": "x"}]}})"});
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(Rows(**b), (std::vector<std::vector<std::string>>{{"7", "x"}}));
}

TEST(RabbitmqBody, DecodesCsvByHeaderNameOrPosition) {
  BodyOptions o;
  o.format = BodyFormat::kCsv;
  auto b = Decode(o, IdName(), {"id,name\n1,a\n\n2,\"b, \"\"quoted\"\"\nline\"\n", "name,id\r\nc,3\r\n", "id\n4\n"});
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(Rows(**b), (std::vector<std::vector<std::string>>{
                           {"1", "a"}, {"2", "b, \"quoted\"\nline"}, {"3", "c"}, {"4", "NULL"}}));
  o.header = false;
  o.delimiter = ';';
  b = Decode(o, IdName(), {"5;e\n6;\n"});
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(Rows(**b), (std::vector<std::vector<std::string>>{{"5", "e"}, {"6", "NULL"}}));
}

TEST(RabbitmqBody, ABadBodyAddsNothingAndSaysWhy) {
  struct Case {
    BodyFormat format;
    std::string body;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {BodyFormat::kJson, "{\"id\": 1", "not valid JSON"},
      {BodyFormat::kJson, R"([{"id": 1}, {"id": "x"}])", "int64"},
      {BodyFormat::kJson, "42", ""},
      {BodyFormat::kCsv, "id,name\n1,a\nx,b\n", "CSV record 2, column 'id'"},
      {BodyFormat::kCsv, "id,name\n1,a,extra\n", "3 fields, expected 2"},
      {BodyFormat::kCsv, "id,color\n1,red\n", "header column 'color'"},
      {BodyFormat::kCsv, "id,name\n1,\"open\n", "unterminated quote"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body);
    BodyOptions o;
    o.format = c.format;
    MessageDecoder decoder(o, IdName());
    std::vector<ColumnBuilder> builders;
    builders.emplace_back(DataType::Int64(), 1);
    builders.emplace_back(DataType::String(), 1);
    auto r = decoder.Append(c.body, builders);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find(c.reason), std::string::npos) << r.status().ToString();
    EXPECT_EQ(builders[0].length(), 0) << "a failed body appends no row";
    EXPECT_EQ(builders[1].length(), 0);
  }
}

TEST(RabbitmqBody, InfersColumnsOverTheSample) {
  BodyOptions o;
  auto json = InferBodySchema({R"({"id": 1, "geo": {"lat": 1.5}})", R"([{"id": 2.5, "tag": "x"}])"}, o);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ((*json)->ToString(), MakeSchema({{"id", DataType::Float64(), true}, {"geo.lat", DataType::Float64(), true},
                                             {"tag", DataType::String(), true}})->ToString());
  o.format = BodyFormat::kCsv;
  auto csv = InferBodySchema({"id,day\n1,2024-01-01\n", "flag,id\ntrue,2\n"}, o);
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ((*csv)->ToString(), MakeSchema({{"id", DataType::Int64(), true}, {"day", DataType::Date(), true},
                                            {"flag", DataType::Bool(), true}})->ToString());
  EXPECT_EQ((*InferBodySchema({}, o))->num_fields(), 0);
  auto bad = InferBodySchema({"id\n1\n", "id\n\"x\n"}, o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("message 2 of the sample"), std::string::npos) << bad.status().ToString();
}

TEST(RabbitmqBody, EncodedRowsDecodeToTheSameValues) {
  auto batch = MakeBatch("a:bool, b:int64, c:float64, d:decimal(38,10), e:string, f:date, g:timestamp(UTC)",
                         {{"true", "-9223372036854775808", "0.1", "12345678901234567890.0123456789", "q\"uote,\nnl", "2024-02-29",
                           "2024-05-01 12:30:00.5"},
                          {"NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"}});
  std::vector<int> all = {0, 1, 2, 3, 4, 5, 6};
  for (BodyFormat format : {BodyFormat::kJson, BodyFormat::kCsv}) {
    SCOPED_TRACE(format == BodyFormat::kJson ? "json" : "csv");
    BodyOptions o;
    o.format = format;
    MessageEncoder encoder(o, batch->schema(), all);
    std::vector<std::string> bodies(2);
    encoder.Encode(*batch, 0, &bodies[0]);
    encoder.Encode(*batch, 1, &bodies[1]);
    if (format == BodyFormat::kJson) {
      EXPECT_NE(bodies[0].find(R"("d":"12345678901234567890.0123456789")"), std::string::npos) << bodies[0];
      EXPECT_EQ(bodies[1], R"({"a":null,"b":null,"c":null,"d":null,"e":null,"f":null,"g":null})");
    } else {
      EXPECT_EQ(bodies[1].substr(0, bodies[1].find('\n')), "a,b,c,d,e,f,g");
    }
    auto back = Decode(o, batch->schema(), bodies);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(Rows(**back), Rows(*batch));
  }
}

TEST(SeenMessageIds, KeepsTheMostRecentIdsAndRoundTrips) {
  SeenMessageIds ids(3);
  EXPECT_TRUE(ids.Add("a"));
  EXPECT_FALSE(ids.Add("a"));
  EXPECT_TRUE(ids.Add("b"));
  EXPECT_TRUE(ids.Add("c"));
  EXPECT_TRUE(ids.Add("d"));  // "a" falls out of the window
  EXPECT_FALSE(ids.Contains("a"));
  EXPECT_EQ(ids.Serialize(), R"(["b","c","d"])");
  SeenMessageIds again(3);
  ASSERT_TRUE(again.Load(ids.Serialize()).ok());
  EXPECT_TRUE(again.Contains("b") && again.Contains("d"));
  EXPECT_EQ(again.size(), 3);
  SeenMessageIds smaller(2);
  ASSERT_TRUE(smaller.Load(ids.Serialize()).ok());
  EXPECT_EQ(smaller.Serialize(), R"(["c","d"])");
  EXPECT_FALSE(again.Load("{}").ok());
  EXPECT_FALSE(again.Load("[1]").ok());
}

TEST(RabbitmqModules, ConfigErrorsNameTheSetting) {
  ModuleRegistry registry;
  ASSERT_TRUE(RegisterConnectorModules(registry).ok());
  struct Case {
    std::string module;
    nlohmann::json config;
    std::string pointer;
  };
  const std::vector<Case> cases = {
      {"extract", {{"queue", "q"}}, "/connection"},
      {"extract", {{"connection", "c"}}, "/queue"},
      {"extract", {{"connection", "c"}, {"queue", "q"}, {"metadata_columns", {"routing_key", "size"}}}, "/metadata_columns/1"},
      {"extract", {{"connection", "c"}, {"queue", "q"}, {"prefetch", 0}}, "/prefetch"},
      {"extract", {{"connection", "c"}, {"queue", "q"}, {"bad_messages", "ignore"}}, "/bad_messages"},
      {"extract", {{"connection", "c"}, {"queue", "q"}, {"columns", {{"x", "integer128"}}}}, "/columns/x"},
      {"extract", {{"connection", "c"}, {"queue", "q"}, {"columns", {{"_message_id", "string"}}}, {"metadata_columns", {"message_id"}}},
       "/metadata_columns"},
      {"load", {{"connection", "c"}}, "/routing_key"},
      {"load", {{"connection", "c"}, {"routing_key", "q"}, {"message_id_column", "nope"}}, "/message_id_column"},
      {"load", {{"connection", "c"}, {"routing_key", "q"}, {"confirm_batch", 0}}, "/confirm_batch"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.module + " " + c.config.dump());
    auto desc = registry.Find(c.module, "rabbitmq");
    ASSERT_TRUE(desc.ok());
    BindContext ctx;
    ctx.config = &c.config;
    ctx.can_touch_data = false;
    if (c.module == "load") ctx.input_schemas = {IdName()};
    auto op = (*desc)->factory(ctx);
    ASSERT_FALSE(op.ok());
    EXPECT_NE(op.status().message().find(c.pointer), std::string::npos) << op.status().ToString();
  }
}

}  // namespace
}  // namespace logidata::testing

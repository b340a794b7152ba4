// Suggestions on a messy data set of our own making — padded and mixed-case names, emails with
// spaces and capitals, phones in three layouts, dates in two layouts, numbers as text, text read
// in the wrong encoding, duplicate keys, NULLs — where each kind must fire on the columns built
// for it and on no other. Every suggested node must pass the validator once inserted, and the
// cleaned rows it produces are checked too. A clean table gets the data-quality rules only.
#include "pipeline/node_suggestions.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "module/builtin_modules.h"
#include "pipeline/node_profile.h"
#include "profile/table_profiler.h"
#include "profile/text_shape.h"
#include "support/test_batches.h"
#include "types/column_builder.h"

namespace logidata {
namespace {

// UTF-8 text read back as Latin-1 and written out as UTF-8 again: "Zürich" → "ZÃ¼rich".
std::string Garble(const std::string& text) {
  std::string out;
  for (char ch : text) {
    const auto b = static_cast<unsigned char>(ch);
    if (b < 0x80) {
      out.push_back(ch);
    } else {
      out.push_back(static_cast<char>(0xC0 | (b >> 6)));
      out.push_back(static_cast<char>(0x80 | (b & 0x3F)));
    }
  }
  return out;
}

std::string Pad2(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }

// Row i of the messy file; every answer below follows from it.
struct Messy {
  static constexpr int kRows = 400;
  static inline const std::vector<std::string> kFirst = {"Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Ken", "Linus"};
  static inline const std::vector<std::string> kLast = {"Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov",
                                                        "Knuth",    "Thompson", "Torvalds", "Ritchie", "Kay"};
  static inline const std::vector<std::string> kCities = {"Zürich", "München", "Paris", "Köln"};
  static int CustomerId(int i) { return i < 390 ? i : i - 390; }  // 10 repeated keys
  static std::string CleanName(int i) { return kFirst[i % 8] + " " + kLast[i % 10]; }
  static std::string Name(int i) {
    std::string n = CleanName(i);
    if (i % 10 == 0) {
      for (char& c : n) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return i % 25 == 0 ? " " + n + " " : n;
  }
  static std::string CleanEmail(int i) { return "user" + std::to_string(i) + "@example.com"; }
  static std::string Email(int i) {
    std::string e = CleanEmail(i);
    if (i % 7 == 0) {
      for (char& c : e) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return i % 9 == 0 ? "  " + e : e;
  }
  static std::string Phone(int i) {
    const std::string line = std::to_string(1000 + i);
    return i % 3 == 0 ? "(212) 555-" + line : i % 3 == 1 ? "212.555." + line : "+1 212 555 " + line;
  }
  static std::string E164(int i) { return "+1212555" + std::to_string(1000 + i); }
  // Day-first dates (days 13–28, so the layout is certain) and ISO dates.
  static int Day(int i) { return 13 + i % 16; }
  static int Month(int i) { return 1 + i % 12; }
  static std::string Signup(int i) {
    return i % 10 < 7 ? Pad2(Day(i)) + "/" + Pad2(Month(i)) + "/2024" : "2024-" + Pad2(Month(i)) + "-" + Pad2(Day(i));
  }
  static std::string City(int i) { return i % 5 == 0 ? Garble(kCities[i % 4]) : kCities[i % 4]; }
  static bool QtyNull(int i) { return i % 20 == 0; }
  static int Qty(int i) { return 1 + i % 9; }
  static bool ScoreNull(int i) { return i == 7; }
};

class SuggestionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir("ld-suggest");
    std::ofstream out(dir_ + "/messy.csv");
    out << "customer_id,name,email,phone,signup,amount,city,qty,score,note\n";
    for (int i = 0; i < Messy::kRows; ++i) {
      out << Messy::CustomerId(i) << ",\"" << Messy::Name(i) << "\",\"" << Messy::Email(i) << "\"," << Messy::Phone(i)
          << "," << Messy::Signup(i) << "," << i << ".50," << Messy::City(i) << ","
          << (Messy::QtyNull(i) ? "" : std::to_string(Messy::Qty(i))) << "," << (Messy::ScoreNull(i) ? "" : std::to_string(i % 97))
          << ",order " << i << " shipped on time\n";
    }
  }

  PipelineSpec Spec() const {
    auto spec = ParsePipelineText(R"({"id": "p", "name": "p", "nodes": [
        {"id": "src", "type": "extract", "module": "csv", "config": {"path": "messy.csv", "columns": {"amount": "string"}}},
        {"id": "out", "type": "load", "module": "csv", "config": {"path": "never.csv"}}],
      "edges": [{"source": "src", "target": "out"}]})",
                                  "p.json");
    EXPECT_TRUE(spec.ok()) << spec.status().ToString();
    return *spec;
  }

  RunOptions Run() const {
    RunOptions run;
    run.base_dir = dir_;
    run.threads = 2;
    return run;
  }

  std::vector<CheckedSuggestion> Suggestions() {
    NodeProfileOptions options;
    options.node_id = "src";
    auto profile = ProfileNode(Spec(), BuiltinModules(), options, Run());
    EXPECT_TRUE(profile.ok()) << profile.status().ToString();
    if (!profile.ok()) return {};
    ValidateOptions validate;
    validate.base_dir = dir_;
    validate.can_touch_data = false;  // as the editor validates
    return SuggestForNode(Spec(), BuiltinModules(), profile->profiled_node, profile->statistics, validate);
  }

  // The rows the suggested node emits, as text per column (NULL as "∅").
  struct Rows {
    SchemaPtr schema;
    std::map<std::string, std::vector<std::string>> columns;
    int64_t count = 0;
  };
  Rows Apply(const CheckedSuggestion& s) {
    NodeSpec node;
    node.id = s.node_id;
    node.type = "transform";
    node.module = s.suggestion.module;
    node.config = s.suggestion.config;
    PipelineSpec spec = InsertNodeAfter(Spec(), "src", node);
    PreviewOptions preview;
    preview.node_id = s.node_id;
    preview.limit = 10000;
    auto result = PreviewNode(spec, BuiltinModules(), preview, Run());
    EXPECT_TRUE(result.ok()) << s.suggestion.title << ": " << result.status().ToString();
    Rows rows;
    if (!result.ok()) return rows;
    rows.schema = result->schema;
    for (const BatchPtr& b : result->rows) {
      for (int c = 0; c < b->num_columns(); ++c) {
        auto& values = rows.columns[result->schema->field(c).name];
        for (int64_t r = 0; r < b->num_rows(); ++r) {
          values.push_back(b->column(c)->IsNull(r) ? "∅" : b->column(c)->GetValue(r).ToString());
        }
      }
      rows.count += b->num_rows();
    }
    return rows;
  }

  std::string dir_;
};

std::string Trimmed(std::string s) {
  while (!s.empty() && s.front() == ' ') s.erase(0, 1);
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

TEST_F(SuggestionsTest, EachKindFiresOnTheColumnsMadeForItAndNoOther) {
  const std::vector<CheckedSuggestion> suggestions = Suggestions();
  std::set<std::pair<std::string, std::string>> fired;  // kind, first column
  for (const CheckedSuggestion& s : suggestions) {
    SCOPED_TRACE(s.suggestion.title);
    EXPECT_TRUE(s.issues.empty()) << s.issues[0].ToString() << "\n" << s.suggestion.config.dump();
    EXPECT_FALSE(s.suggestion.reason.empty());
    if (s.suggestion.kind != "quality_rules") fired.insert({s.suggestion.kind, s.suggestion.columns[0]});
  }
  const std::set<std::pair<std::string, std::string>> expected = {
      {"dedupe", "customer_id"}, {"trim", "name"},       {"case", "name"},       {"split", "name"},
      {"email", "email"},        {"mask", "email"},      {"phone", "phone"},     {"mask", "phone"},
      {"cast", "signup"},        {"cast", "amount"},     {"mojibake", "city"},   {"fill_nulls", "qty"},
      {"drop_nulls", "score"}};
  EXPECT_EQ(fired, expected);
  // Ranked: scores never increase down the list; one quality-rules suggestion.
  for (size_t i = 1; i < suggestions.size(); ++i) {
    EXPECT_GE(suggestions[i - 1].suggestion.score, suggestions[i].suggestion.score);
  }
  EXPECT_EQ(std::count_if(suggestions.begin(), suggestions.end(),
                          [](const auto& s) { return s.suggestion.kind == "quality_rules"; }),
            1);
}

TEST_F(SuggestionsTest, EachSuggestedNodeCleansTheRows) {
  const std::vector<CheckedSuggestion> suggestions = Suggestions();
  ASSERT_FALSE(suggestions.empty());
  for (const CheckedSuggestion& s : suggestions) {
    SCOPED_TRACE(s.suggestion.title + " " + s.suggestion.config.dump());
    const std::string& kind = s.suggestion.kind;
    const std::string& column = s.suggestion.columns[0];
    Rows rows = Apply(s);
    ASSERT_TRUE(rows.schema != nullptr);
    const auto& values = rows.columns[column];
    if (kind == "dedupe") {
      EXPECT_EQ(rows.count, 390);
      continue;
    }
    if (kind == "drop_nulls") {
      EXPECT_EQ(rows.count, Messy::kRows - 1);
      continue;
    }
    ASSERT_EQ(rows.count, Messy::kRows);
    for (int i = 0; i < Messy::kRows; ++i) {
      const std::string& v = values[static_cast<size_t>(i)];
      if (kind == "trim") {
        EXPECT_EQ(v, Trimmed(Messy::Name(i)));
      } else if (kind == "case") {
        EXPECT_EQ(Trimmed(v), Messy::CleanName(i)) << i;
      } else if (kind == "split") {
        EXPECT_EQ(rows.columns["name_1"][static_cast<size_t>(i)] + " " + rows.columns["name_2"][static_cast<size_t>(i)],
                  Trimmed(Messy::Name(i)));
      } else if (kind == "email") {
        EXPECT_EQ(v, Messy::CleanEmail(i));
        EXPECT_EQ(rows.columns["email_valid"][static_cast<size_t>(i)], "true");
      } else if (kind == "phone") {
        EXPECT_EQ(v, Messy::E164(i));
      } else if (kind == "cast" && column == "signup") {
        EXPECT_EQ(v, "2024-" + Pad2(Messy::Month(i)) + "-" + Pad2(Messy::Day(i)));
      } else if (kind == "cast" && column == "amount") {
        EXPECT_EQ(std::stod(v), i + 0.5);
      } else if (kind == "mojibake") {
        EXPECT_EQ(v, Messy::kCities[static_cast<size_t>(i % 4)]);
      } else if (kind == "fill_nulls") {
        EXPECT_EQ(v, Messy::QtyNull(i) ? "5" : std::to_string(Messy::Qty(i)));  // 5: the median of 1..9
      } else if (kind == "mask" && column == "email") {
        EXPECT_EQ(v.substr(0, 2), Messy::Email(i).substr(0, 2));
        EXPECT_NE(v.find('*'), std::string::npos);
        EXPECT_EQ(v.find('@'), std::string::npos);
      } else if (kind == "mask" && column == "phone") {
        EXPECT_EQ(v.substr(v.size() - 4), std::to_string(1000 + i));
        EXPECT_NE(v.find('*'), std::string::npos);
      }
    }
    if (kind == "cast") {
      const int c = rows.schema->FieldIndex(column);
      ASSERT_GE(c, 0);
      EXPECT_EQ(rows.schema->field(c).type.ToString(), column == "signup" ? "date" : "float64");
    }
  }
}

// A wide table: each check binds the pipeline, so only the best kMaxCheckedSuggestions come back.
TEST(SuggestForNode, AWideTableGetsTheBestFortyChecked) {
  const std::string dir = testing::TempDir("ld-suggest-wide");
  std::ofstream out(dir + "/wide.csv");
  for (int c = 0; c < 60; ++c) out << (c ? "," : "") << "c" << c;
  out << "\n";
  for (int r = 0; r < 50; ++r) {
    for (int c = 0; c < 60; ++c) out << (c ? "," : "") << "\"" << (r % 5 == 0 ? " v" : "v") << r << "x\"";
    out << "\n";
  }
  out.close();
  auto spec = ParsePipelineText(R"({"id": "w", "name": "w", "nodes": [
      {"id": "src", "type": "extract", "module": "csv", "config": {"path": "wide.csv"}}], "edges": []})",
                                "w.json");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  RunOptions run;
  run.base_dir = dir;
  NodeProfileOptions options;
  options.node_id = "src";
  auto profile = ProfileNode(*spec, BuiltinModules(), options, run);
  ASSERT_TRUE(profile.ok()) << profile.status().ToString();
  EXPECT_GE(profile::Suggest(profile->statistics).size(), 61u);  // a trim per column and the rules
  ValidateOptions validate;
  validate.base_dir = dir;
  auto checked = SuggestForNode(*spec, BuiltinModules(), "src", profile->statistics, validate);
  ASSERT_EQ(checked.size(), kMaxCheckedSuggestions);
  for (const CheckedSuggestion& s : checked) {
    EXPECT_EQ(s.suggestion.kind, "trim");
    EXPECT_TRUE(s.issues.empty()) << s.issues[0].ToString();
  }
}

// A tidy table: only the data-quality rules are proposed, and they hold.
TEST(SuggestFromProfile, CleanDataGetsOnlyQualityRules) {
  auto schema = std::make_shared<Schema>(std::vector<Field>{{"order_id", DataType::Int64()},
                                                            {"city", DataType::String()},
                                                            {"amount", DataType::Float64()},
                                                            {"note", DataType::String()}});
  ColumnBuilder id(DataType::Int64()), city(DataType::String()), amount(DataType::Float64()), note(DataType::String());
  const std::vector<std::string> cities = {"Zürich", "São Paulo", "Paris", "Köln"};
  for (int i = 0; i < 1000; ++i) {
    id.AppendValue(Value::Int64(i + 1));
    city.AppendValue(Value::String(cities[static_cast<size_t>(i % 4)]));
    amount.AppendValue(Value::Float64(i * 0.25));
    note.AppendValue(Value::String("order " + std::to_string(i) + " shipped on time"));
  }
  profile::TableProfiler profiler(*schema);
  profiler.Add(*Batch::Make(schema, {id.Finish(), city.Finish(), amount.Finish(), note.Finish()}, 1000));
  const auto suggestions = profile::Suggest(profiler.Finish());
  ASSERT_EQ(suggestions.size(), 1u) << suggestions[1].title;
  const auto& rules = suggestions[0].config["rules"];
  EXPECT_EQ(suggestions[0].kind, "quality_rules");
  EXPECT_EQ(suggestions[0].module, "validate");
  std::multiset<std::string> got;
  for (const auto& r : rules) got.insert(r["type"].get<std::string>() + " " + (r.contains("column") ? r["column"].get<std::string>() : r["columns"][0].get<std::string>()));
  EXPECT_EQ(got, (std::multiset<std::string>{"not_null order_id", "not_null city", "not_null amount", "not_null note",
                                              "unique_key order_id", "range order_id", "range amount", "in_set city"}));
  for (const auto& r : rules) {
    if (r["type"] == "range" && r["column"] == "order_id") {
      EXPECT_EQ(r["min"], 1);
      EXPECT_EQ(r["max"], 1000);
    }
  }
}

TEST(TextShape, LetterCaseDelimitersAndMojibake) {
  struct Case {
    std::string value;
    profile::LetterCase letter_case;
  };
  for (const Case& c : std::vector<Case>{{"ada lovelace", profile::LetterCase::kLower},
                                         {"ADA", profile::LetterCase::kUpper},
                                         {"Ada Lovelace-Byron", profile::LetterCase::kTitle},
                                         {"McDonald", profile::LetterCase::kMixed},
                                         {"12-34", profile::LetterCase::kNone}}) {
    SCOPED_TRACE(c.value);
    EXPECT_EQ(profile::LetterCaseOf(c.value), c.letter_case);
  }
  EXPECT_EQ(profile::DelimiterCounts("a,b;c,d")[2], 2);  // ','
  std::vector<profile::MojibakeFix> fixes;
  EXPECT_FALSE(profile::FindMojibake("Zürich, São Paulo, naïve “quoted”", &fixes, 16));
  EXPECT_TRUE(fixes.empty());
  EXPECT_TRUE(profile::FindMojibake(Garble("Zürich café"), &fixes, 16));
  EXPECT_EQ(fixes, (std::vector<profile::MojibakeFix>{{"Ã¼", "ü"}, {"Ã©", "é"}}));
  // Windows-1252: ’ (E2 80 99) read as "â€™".
  fixes.clear();
  EXPECT_TRUE(profile::FindMojibake("it\xC3\xA2\xE2\x82\xAC\xE2\x84\xA2s", &fixes, 16));
  ASSERT_EQ(fixes.size(), 1u);
  EXPECT_EQ(fixes[0].second, "’");
}

}  // namespace
}  // namespace logidata

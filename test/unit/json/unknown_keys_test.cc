// Fields that first appear after the inference sample are reported in the run log — named, with
// where each was first seen and in how many records — not dropped silently, by the streaming
// NDJSON reader (several threads, many chunks) and by the document reader (arrays).
#include <mutex>

#include "format_test_util.h"
#include "formats/json/ndjson_extract_operator.h"
#include "formats/json/unknown_keys.h"

namespace logidata::testing {
namespace {

class LogLines final : public RunLogger {
 public:
  void Log(LogLevel level, const std::string&, const std::string& message) override {
    std::lock_guard<std::mutex> lock(mu_);
    lines.push_back({level, message});
  }
  std::vector<std::pair<LogLevel, std::string>> lines;

 private:
  std::mutex mu_;
};

// Record i (0-based): {"id": i, "name": …}; "coupon" from record 3000 on every 500th,
// "gift": {"note"} once at record 1234; none of them in the first 100 records.
std::string Records(int n, bool array) {
  std::string text = array ? "[\n" : "";
  for (int i = 0; i < n; ++i) {
    std::string r = "{\"id\":" + std::to_string(i) + ",\"name\":\"n" + std::to_string(i) + "\"";
    if (i >= 3000 && i % 500 == 0) r += ",\"coupon\":\"C" + std::to_string(i) + "\"";
    if (i == 1234) r += ",\"gift\":{\"note\":\"hi\"}";
    r += "}";
    text += r + (array && i + 1 < n ? ",\n" : "\n");
  }
  return array ? text + "]\n" : text;
}

struct Case {
  std::string name;
  bool array;
  int threads;
  int64_t chunk_bytes;  // NDJSON only: small chunks make many parallel decodes
};

std::vector<std::pair<LogLevel, std::string>> Extract(const Case& c, const std::string& path, int64_t* rows) {
  LogLines log;
  HarnessOptions options;
  options.threads = c.threads;
  options.logger = &log;
  std::unique_ptr<Operator> op;
  if (c.array) {
    auto bound = BindModule(FormatRegistry(), "extract.json", {{"path", path}, {"infer_rows", 100}}, {});
    EXPECT_TRUE(bound.ok()) << bound.status().ToString();
    if (!bound.ok()) return {};
    op = std::move(*bound);
  } else {
    op = std::make_unique<NdjsonExtractOperator>(path, ParseSchemaSpec("id:int64, name:string"), c.chunk_bytes, 100);
  }
  auto out = RunOperator(*op, {}, options);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  *rows = 0;
  if (out.ok()) {
    for (const BatchPtr& b : (*out)[0]) *rows += b->num_rows();
  }
  return log.lines;
}

TEST(UnknownKeys, FieldsAfterTheInferenceSampleAreReportedOnce) {
  const int n = 6000;
  for (const Case& c : std::vector<Case>{{"ndjson, one thread", false, 1, 1 << 20},
                                         {"ndjson, 2 threads, 4 KB chunks", false, 2, 4096},
                                         {"ndjson, 4 threads, 1 KB chunks", false, 4, 1024},
                                         {"array", true, 1, 0}}) {
    SCOPED_TRACE(c.name);
    const std::string path = WriteFile(TempDir("unknown-keys"), c.array ? "in.json" : "in.ndjson", Records(n, c.array));
    int64_t rows = 0;
    auto lines = Extract(c, path, &rows);
    EXPECT_EQ(rows, n);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].first, LogLevel::kWarn);
    const std::string& m = lines[0].second;
    // NDJSON record i is on line i + 1; the document reader names array records by number.
    auto at = [&](int i) { return path + (c.array ? " record " : ":") + std::to_string(i + 1); };
    EXPECT_NE(m.find("2 fields not in the schema inferred from the first 100 records were not read"), std::string::npos) << m;
    EXPECT_NE(m.find("'gift.note' (first at " + at(1234) + ", in 1 record)"),
              std::string::npos)
        << m;
    // Records 3000, 3500, … 5500: six.
    EXPECT_NE(m.find("'coupon' (first at " + at(3000) + ", in 6 records)"),
              std::string::npos)
        << m;
    EXPECT_NE(m.find("raise `infer_rows`"), std::string::npos) << m;
  }
}

TEST(UnknownKeys, NothingIsLoggedWhenEveryFieldIsAColumn) {
  // The first 1000 records hold no field beyond id and name.
  const std::string path = WriteFile(TempDir("unknown-keys"), "in.ndjson", Records(1000, false));
  int64_t rows = 0;
  auto lines = Extract({"ndjson", false, 2, 2048}, path, &rows);
  EXPECT_EQ(rows, 1000);
  EXPECT_TRUE(lines.empty()) << lines[0].second;
}

TEST(UnknownKeys, KeepsTwentyNamesAndCountsTheRest) {
  UnknownKeys keys;
  int located = 0;
  for (int i = 0; i < 25; ++i) {
    for (int k = 0; k < 2; ++k) keys.Add("k" + std::to_string(i), static_cast<uint64_t>(i), [&] { return "f:" + std::to_string(++located); });
  }
  EXPECT_EQ(located, 20);  // located once per kept name
  UnknownKeys earlier;
  earlier.Add("k3", 0, [] { return std::string("g:1"); });
  keys.Merge(earlier);
  const std::string m = keys.Message(0);
  EXPECT_NE(m.find("20 fields not in the schema inferred from the sampled records were not read"), std::string::npos) << m;
  EXPECT_NE(m.find("'k3' (first at g:1, in 3 records)"), std::string::npos) << m;
  EXPECT_NE(m.find("and more names in 10 records"), std::string::npos) << m;
}

}  // namespace
}  // namespace logidata::testing

#include "stress_tables.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <random>
#include <stdexcept>
#include <vector>

namespace logidata::testing {

namespace {

class Rng {
 public:
  explicit Rng(uint64_t seed) : gen_(seed) {}
  uint64_t Below(uint64_t n) { return gen_() % n; }
  bool Chance(int percent) { return Below(100) < static_cast<uint64_t>(percent); }

 private:
  std::mt19937_64 gen_;
};

// Characters strings are made of: CSV specials, a space, and multi-byte UTF-8 (byte order and
// code point order agree, so both engines sort them the same).
const std::vector<std::string>& Alphabet() {
  static const std::vector<std::string> kChars = [] {
    std::vector<std::string> c;
    for (char ch = 'a'; ch <= 'z'; ++ch) c.emplace_back(1, ch);
    for (char ch = 'A'; ch <= 'F'; ++ch) c.emplace_back(1, ch);
    for (char ch = '0'; ch <= '9'; ++ch) c.emplace_back(1, ch);
    for (const char* s : {",", "\"", " ", "-", "é", "ü", "日", "ß"}) c.emplace_back(s);
    return c;
  }();
  return kChars;
}

std::string RandomString(Rng& rng, size_t length) {
  const auto& chars = Alphabet();
  std::string s;
  while (s.size() < length) s += chars[rng.Below(chars.size())];
  // No leading or trailing blanks: readers differ on trimming, and that is not what we test.
  if (s.front() == ' ') s.front() = 'x';
  if (s.back() == ' ') s.back() = 'y';
  return s;
}

std::string CsvField(const std::string& value) {
  if (value.find_first_of(",\"\n\r") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

std::string Date(int64_t days_since_2000) {
  // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm); 2000-01-01 is day 10957.
  int64_t z = days_since_2000 + 10957 + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld", static_cast<long long>(y), static_cast<long long>(m),
                static_cast<long long>(d));
  return buf;
}

std::string Quarter(int64_t quarters) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(quarters) / 4.0);
  return buf;
}

}  // namespace

const char* FactsColumnsJson() {
  return R"({"id": "int64", "k": "int64", "g": "string", "s": "string", "v": "float64", "d": "date", "b": "bool", "n": "int32"})";
}

const char* DimsColumnsJson() { return R"({"k": "int64", "label": "string", "w": "float64"})"; }

void WriteStressTables(const std::string& dir, const StressTableSizes& sizes) {
  Rng rng(sizes.seed);
  const int64_t keys = std::max<int64_t>(16, sizes.facts_rows / 4);
  std::vector<std::string> pool;  // repeated strings: equal sort keys, duplicate dedupe keys
  for (int i = 0; i < 60; ++i) pool.push_back(RandomString(rng, 1 + rng.Below(12)));

  std::ofstream facts(dir + "/facts.csv", std::ios::binary);
  if (!facts) throw std::runtime_error("cannot write " + dir + "/facts.csv");
  facts << "id,k,g,s,v,d,b,n\n";
  for (int64_t id = 0; id < sizes.facts_rows; ++id) {
    std::string line = std::to_string(id) + ",";
    // k: 3% null, 40% the hot key 0, 20% keys 1..10, the rest spread over all keys.
    if (!rng.Chance(3)) {
      const uint64_t r = rng.Below(100);
      int64_t k = r < 40 ? 0 : r < 60 ? 1 + static_cast<int64_t>(rng.Below(10)) : static_cast<int64_t>(rng.Below(static_cast<uint64_t>(keys)));
      line += std::to_string(k);
    }
    line += ",";
    // g: 5% null, 40 groups, skewed towards the low ones.
    if (!rng.Chance(5)) {
      const uint64_t a = rng.Below(40), b = rng.Below(40);
      line += "g" + std::to_string(a * b / 40);
    }
    line += ",";
    // s: 8% null; 30% from a small pool; mostly short, some long, a few very long.
    if (!rng.Chance(8)) {
      std::string s;
      if (rng.Chance(30)) {
        s = pool[rng.Below(pool.size())];
      } else {
        const uint64_t r = rng.Below(100);
        const size_t len = r < 90 ? 1 + rng.Below(40) : r < 99 ? 100 + rng.Below(300) : 1000 + rng.Below(3000);
        s = RandomString(rng, len);
      }
      line += CsvField(s);
    }
    line += ",";
    // v: 5% null, 10% from three common values, else a quarter in [-50000, 50000].
    if (!rng.Chance(5)) {
      static const int64_t kCommon[] = {0, 6, -9};
      int64_t q = rng.Chance(10) ? kCommon[rng.Below(3)] : static_cast<int64_t>(rng.Below(400001)) - 200000;
      line += Quarter(q);
    }
    line += ",";
    if (!rng.Chance(5)) line += Date(static_cast<int64_t>(rng.Below(9000)));
    line += ",";
    if (!rng.Chance(10)) line += rng.Chance(50) ? "true" : "false";
    line += ",";
    if (!rng.Chance(5)) line += std::to_string(static_cast<int64_t>(rng.Below(1000)) - 500);
    line += "\n";
    facts << line;
  }

  std::ofstream dims(dir + "/dims.csv", std::ios::binary);
  if (!dims) throw std::runtime_error("cannot write " + dir + "/dims.csv");
  dims << "k,label,w\n";
  auto dim_row = [&](const std::string& k) {
    std::string line = k + ",";
    if (!rng.Chance(5)) line += "g" + std::to_string(rng.Below(60));  // overlaps facts.g (g0..g39)
    line += ",";
    if (!rng.Chance(5)) line += Quarter(static_cast<int64_t>(rng.Below(20001)) - 10000);
    dims << line << "\n";
  };
  // Every key of facts and 20% more; 15% of keys missing, 10% twice; a few null keys.
  for (int64_t k = 0; k < keys + keys / 5; ++k) {
    if (rng.Chance(15)) continue;
    dim_row(std::to_string(k));
    if (rng.Chance(10)) dim_row(std::to_string(k));
    if (rng.Chance(1)) dim_row("");
  }
}

}  // namespace logidata::testing

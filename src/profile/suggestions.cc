#include "profile/suggestions.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <set>

#include "profile/text_shape.h"
#include "transforms/config_fields.h"

namespace logidata::profile {

namespace {

// Weights of the kinds: how much a typical instance matters. A suggestion's score is its kind's
// weight, raised by the share of values it changes.
double Weight(const std::string& kind) {
  if (kind == "mojibake") return 0.95;
  if (kind == "trim") return 0.9;
  if (kind == "email") return 0.85;
  if (kind == "cast" || kind == "phone") return 0.8;
  if (kind == "dedupe") return 0.75;
  if (kind == "case" || kind == "mask") return 0.7;
  if (kind == "fill_nulls" || kind == "drop_nulls") return 0.6;
  if (kind == "split") return 0.5;
  return 0.4;
}

double Score(const std::string& kind, double share) { return Weight(kind) * (0.6 + 0.4 * std::clamp(share, 0.0, 1.0)); }

std::string Percent(double share) {
  char buf[32];
  const double p = 100 * share;
  std::snprintf(buf, sizeof buf, p > 0 && p < 1 ? "%.2f %%" : "%.1f %%", p);
  std::string s = buf;
  if (s.size() > 4 && s.compare(s.size() - 4, 4, ".0 %") == 0) s.erase(s.size() - 4, 2);
  return s;
}

std::string Count(int64_t n) { return std::to_string(n); }

// A string literal of the expression language: quotes doubled.
std::string Literal(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  return out + "'";
}

std::string Lower(std::string_view s) {
  std::string out;
  for (char c : s) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

bool IsString(const ColumnStatistics& c) { return c.type.id == TypeId::kString; }
int64_t NonNull(const ColumnStatistics& c) { return c.count - c.nulls; }

double KindRate(const ColumnStatistics& c, std::string_view kind) {
  for (const auto& [name, rate] : c.kind_rates) {
    if (name == kind) return rate;
  }
  return 0;
}

// Does the name say the column identifies rows ("id", "order_id", "customerKey", "sku")?
bool KeyLikeName(const std::string& name) {
  const std::string lower = Lower(name);
  auto ends = [&](std::string_view suffix) {
    return lower.size() >= suffix.size() && lower.compare(lower.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return lower == "id" || lower == "key" || lower == "sku" || lower == "uuid" || ends("_id") || ends("id") ||
         ends("_key") || ends("_uuid") || ends("_no") || ends("_number") || ends("_code");
}

// A regular expression (RE2, anchored) matching the text of a classifier layout: the guard of its
// parse_date / parse_timestamp branch, so values in other layouts never reach the parser.
// Returns "" for layouts the parsing functions do not take (fractions, zones).
std::string LayoutPattern(std::string_view layout) {
  std::string out = "^";
  for (size_t i = 0; i < layout.size(); ++i) {
    const char c = layout[i];
    if (c == '%' && i + 1 < layout.size()) {
      switch (layout[++i]) {
        case 'Y': out += "[0-9]{4}"; break;
        case 'm':
        case 'd': out += "[0-9]{1,2}"; break;
        case 'H':
        case 'M':
        case 'S': out += "[0-9]{2}"; break;
        case 'b': out += "[A-Za-z]{3}"; break;
        default: return "";
      }
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == ' ' || c == ',' || c == '-' || c == '/' || c == ':') {
      out.push_back(c);
    } else {
      out.push_back('\\');
      out.push_back(c);
    }
  }
  return out + "$";
}

class Suggester {
 public:
  explicit Suggester(const TableStatistics& table) : table_(table) {
    for (const ColumnStatistics& c : table.columns) names_.insert(c.name);
  }

  std::vector<Suggestion> Run() {
    for (const ColumnStatistics& c : table_.columns) {
      if (NonNull(c) == 0) continue;
      Mojibake(c);
      Trim(c);
      Email(c);
      Phone(c);
      Cast(c);
      Dedupe(c);
      Case(c);
      Mask(c);
      Nulls(c);
      Split(c);
    }
    QualityRules();
    std::stable_sort(out_.begin(), out_.end(), [](const Suggestion& a, const Suggestion& b) { return a.score > b.score; });
    return std::move(out_);
  }

 private:
  void Add(std::string kind, std::vector<std::string> columns, std::string title, std::string reason, double share,
           std::string module, std::string node_id, nlohmann::json config) {
    Suggestion s;
    s.score = Score(kind, share);
    s.kind = std::move(kind);
    s.columns = std::move(columns);
    s.title = std::move(title);
    s.reason = std::move(reason);
    s.module = std::move(module);
    s.node_id = std::move(node_id);
    s.config = std::move(config);
    out_.push_back(std::move(s));
  }

  static std::string Id(std::string_view prefix, const std::string& column) {
    std::string id(prefix);
    id.push_back('_');
    for (char c : column) id.push_back(std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_');
    return id;
  }

  static nlohmann::json Cleaner(nlohmann::json operation) {
    return {{"operations", nlohmann::json::array({std::move(operation)})}};
  }

  static nlohmann::json Derive(nlohmann::json columns) { return {{"columns", std::move(columns)}}; }

  void Mojibake(const ColumnStatistics& c) {
    if (!IsString(c) || c.mojibake == 0 || c.mojibake_fixes.empty()) return;
    std::string expression = QuoteIdentifier(c.name);
    std::string examples;
    for (const auto& [seen, fixed] : c.mojibake_fixes) {
      expression = "replace(" + expression + ", " + Literal(seen) + ", " + Literal(fixed) + ")";
      if (examples.size() < 60) examples += (examples.empty() ? "" : ", ") + seen + " → " + fixed;
    }
    const double share = static_cast<double>(c.mojibake) / static_cast<double>(std::max<int64_t>(c.classified, 1));
    Add("mojibake", {c.name}, "Repair mis-decoded text in " + c.name,
        Count(c.mojibake) + " of " + Count(c.classified) + " values checked (" + Percent(share) +
            ") hold UTF-8 text read as Windows-1252 or Latin-1 (" + examples +
            "); the repair replaces these sequences. Setting the source's encoding is the lasting fix.",
        share, "derive", Id("fix_text", c.name),
        Derive(nlohmann::json::array({{{"name", c.name}, {"expression", expression}}})));
  }

  void Trim(const ColumnStatistics& c) {
    // Email normalisation trims too.
    if (!IsString(c) || c.padded == 0 || c.semantic_type == "email") return;
    const double share = static_cast<double>(c.padded) / static_cast<double>(NonNull(c));
    Add("trim", {c.name}, "Trim spaces in " + c.name,
        Count(c.padded) + " of " + Count(NonNull(c)) + " values (" + Percent(share) +
            ") have leading or trailing whitespace; they compare, group and join as different values.",
        share, "cleaner", Id("trim", c.name),
        Cleaner({{"op", "trim"}, {"columns", {c.name}}}));
  }

  // The flag column's name is free, or the policy falls back to leaving invalid values as they are.
  std::string InvalidPolicy(const ColumnStatistics& c) const { return names_.count(c.name + "_valid") ? "keep" : "flag"; }

  void Email(const ColumnStatistics& c) {
    const double rate = KindRate(c, "email");
    if (!IsString(c) || rate < 0.5) return;
    const int64_t not_lower = c.case_upper + c.case_title + c.case_mixed;
    const double invalid = 1 - rate;
    if (c.padded == 0 && not_lower == 0 && invalid == 0) return;
    std::string why;
    if (c.padded > 0) why += Count(c.padded) + " padded with spaces";
    if (not_lower > 0) why += (why.empty() ? "" : ", ") + Count(not_lower) + " with capitals";
    if (invalid > 0) why += (why.empty() ? "" : ", ") + Percent(invalid) + " of those checked not valid addresses";
    const std::string policy = InvalidPolicy(c);
    const double share = static_cast<double>(c.padded + not_lower) / static_cast<double>(NonNull(c)) + invalid;
    Add("email", {c.name}, "Normalise the emails in " + c.name,
        Percent(rate) + " of the values are email addresses: " + why + ". Normalising trims and lower-cases them" +
            (policy == "flag" ? " and flags invalid ones in " + c.name + "_valid." : "."),
        share, "cleaner", Id("email", c.name),
        Cleaner({{"op", "email"}, {"columns", {c.name}}, {"invalid", policy}}));
  }

  void Phone(const ColumnStatistics& c) {
    const double rate = KindRate(c, "phone");
    if (!IsString(c) || rate < 0.5 || c.semantic_type == "integer" || c.semantic_type == "decimal") return;
    // Already E.164 when every common pattern is a plus and digits.
    int64_t other = 0, seen = 0;
    for (const ValueCount& p : c.patterns) {
      seen += p.count;
      if (p.value.empty() || p.value[0] != '+' || p.value.find_first_not_of("+9…") != std::string::npos) other += p.count;
    }
    if (other == 0 && c.padded == 0) return;
    const double share = seen == 0 ? 1 : static_cast<double>(other) / static_cast<double>(seen);
    const std::string policy = InvalidPolicy(c);
    Add("phone", {c.name}, "Normalise the phone numbers in " + c.name,
        Percent(rate) + " of the values are phone numbers, written in " + Count(static_cast<int64_t>(c.patterns.size())) +
            " or more layouts (" + (c.patterns.empty() ? "" : c.patterns[0].value) +
            ", …). Normalising writes them as E.164 (+15551234567); numbers without an international prefix get "
            "country_code 1 — set your default.",
        share, "cleaner", Id("phone", c.name),
        Cleaner({{"op", "phone"}, {"columns", {c.name}}, {"country_code", "1"}, {"invalid", policy}}));
  }

  void Cast(const ColumnStatistics& c) {
    if (!IsString(c) || c.semantic_confidence < 0.9) return;
    const std::string col = "trim(" + QuoteIdentifier(c.name) + ")";
    const std::string& t = c.semantic_type;
    std::string expression, target, detail;
    if (t == "integer") {
      expression = "TRY_CAST(" + col + " AS int64)";
      target = "int64";
    } else if (t == "decimal") {
      expression = "TRY_CAST(" + col + " AS double)";
      target = "double";
    } else if (t == "boolean") {
      expression = "TRY_CAST(" + col + " AS bool)";
      target = "bool";
    } else if (t == "date" || t == "timestamp") {
      // Every layout at least 2 % of the values fit, most common first; layouts of the same shape
      // (day-first and month-first) keep the more common one.
      const char* parse = t == "date" ? "parse_date" : "parse_timestamp";
      std::vector<std::string> seen_patterns;
      expression = "CASE";
      for (const auto& [layout, rate] : c.format_rates) {
        const bool is_date = layout.find('H') == std::string::npos;
        if (rate < 0.02 || is_date != (t == "date")) continue;
        const std::string pattern = LayoutPattern(layout);
        if (pattern.empty() ||
            std::find(seen_patterns.begin(), seen_patterns.end(), pattern) != seen_patterns.end()) {
          continue;
        }
        seen_patterns.push_back(pattern);
        expression += " WHEN regexp_matches(" + col + ", " + Literal(pattern) + ") THEN " + parse + "(" + col + ", " +
                      Literal(layout) + ")";
        detail += (detail.empty() ? "" : ", ") + layout + " " + Percent(rate);
      }
      expression += " END";
      target = t;
      if (seen_patterns.empty()) {
        if (t != "timestamp") return;
        // ISO timestamps with fractions or zones: the cast reads them.
        expression = "TRY_CAST(" + col + " AS timestamp)";
        detail.clear();
      }
    } else {
      return;
    }
    Add("cast", {c.name}, "Convert " + c.name + " to " + target,
        Percent(c.semantic_confidence) + " of the values checked are " + (t == "integer" ? "integers" : t + "s") +
            (detail.empty() ? "" : " (" + detail + ")") + " stored as text; as " + target +
            " they sort, compare and load as such. Values that do not convert become NULL.",
        c.semantic_confidence, "derive", Id("cast", c.name),
        Derive(nlohmann::json::array({{{"name", c.name}, {"expression", expression}}})));
  }

  void Dedupe(const ColumnStatistics& c) {
    const int64_t n = NonNull(c);
    if (n < 2 || c.nulls > 0) return;
    if (!KeyLikeName(c.name) && c.semantic_type != "uuid") return;
    const double distinct = static_cast<double>(c.distinct);
    // Not a key when most values repeat; duplicates must be certain beyond the sketch's error.
    if (distinct < 0.8 * static_cast<double>(n)) return;
    if (c.distinct_exact ? c.distinct >= n : distinct >= static_cast<double>(n) * (1 - 3 * c.distinct_relative_error)) return;
    const int64_t duplicates = n - c.distinct;
    const double share = static_cast<double>(duplicates) / static_cast<double>(n);
    Add("dedupe", {c.name}, "Remove duplicate " + c.name,
        c.name + " looks like a key (its name, " + Percent(distinct / static_cast<double>(n)) + " distinct) but " +
            (c.distinct_exact ? "" : "about ") + Count(duplicates) + " of " + Count(n) +
            " rows repeat a value. Dedupe keeps the first row of each " + c.name + ".",
        share, "dedupe", Id("dedupe", c.name), {{"keys", {c.name}}, {"keep", "first"}});
  }

  void Case(const ColumnStatistics& c) {
    if (!IsString(c) || (c.semantic_type != "text" && c.semantic_type != "country_code")) return;
    if (c.has_lengths && c.length_mean > 40) return;  // prose
    const int64_t lettered = c.case_lower + c.case_upper + c.case_title + c.case_mixed;
    if (lettered < 5) return;
    const std::pair<int64_t, const char*> styles[] = {
        {c.case_title, "title"}, {c.case_upper, "upper"}, {c.case_lower, "lower"}};
    const auto* best = std::max_element(std::begin(styles), std::end(styles),
                                        [](const auto& a, const auto& b) { return a.first < b.first; });
    const int64_t off = lettered - best->first;
    if (off == 0 || static_cast<double>(best->first) < 0.6 * static_cast<double>(lettered)) return;
    const std::string mode = best->second;
    const double share = static_cast<double>(off) / static_cast<double>(lettered);
    Add("case", {c.name}, "Write " + c.name + " in " + mode + " case",
        Percent(1 - share) + " of the values checked are in " + mode + " case and " + Count(off) +
            " are not (" + Count(c.case_lower) + " lower, " + Count(c.case_upper) + " upper, " + Count(c.case_title) +
            " title, " + Count(c.case_mixed) + " mixed); the same value in two cases groups apart.",
        share, "cleaner", Id("case", c.name),
        Cleaner({{"op", "case"}, {"columns", {c.name}}, {"mode", mode}}));
  }

  void Mask(const ColumnStatistics& c) {
    if (c.pii_kind.empty() || c.pii_likelihood < 0.5) return;
    nlohmann::json rule = {{"columns", {c.name}}};
    std::string how;
    if (c.pii_kind == "email") {
      rule.update({{"method", "partial"}, {"keep", "first"}, {"count", 2}});
      how = "keeps the first 2 characters";
    } else if (c.pii_kind == "ip") {
      rule.update({{"method", "redact"}});
      how = "redacts it";
    } else {
      rule.update({{"method", "partial"}, {"keep", "last"}, {"count", c.pii_kind == "name_hint" ? 1 : 4}});
      how = c.pii_kind == "name_hint" ? "keeps the last character" : "keeps the last 4 characters";
    }
    Add("mask", {c.name}, "Mask the personal data in " + c.name,
        "Likely personal data (" + c.pii_kind + ", " + Percent(c.pii_likelihood) + "): " + c.pii_reason + ". This " +
            how + "; choose method hash with a secret key connection to keep the column joinable.",
        c.pii_likelihood, "mask", Id("mask", c.name), {{"rules", nlohmann::json::array({rule})}});
  }

  void Nulls(const ColumnStatistics& c) {
    if (c.nulls == 0) return;
    const double rate = static_cast<double>(c.nulls) / static_cast<double>(c.count);
    if (rate > 0.5) return;  // mostly empty: a fill would invent most of the column
    const std::string counted = Count(c.nulls) + " of " + Count(c.count) + " values (" + Percent(rate) + ") are NULL";
    if (rate < 0.01) {
      Add("drop_nulls", {c.name}, "Drop the rows where " + c.name + " is NULL",
          counted + "; so few rows are likely broken records.", rate, "cleaner", Id("drop_nulls", c.name),
          Cleaner({{"op", "drop_nulls"}, {"columns", {c.name}}}));
      return;
    }
    nlohmann::json value;
    std::string what;
    const TypeId id = c.type.id;
    if (id == TypeId::kInt32 || id == TypeId::kInt64 || id == TypeId::kFloat64) {
      for (const QuantileValue& q : c.quantiles) {
        if (q.q != 0.5) continue;
        const double median = std::strtod(q.value.c_str(), nullptr);
        if (!std::isfinite(median)) return;
        value = id == TypeId::kFloat64 ? nlohmann::json(median) : nlohmann::json(std::llround(median));
        what = "the median, " + q.value;
      }
      if (value.is_null()) return;
    } else if (id == TypeId::kString && (c.semantic_type == "text" || c.semantic_type == "country_code")) {
      // A made-up email, phone or date would pass for real data: those are left to the user.
      value = "unknown";
      what = "'unknown'";
    } else {
      return;
    }
    Add("fill_nulls", {c.name}, "Fill the NULLs in " + c.name, counted + "; this fills them with " + what + ".", rate,
        "cleaner", Id("fill_nulls", c.name),
        Cleaner({{"op", "fill_nulls"}, {"values", {{c.name, value}}}}));
  }

  void Split(const ColumnStatistics& c) {
    if (!IsString(c) || c.semantic_type != "text" || c.classified < 5) return;
    if (c.has_lengths && c.length_mean > 60) return;  // prose
    for (size_t d = 0; d < kSplitDelimiters.size() && d < c.delimiter_counts.size(); ++d) {
      const auto [once, twice] = c.delimiter_counts[d];
      const double classified = static_cast<double>(c.classified);
      int parts = 0;
      double share = 0;
      if (static_cast<double>(once) >= 0.95 * classified) {
        parts = 2;
        share = static_cast<double>(once) / classified;
      } else if (static_cast<double>(twice) >= 0.95 * classified) {
        parts = 3;
        share = static_cast<double>(twice) / classified;
      }
      if (parts == 0) continue;
      const std::string delimiter(1, kSplitDelimiters[d]);
      nlohmann::json columns = nlohmann::json::array();
      std::vector<std::string> changed = {c.name};
      for (int i = 1; i <= parts; ++i) {
        std::string name = c.name + "_" + std::to_string(i);
        while (names_.count(name)) name += "_";
        changed.push_back(name);
        columns.push_back({{"name", name},
                           {"expression", "trim(split_part(trim(" + QuoteIdentifier(c.name) + "), " + Literal(delimiter) +
                                              ", " + std::to_string(i) + "))"}});
      }
      const std::string shown = delimiter == " " ? "a space" : "'" + delimiter + "'";
      Add("split", changed, "Split " + c.name + " on " + shown + " into " + std::to_string(parts) + " columns",
          Percent(share) + " of the values checked hold " + shown + " exactly " + (parts == 2 ? "once" : "twice") +
              " (most common pattern " + (c.patterns.empty() ? "" : "'" + c.patterns[0].value + "'") +
              "); the parts become " + c.name + "_1 … " + c.name + "_" + std::to_string(parts) + ".",
          share, "derive", Id("split", c.name), Derive(std::move(columns)));
      return;
    }
  }

  // One validate node with the rules the data already meets: not_null where nothing is NULL,
  // unique_key on likely keys that are unique, in_set on small closed sets, range on numbers and
  // dates as seen. All warn: a rule learnt from a sample should not fail runs until reviewed.
  void QualityRules() {
    nlohmann::json rules = nlohmann::json::array();
    std::vector<std::string> columns;
    std::string why;
    auto note = [&](const std::string& text) { why += (why.empty() ? "" : "; ") + text; };
    std::vector<std::string> not_null, unique, in_set, range;
    for (const ColumnStatistics& c : table_.columns) {
      const int64_t n = NonNull(c);
      if (n == 0 || rules.size() >= 40) continue;
      bool used = false;
      if (c.nulls == 0) {
        rules.push_back({{"type", "not_null"}, {"column", c.name}, {"severity", "warn"}});
        not_null.push_back(c.name);
        used = true;
      }
      if (c.distinct_exact && c.distinct == n && n >= 2 && c.nulls == 0 &&
          (KeyLikeName(c.name) || c.semantic_type == "uuid")) {
        rules.push_back({{"type", "unique_key"}, {"columns", {c.name}}, {"severity", "warn"}});
        unique.push_back(c.name);
        used = true;
      }
      const TypeId id = c.type.id;
      const bool numeric = id == TypeId::kInt32 || id == TypeId::kInt64 || id == TypeId::kFloat64;
      if ((numeric || id == TypeId::kDate) && c.has_range) {
        nlohmann::json rule = {{"type", "range"}, {"column", c.name}, {"severity", "warn"}};
        if (numeric) {
          const double lo = std::strtod(c.min.c_str(), nullptr), hi = std::strtod(c.max.c_str(), nullptr);
          rule["min"] = id == TypeId::kFloat64 ? nlohmann::json(lo) : nlohmann::json(std::llround(lo));
          rule["max"] = id == TypeId::kFloat64 ? nlohmann::json(hi) : nlohmann::json(std::llround(hi));
          if (!std::isfinite(lo) || !std::isfinite(hi)) rule = nullptr;  // infinities are no range
        } else {
          rule["min"] = c.min;
          rule["max"] = c.max;
        }
        if (!rule.is_null()) {
          rules.push_back(std::move(rule));
          range.push_back(c.name + " " + c.min + "–" + c.max);
          used = true;
        }
      }
      // A small closed set, counted exactly, of short codes.
      if (IsString(c) && c.distinct_exact && c.distinct >= 2 && c.distinct <= 10 && c.top_values_max_error == 0 &&
          static_cast<int64_t>(c.top_values.size()) == c.distinct && n >= 10 * c.distinct && c.padded == 0 &&
          c.has_lengths && c.length_max <= 20) {
        nlohmann::json values = nlohmann::json::array();
        for (const ValueCount& v : c.top_values) values.push_back(v.value);
        rules.push_back({{"type", "in_set"}, {"column", c.name}, {"values", values}, {"severity", "warn"}});
        in_set.push_back(c.name);
        used = true;
      }
      if (used) columns.push_back(c.name);
    }
    if (rules.empty()) return;
    auto list = [](const std::vector<std::string>& names) {
      std::string out;
      for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
      return out;
    };
    if (!not_null.empty()) note("no NULLs in " + list(not_null));
    if (!unique.empty()) note("unique keys " + list(unique));
    if (!in_set.empty()) note("small closed sets in " + list(in_set));
    if (!range.empty()) note("ranges seen: " + list(range));
    Add("quality_rules", columns, "Add data-quality rules",
        "The profiled rows meet " + std::to_string(rules.size()) + " rules worth keeping: " + why +
            ". The rules warn (severity warn) until you make them fail runs.",
        1, "validate", "quality_checks", {{"rules", rules}});
  }

  const TableStatistics& table_;
  std::set<std::string> names_;
  std::vector<Suggestion> out_;
};

}  // namespace

std::vector<Suggestion> Suggest(const TableStatistics& table) { return Suggester(table).Run(); }

nlohmann::json SuggestionToJson(const Suggestion& s) {
  return {{"kind", s.kind},
          {"columns", s.columns},
          {"title", s.title},
          {"reason", s.reason},
          {"score", std::round(s.score * 1000) / 1000},
          {"node", {{"id", s.node_id}, {"type", "transform"}, {"module", s.module}, {"config", s.config}}}};
}

}  // namespace logidata::profile

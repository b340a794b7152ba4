#include "profile/profile_json.h"

#include <cmath>

#include "profile/hyper_log_log.h"
#include "profile/kll_sketch.h"
#include "profile/text_shape.h"

namespace logidata::profile {

namespace {

nlohmann::json Counts(const std::vector<ValueCount>& items) {
  nlohmann::json out = nlohmann::json::array();
  for (const ValueCount& v : items) out.push_back({{"value", v.value}, {"count", v.count}});
  return out;
}

double Rate(int64_t part, int64_t whole) { return whole == 0 ? 0 : static_cast<double>(part) / static_cast<double>(whole); }

// NaN and infinities are not JSON.
nlohmann::json Number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

}  // namespace

nlohmann::json ColumnStatisticsToJson(const ColumnStatistics& c) {
  nlohmann::json out = {{"name", c.name},
                        {"type", c.type.ToString()},
                        {"semantic_type", c.semantic_type},
                        {"format", c.format.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.format)},
                        {"semantic_confidence", c.semantic_confidence},
                        {"classified_values", c.classified},
                        {"count", c.count},
                        {"nulls", c.nulls},
                        {"null_rate", Rate(c.nulls, c.count)},
                        {"empty", c.empty},
                        {"empty_rate", Rate(c.empty, c.count)},
                        {"padded", c.padded},
                        {"distinct", c.distinct},
                        {"distinct_exact", c.distinct_exact},
                        {"distinct_relative_error", c.distinct_relative_error},
                        {"min", c.has_range ? nlohmann::json(c.min) : nlohmann::json(nullptr)},
                        {"max", c.has_range ? nlohmann::json(c.max) : nlohmann::json(nullptr)},
                        {"top_values", Counts(c.top_values)},
                        {"top_values_max_error", c.top_values_max_error}};
  nlohmann::json kinds = nlohmann::json::object();
  for (const auto& [kind, rate] : c.kind_rates) kinds[kind] = rate;
  out["kind_rates"] = kinds;
  if (c.numeric) {
    nlohmann::json quantiles = nlohmann::json::object();
    for (const QuantileValue& q : c.quantiles) {
      char key[16];
      std::snprintf(key, sizeof key, "p%g", q.q * 100);
      quantiles[key] = q.value;
    }
    out["numeric"] = {{"mean", Number(c.mean)},
                      {"stddev", Number(c.stddev)},
                      {"zeros", c.zeros},
                      {"negatives", c.negatives},
                      {"nan", c.nan},
                      {"quantiles", quantiles},
                      {"quantile_rank_error", c.quantile_rank_error},
                      {"histogram", {{"labels", c.histogram_labels}, {"counts", c.histogram_counts}, {"estimated", true}}}};
    // No fences when infinite values leave no finite spread.
    out["numeric"]["outliers"] = c.has_outliers ? nlohmann::json{{"method", "iqr"},
                                                                  {"low_fence", c.low_fence},
                                                                  {"high_fence", c.high_fence},
                                                                  {"below", c.outliers_low},
                                                                  {"above", c.outliers_high},
                                                                  {"estimated", true},
                                                                  {"examples", c.outlier_examples}}
                                                : nlohmann::json(nullptr);
  } else {
    out["numeric"] = nullptr;
  }
  if (c.has_lengths) {
    out["length"] = {{"min", c.length_min}, {"max", c.length_max}, {"mean", c.length_mean}};
  } else {
    out["length"] = nullptr;
  }
  out["patterns"] = Counts(c.patterns);
  out["patterns_max_error"] = c.patterns_max_error;
  nlohmann::json formats = nlohmann::json::object();
  for (const auto& [layout, rate] : c.format_rates) formats[layout] = rate;
  out["format_rates"] = formats;
  if (c.type.id == TypeId::kString && c.classified > 0) {
    nlohmann::json delimiters = nlohmann::json::object();
    for (size_t d = 0; d < c.delimiter_counts.size() && d < kSplitDelimiters.size(); ++d) {
      const auto [once, twice] = c.delimiter_counts[d];
      if (once + twice > 0) delimiters[std::string(1, kSplitDelimiters[d])] = {{"once", once}, {"twice", twice}};
    }
    nlohmann::json fixes = nlohmann::json::array();
    for (const auto& [seen, fixed] : c.mojibake_fixes) fixes.push_back({{"seen", seen}, {"fixed", fixed}});
    out["text_shape"] = {
        {"case", {{"lower", c.case_lower}, {"upper", c.case_upper}, {"title", c.case_title}, {"mixed", c.case_mixed}}},
        {"delimiters", delimiters},
        {"mojibake", {{"values", c.mojibake}, {"sequences", fixes}}}};
  } else {
    out["text_shape"] = nullptr;
  }
  out["pii"] = c.pii_kind.empty()
                   ? nlohmann::json(nullptr)
                   : nlohmann::json{{"kind", c.pii_kind}, {"likelihood", c.pii_likelihood}, {"reason", c.pii_reason}};
  return out;
}

nlohmann::json TableStatisticsToJson(const TableStatistics& table, const ProfileOptions& options) {
  nlohmann::json columns = nlohmann::json::array();
  for (const ColumnStatistics& c : table.columns) columns.push_back(ColumnStatisticsToJson(c));
  const KllSketch kll(options.kll_k);
  return {{"rows", table.rows},
          {"columns", columns},
          {"accuracy",
           {{"distinct",
             {{"method", "hyperloglog"},
              {"precision", options.hll_precision},
              {"relative_standard_error", 1.04 / std::sqrt(std::ldexp(1.0, options.hll_precision))},
              {"exact_below", HyperLogLog::kExactLimit}}},
            {"quantiles", {{"method", "kll"}, {"k", options.kll_k}, {"normalized_rank_error", kll.RankError()}, {"confidence", 0.99}}},
            {"top_values",
             {{"method", "misra-gries"},
              {"capacity", options.frequent_capacity},
              {"note", "counts are lower bounds, short by at most top_values_max_error (0: exact)"}}},
            {"histogram", "bucket counts estimated from the quantile sketch"},
            {"semantic_type",
             {{"threshold", options.semantic_threshold},
              {"note",
               "the most specific type that at least this share of the classified values fits; text columns "
               "classify every non-empty value up to 32768 per thread, then every 16th (classified_values); "
               "kind_rates, patterns and the PII likelihood are over those"}}}}}};
}

}  // namespace logidata::profile

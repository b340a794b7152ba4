// ColumnStatistics / TableStatistics: the finished profile of a column and of a table — plain
// values, with the accuracy of every estimated figure next to it. Made by ColumnProfiler and
// TableProfiler; printed by profile_json.h. Value types; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "types/data_type.h"

namespace logidata::profile {

struct ValueCount {
  std::string value;
  int64_t count = 0;  // a lower bound; the truth is at most count + max_error
};

struct QuantileValue {
  double q = 0;
  std::string value;
};

struct ColumnStatistics {
  std::string name;
  DataType type;

  // What the values are: "integer", "decimal", "boolean", "date", "time", "timestamp", "email",
  // "phone", "url", "ip", "postal_code", "country_code", "currency", "uuid", "iban",
  // "card_number", "text", "binary" or "empty" (no non-null values).
  std::string semantic_type;
  std::string format;               // date/time layout of a text column ("%d/%m/%Y"), else ""
  double semantic_confidence = 0;   // share of the non-empty values that fit semantic_type
  std::vector<std::pair<std::string, double>> kind_rates;  // every kind some values fit, with its share
  // Text: every date/time layout some classified values fit, with its share, most common first.
  std::vector<std::pair<std::string, double>> format_rates;
  // Text: how many values the semantic kinds and patterns were taken from (every non-empty value
  // up to 32768 per thread, then every 16th); the rates and pattern counts are over these.
  int64_t classified = 0;

  int64_t count = 0;
  int64_t nulls = 0;
  int64_t empty = 0;    // text: "" or only whitespace
  int64_t padded = 0;   // text: leading or trailing whitespace

  int64_t distinct = 0;
  bool distinct_exact = false;
  double distinct_relative_error = 0;  // standard error of the HyperLogLog estimate (0 when exact)

  bool has_range = false;
  std::string min, max;  // text ordering for text, value ordering otherwise

  // Numeric figures: typed numeric and temporal columns, and text columns whose values are
  // numbers (semantic type integer or decimal).
  bool numeric = false;
  double mean = 0, stddev = 0;
  int64_t zeros = 0, negatives = 0, nan = 0;
  std::vector<QuantileValue> quantiles;  // 0.01 0.05 0.25 0.5 0.75 0.95 0.99
  double quantile_rank_error = 0;
  std::vector<std::string> histogram_labels;  // equal-width buckets from min to max
  std::vector<int64_t> histogram_counts;      // estimated from the quantile sketch
  // Outliers by Tukey's fences (Q1 - 1.5 IQR, Q3 + 1.5 IQR), counts estimated from the sketch.
  bool has_outliers = false;
  std::string low_fence, high_fence;
  int64_t outliers_low = 0, outliers_high = 0;
  std::vector<std::string> outlier_examples;  // among the most extreme values seen

  // Text lengths in characters (non-null values).
  bool has_lengths = false;
  int64_t length_min = 0, length_max = 0;
  double length_mean = 0;

  std::vector<ValueCount> top_values;
  int64_t top_values_max_error = 0;
  std::vector<ValueCount> patterns;  // text only: "Aaaa 99"
  int64_t patterns_max_error = 0;

  // Text shape, over the classified values (text_shape.h). Letter case of the values holding ASCII
  // letters:
  int64_t case_lower = 0, case_upper = 0, case_title = 0, case_mixed = 0;
  // Per delimiter of kSplitDelimiters (by position): values holding it exactly once, twice.
  std::vector<std::pair<int64_t, int64_t>> delimiter_counts;
  // Values holding UTF-8 read as Windows-1252 or Latin-1, and the distinct sequences seen (at
  // most 16) with their repair.
  int64_t mojibake = 0;
  std::vector<std::pair<std::string, std::string>> mojibake_fixes;

  // Personal data: the kind ("email", "phone", "iban", "card", "ip", "name_hint"), how likely
  // (0–1) and why. Empty kind: nothing suggests personal data.
  std::string pii_kind;
  double pii_likelihood = 0;
  std::string pii_reason;
};

struct TableStatistics {
  int64_t rows = 0;
  std::vector<ColumnStatistics> columns;
};

}  // namespace logidata::profile

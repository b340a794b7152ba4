// ColumnProfiler: the profile of one column, built in a single pass over its batches with
// bounded memory (sketches, not value lists), and mergeable: two profilers fed disjoint parts of
// a column merge into the profiler of the whole, so threads profile their own batches and meet
// at the end (TableProfiler does this).
// Not thread-safe: one profiler per column and thread.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "profile/column_statistics.h"
#include "profile/frequent_items.h"
#include "profile/hyper_log_log.h"
#include "profile/kll_sketch.h"
#include "profile/profile_options.h"
#include "profile/text_shape.h"
#include "profile/value_classifier.h"
#include "types/column.h"

namespace logidata::profile {

class ColumnProfiler {
 public:
  ColumnProfiler(std::string name, DataType type, const ProfileOptions& options);

  // REQUIRES: column.type() == the type given at construction.
  void Add(const Column& column);
  // REQUIRES: other profiles a column of the same name and type with the same options.
  void Merge(const ColumnProfiler& other);
  ColumnStatistics Finish() const;

 private:
  // Figures of numbers (typed numbers, temporal values as their integers, numeric text).
  struct Numbers {
    explicit Numbers(const ProfileOptions& options) : sketch(options.kll_k, options.seed) {}
    KllSketch sketch;
    int64_t n = 0;
    double mean = 0, m2 = 0;  // Chan et al.'s parallel variance
    double min = 0, max = 0;
    __int128 exact_min = 0, exact_max = 0;  // integer-backed types: the stored integers
    int64_t zeros = 0, negatives = 0, nan = 0;
    std::vector<double> lowest, highest;  // sorted; the most extreme values, for outlier examples
    void AddChunk(const double* values, size_t count, size_t keep);
    void Merge(const Numbers& other, size_t keep);
  };

  void AddText(const Column& column);
  void AddBool(const Column& column);
  template <typename T>
  void AddFixed(const Column& column);
  void CountKinds(const ValueKinds& kinds);
  void FinishSemantic(ColumnStatistics* out) const;
  void FinishNumbers(const Numbers& numbers, bool integer_backed, ColumnStatistics* out) const;
  void FinishPii(ColumnStatistics* out) const;
  std::string FormatNumber(double v) const;
  std::string FormatTop(const FrequentItems::Item& item) const;

  std::string name_;
  DataType type_;
  ProfileOptions options_;

  int64_t count_ = 0, nulls_ = 0, empty_ = 0, padded_ = 0;
  HyperLogLog distinct_;
  FrequentItems top_;
  Numbers numbers_;

  // Text.
  bool any_text_ = false;
  std::string min_text_, max_text_;
  int64_t length_min_ = 0, length_max_ = 0, length_sum_ = 0;
  FrequentItems patterns_;
  int64_t non_empty_ = 0;     // non-empty text values seen
  int64_t classified_ = 0;    // of which classified (all at first, then a sample)
  std::array<int64_t, kSemanticKindCount> kind_counts_{};
  std::vector<int64_t> format_counts_;
  // Text shape of the classified values.
  std::array<int64_t, 5> case_counts_{};  // by LetterCase
  std::array<std::array<int64_t, 2>, kSplitDelimiters.size()> delimiter_counts_{};  // once, twice
  int64_t mojibake_ = 0;
  std::vector<MojibakeFix> mojibake_fixes_;
  // Classification of recently seen values by hash: low-cardinality columns classify each
  // distinct value about once.
  struct CacheSlot {
    uint64_t hash = 0;
    ValueKinds kinds;
    uint64_t pattern_hash = 0;
    LetterCase letter_case = LetterCase::kNone;
    bool mojibake = false;
    std::array<uint8_t, kSplitDelimiters.size()> delimiters{};
  };
  std::vector<CacheSlot> cache_;
  void CountShape(const CacheSlot& slot);
  std::string pattern_buffer_;
  std::vector<double> chunk_;  // numbers parsed from text, added in chunks

  // Bool.
  int64_t trues_ = 0, falses_ = 0;
};

}  // namespace logidata::profile

#include "profile/column_profiler.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <utility>

#include "profile/value_hash.h"
#include "types/value.h"

namespace logidata::profile {

namespace {

constexpr size_t kCacheSlots = 1024;
constexpr size_t kMaxMojibakeFixes = 16;
// Semantic kinds and patterns come from every non-empty value up to kClassifyAll per profiler,
// then from every kClassifyEvery-th: the shares they feed settle long before, and classifying is
// the costliest step per value. Everything else sees every value.
constexpr int64_t kClassifyAll = 32768;
constexpr int64_t kClassifyEvery = 16;
constexpr double kQuantiles[] = {0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view Trim(std::string_view v) {
  while (!v.empty() && IsSpace(v.front())) v.remove_prefix(1);
  while (!v.empty() && IsSpace(v.back())) v.remove_suffix(1);
  return v;
}

int64_t Utf8Length(std::string_view v) {
  int64_t n = 0;
  for (char c : v) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Keeps the `keep` smallest (or largest) of `kept` ∪ `more` (duplicates too: they are counted),
// sorted.
void KeepExtremes(std::vector<double>& kept, const std::vector<double>& more, size_t keep, bool smallest) {
  kept.insert(kept.end(), more.begin(), more.end());
  std::sort(kept.begin(), kept.end());
  if (kept.size() <= keep) return;
  if (smallest) kept.resize(keep);
  else kept.erase(kept.begin(), kept.end() - static_cast<std::ptrdiff_t>(keep));
}

// Priority among semantic kinds a column fits equally: specific shapes first, checksummed
// identifiers before plain integers, numbers before the looser phone and postal shapes.
constexpr SemanticKind kPriority[] = {
    SemanticKind::kUuid,     SemanticKind::kEmail,   SemanticKind::kUrl,      SemanticKind::kIp,
    SemanticKind::kIban,     SemanticKind::kCard,    SemanticKind::kTimestamp, SemanticKind::kDate,
    SemanticKind::kTime,     SemanticKind::kBoolean, SemanticKind::kInteger,  SemanticKind::kCurrency,
    SemanticKind::kDecimal,  SemanticKind::kPhone,   SemanticKind::kPostalCode, SemanticKind::kCountryCode,
};

bool Contains(const std::string& haystack, std::string_view needle) { return haystack.find(needle) != std::string::npos; }

}  // namespace

void ColumnProfiler::Numbers::AddChunk(const double* values, size_t count, size_t keep) {
  if (count == 0) return;
  // Two passes over the chunk (mean, then squared deviations) and Chan's formula to combine:
  // accurate even for timestamps, where sums of squares would lose every digit.
  double sum = 0, lo = values[0], hi = values[0];
  for (size_t i = 0; i < count; ++i) {
    const double v = values[i];
    sum += v;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    zeros += v == 0;
    negatives += v < 0;
    sketch.Add(v);
  }
  const double chunk_mean = sum / static_cast<double>(count);
  double chunk_m2 = 0;
  for (size_t i = 0; i < count; ++i) chunk_m2 += (values[i] - chunk_mean) * (values[i] - chunk_mean);
  const double n_a = static_cast<double>(n), n_b = static_cast<double>(count), total = n_a + n_b;
  const double delta = chunk_mean - mean;
  mean += delta * n_b / total;
  m2 += chunk_m2 + delta * delta * n_a * n_b / total;
  if (n == 0 || lo < min) min = lo;
  if (n == 0 || hi > max) max = hi;
  n += static_cast<int64_t>(count);
  // Extremes: only values beyond the current kth extreme can enter.
  std::vector<double> low, high;
  for (size_t i = 0; i < count; ++i) {
    const double v = values[i];
    if (lowest.size() < keep || v < lowest.back()) low.push_back(v);
    if (highest.size() < keep || v > highest.front()) high.push_back(v);
    if (low.size() > 4 * keep) KeepExtremes(lowest, std::exchange(low, {}), keep, true);
    if (high.size() > 4 * keep) KeepExtremes(highest, std::exchange(high, {}), keep, false);
  }
  KeepExtremes(lowest, low, keep, true);
  KeepExtremes(highest, high, keep, false);
}

void ColumnProfiler::Numbers::Merge(const Numbers& other, size_t keep) {
  if (other.n == 0) return;
  sketch.Merge(other.sketch);
  if (n == 0) {
    min = other.min;
    max = other.max;
    exact_min = other.exact_min;
    exact_max = other.exact_max;
  } else {
    min = std::min(min, other.min);
    max = std::max(max, other.max);
    exact_min = std::min(exact_min, other.exact_min);
    exact_max = std::max(exact_max, other.exact_max);
  }
  const double n_a = static_cast<double>(n), n_b = static_cast<double>(other.n), total = n_a + n_b;
  const double delta = other.mean - mean;
  mean += delta * n_b / total;
  m2 += other.m2 + delta * delta * n_a * n_b / total;
  n += other.n;
  zeros += other.zeros;
  negatives += other.negatives;
  nan += other.nan;
  KeepExtremes(lowest, other.lowest, keep, true);
  KeepExtremes(highest, other.highest, keep, false);
}

ColumnProfiler::ColumnProfiler(std::string name, DataType type, const ProfileOptions& options)
    : name_(std::move(name)),
      type_(std::move(type)),
      options_(options),
      distinct_(options.hll_precision),
      top_(options.frequent_capacity),
      numbers_(options),
      patterns_(options.frequent_capacity),
      format_counts_(TemporalFormats().size(), 0) {
  if (type_.IsVarLength()) cache_.resize(kCacheSlots);
}

void ColumnProfiler::Add(const Column& column) {
  const int64_t n = column.length();
  count_ += n;
  switch (type_.id) {
    case TypeId::kString:
    case TypeId::kBinary: AddText(column); break;
    case TypeId::kBool: AddBool(column); break;
    case TypeId::kInt32:
    case TypeId::kDate: AddFixed<int32_t>(column); break;
    case TypeId::kInt64:
    case TypeId::kTimestamp: AddFixed<int64_t>(column); break;
    case TypeId::kFloat64: AddFixed<double>(column); break;
    case TypeId::kDecimal: AddFixed<__int128>(column); break;
    case TypeId::kNull: nulls_ += n; break;
  }
}

template <typename T>
void ColumnProfiler::AddFixed(const Column& column) {
  const int64_t n = column.length();
  const T* values = column.values<T>();
  const bool all_valid = column.null_count() == 0;
  const double scale = type_.id == TypeId::kDecimal ? std::pow(10.0, type_.scale) : 1;
  chunk_.clear();
  bool first = numbers_.n == 0;
  for (int64_t r = 0; r < n; ++r) {
    if (!all_valid && column.IsNull(r)) {
      ++nulls_;
      continue;
    }
    const T v = values[r];
    double d;
    if constexpr (std::is_same_v<T, double>) {
      if (std::isnan(v)) {
        ++numbers_.nan;
        distinct_.Add(HashInt(0x7ff8000000000000LL));
        continue;
      }
      d = v;
      distinct_.Add(HashDouble(v));
      top_.AddRaw(HashDouble(v), &v, sizeof v);
    } else {
      d = static_cast<double>(v) / scale;
      const uint64_t h = sizeof(T) == 16 ? Mix64(static_cast<uint64_t>(v) ^ HashInt(static_cast<int64_t>(v >> 64)))
                                         : HashInt(static_cast<int64_t>(v));
      distinct_.Add(h);
      top_.AddRaw(h, &v, sizeof v);
      if (first) {
        numbers_.exact_min = numbers_.exact_max = v;
        first = false;
      } else {
        if (v < numbers_.exact_min) numbers_.exact_min = v;
        if (v > numbers_.exact_max) numbers_.exact_max = v;
      }
    }
    chunk_.push_back(d);
  }
  numbers_.AddChunk(chunk_.data(), chunk_.size(), options_.extremes_kept);
}

void ColumnProfiler::AddBool(const Column& column) {
  for (int64_t r = 0; r < column.length(); ++r) {
    if (column.IsNull(r)) {
      ++nulls_;
      continue;
    }
    if (column.GetBool(r)) ++trues_;
    else ++falses_;
  }
}

void ColumnProfiler::CountKinds(const ValueKinds& kinds) {
  for (uint32_t bits = kinds.kinds; bits != 0; bits &= bits - 1) ++kind_counts_[static_cast<size_t>(__builtin_ctz(bits))];
  for (uint32_t bits = kinds.formats; bits != 0; bits &= bits - 1) ++format_counts_[static_cast<size_t>(__builtin_ctz(bits))];
}

void ColumnProfiler::CountShape(const CacheSlot& slot) {
  ++case_counts_[static_cast<size_t>(slot.letter_case)];
  for (size_t d = 0; d < kSplitDelimiters.size(); ++d) {
    if (slot.delimiters[d] == 1 || slot.delimiters[d] == 2) ++delimiter_counts_[d][slot.delimiters[d] - 1];
  }
  mojibake_ += slot.mojibake;
}

void ColumnProfiler::AddText(const Column& column) {
  const bool binary = type_.id == TypeId::kBinary;
  const int64_t n = column.length();
  chunk_.clear();
  for (int64_t r = 0; r < n; ++r) {
    if (column.IsNull(r)) {
      ++nulls_;
      continue;
    }
    const std::string_view v = column.GetString(r);
    const uint64_t hash = HashBytes(v);
    distinct_.Add(hash);
    top_.AddText(hash, v);
    const int64_t length = binary ? static_cast<int64_t>(v.size()) : Utf8Length(v);
    if (!any_text_) {
      min_text_ = max_text_ = v;
      length_min_ = length_max_ = length;
      any_text_ = true;
    } else {
      if (v < min_text_) min_text_ = v;
      if (v > max_text_) max_text_ = v;
      length_min_ = std::min(length_min_, length);
      length_max_ = std::max(length_max_, length);
    }
    length_sum_ += length;
    if (binary) continue;
    const std::string_view trimmed = Trim(v);
    if (trimmed.empty()) {
      ++empty_;
      continue;
    }
    if (trimmed.size() != v.size()) ++padded_;
    // Numbers are parsed from every value: quantiles and means cover the whole column.
    const char first = trimmed.front();
    if ((first >= '0' && first <= '9') || first == '-' || first == '+' || first == '.') {
      double d;
      if (ParseNumber(trimmed, &d)) chunk_.push_back(d);
    }
    if (non_empty_++ >= kClassifyAll && non_empty_ % kClassifyEvery != 0) continue;
    ++classified_;
    CacheSlot& slot = cache_[hash & (kCacheSlots - 1)];
    if (slot.hash != hash || hash == 0) {
      slot.hash = hash;
      slot.kinds = ClassifyValue(trimmed);
      slot.letter_case = LetterCaseOf(trimmed);
      slot.delimiters = DelimiterCounts(trimmed);
      slot.mojibake = FindMojibake(trimmed, &mojibake_fixes_, kMaxMojibakeFixes);
      ValuePattern(v, &pattern_buffer_);
      slot.pattern_hash = HashBytes(pattern_buffer_);
      patterns_.AddText(slot.pattern_hash, pattern_buffer_);
    } else if (!patterns_.Bump(slot.pattern_hash)) {
      ValuePattern(v, &pattern_buffer_);
      patterns_.AddText(slot.pattern_hash, pattern_buffer_);
    }
    CountKinds(slot.kinds);
    CountShape(slot);
  }
  numbers_.AddChunk(chunk_.data(), chunk_.size(), options_.extremes_kept);
}

void ColumnProfiler::Merge(const ColumnProfiler& other) {
  count_ += other.count_;
  nulls_ += other.nulls_;
  empty_ += other.empty_;
  padded_ += other.padded_;
  distinct_.Merge(other.distinct_);
  top_.Merge(other.top_);
  numbers_.Merge(other.numbers_, options_.extremes_kept);
  if (other.any_text_) {
    if (!any_text_) {
      min_text_ = other.min_text_;
      max_text_ = other.max_text_;
      length_min_ = other.length_min_;
      length_max_ = other.length_max_;
      any_text_ = true;
    } else {
      min_text_ = std::min(min_text_, other.min_text_);
      max_text_ = std::max(max_text_, other.max_text_);
      length_min_ = std::min(length_min_, other.length_min_);
      length_max_ = std::max(length_max_, other.length_max_);
    }
  }
  length_sum_ += other.length_sum_;
  patterns_.Merge(other.patterns_);
  classified_ += other.classified_;
  non_empty_ += other.non_empty_;
  for (size_t i = 0; i < kind_counts_.size(); ++i) kind_counts_[i] += other.kind_counts_[i];
  for (size_t i = 0; i < format_counts_.size(); ++i) format_counts_[i] += other.format_counts_[i];
  for (size_t i = 0; i < case_counts_.size(); ++i) case_counts_[i] += other.case_counts_[i];
  for (size_t d = 0; d < delimiter_counts_.size(); ++d) {
    delimiter_counts_[d][0] += other.delimiter_counts_[d][0];
    delimiter_counts_[d][1] += other.delimiter_counts_[d][1];
  }
  mojibake_ += other.mojibake_;
  for (const MojibakeFix& fix : other.mojibake_fixes_) {
    const bool listed = std::find(mojibake_fixes_.begin(), mojibake_fixes_.end(), fix) != mojibake_fixes_.end();
    if (!listed && mojibake_fixes_.size() < kMaxMojibakeFixes) mojibake_fixes_.push_back(fix);
  }
  trues_ += other.trues_;
  falses_ += other.falses_;
}

std::string ColumnProfiler::FormatNumber(double v) const {
  switch (type_.id) {
    case TypeId::kInt32:
    case TypeId::kInt64: return std::to_string(static_cast<int64_t>(std::llround(v)));
    case TypeId::kDate: return Value::Date(static_cast<int32_t>(std::floor(v))).ToString();
    case TypeId::kTimestamp: return Value::Timestamp(std::llround(v), type_.timezone).ToString();
    case TypeId::kDecimal: {
      const double scale = std::pow(10.0, type_.scale);
      return FormatDecimal(static_cast<__int128>(std::llround(v * scale)), type_.scale);
    }
    default: return FormatDouble(v);
  }
}

std::string ColumnProfiler::FormatTop(const FrequentItems::Item& item) const {
  switch (type_.id) {
    case TypeId::kInt32:
    case TypeId::kDate: {
      int32_t v;
      std::memcpy(&v, item.raw.data(), sizeof v);
      return type_.id == TypeId::kDate ? Value::Date(v).ToString() : std::to_string(v);
    }
    case TypeId::kInt64:
    case TypeId::kTimestamp: {
      int64_t v;
      std::memcpy(&v, item.raw.data(), sizeof v);
      return type_.id == TypeId::kTimestamp ? Value::Timestamp(v, type_.timezone).ToString() : std::to_string(v);
    }
    case TypeId::kFloat64: {
      double v;
      std::memcpy(&v, item.raw.data(), sizeof v);
      return FormatDouble(v);
    }
    case TypeId::kDecimal: {
      __int128 v;
      std::memcpy(&v, item.raw.data(), sizeof v);
      return FormatDecimal(v, type_.scale);
    }
    default: return item.text;
  }
}

void ColumnProfiler::FinishSemantic(ColumnStatistics* out) const {
  switch (type_.id) {
    case TypeId::kInt32:
    case TypeId::kInt64: out->semantic_type = "integer"; break;
    case TypeId::kFloat64:
    case TypeId::kDecimal: out->semantic_type = "decimal"; break;
    case TypeId::kBool: out->semantic_type = "boolean"; break;
    case TypeId::kDate: out->semantic_type = "date"; break;
    case TypeId::kTimestamp: out->semantic_type = "timestamp"; break;
    case TypeId::kBinary: out->semantic_type = "binary"; break;
    case TypeId::kNull: out->semantic_type = "empty"; break;
    case TypeId::kString: break;
  }
  if (!out->semantic_type.empty()) {
    out->semantic_confidence = count_ > nulls_ ? 1 : 0;
    if (count_ == nulls_) out->semantic_type = "empty";
    return;
  }
  if (classified_ == 0) {
    out->semantic_type = count_ == nulls_ ? "empty" : "text";
    return;
  }
  const double total = static_cast<double>(classified_);
  const auto& layouts = TemporalFormats();
  for (size_t i = 0; i < layouts.size(); ++i) {
    if (format_counts_[i] > 0) {
      out->format_rates.emplace_back(std::string(layouts[i].layout), static_cast<double>(format_counts_[i]) / total);
    }
  }
  std::stable_sort(out->format_rates.begin(), out->format_rates.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  out->case_lower = case_counts_[static_cast<size_t>(LetterCase::kLower)];
  out->case_upper = case_counts_[static_cast<size_t>(LetterCase::kUpper)];
  out->case_title = case_counts_[static_cast<size_t>(LetterCase::kTitle)];
  out->case_mixed = case_counts_[static_cast<size_t>(LetterCase::kMixed)];
  for (const auto& counts : delimiter_counts_) out->delimiter_counts.emplace_back(counts[0], counts[1]);
  out->mojibake = mojibake_;
  out->mojibake_fixes = mojibake_fixes_;
  for (int k = 0; k < kSemanticKindCount; ++k) {
    if (kind_counts_[static_cast<size_t>(k)] > 0) {
      out->kind_rates.emplace_back(std::string(SemanticKindName(static_cast<SemanticKind>(k))),
                                   static_cast<double>(kind_counts_[static_cast<size_t>(k)]) / total);
    }
  }
  out->semantic_type = "text";
  out->semantic_confidence = 1;  // any value is text
  for (SemanticKind kind : kPriority) {
    const double rate = static_cast<double>(kind_counts_[static_cast<size_t>(kind)]) / total;
    if (rate < options_.semantic_threshold) continue;
    out->semantic_type = std::string(SemanticKindName(kind));
    out->semantic_confidence = rate;
    if (kind == SemanticKind::kDate || kind == SemanticKind::kTime || kind == SemanticKind::kTimestamp) {
      // The layout most values fit; on a tie (03/04/2024 fits day-first and month-first) the
      // one listed first.
      const auto& formats = TemporalFormats();
      int64_t best = 0;
      for (size_t i = 0; i < formats.size(); ++i) {
        if (formats[i].kind == kind && format_counts_[i] > best) {
          best = format_counts_[i];
          out->format = std::string(formats[i].layout);
        }
      }
    }
    break;
  }
}

void ColumnProfiler::FinishNumbers(const Numbers& numbers, bool integer_backed, ColumnStatistics* out) const {
  if (numbers.n == 0) return;
  out->numeric = true;
  out->mean = numbers.mean;
  out->stddev = numbers.n > 1 ? std::sqrt(numbers.m2 / static_cast<double>(numbers.n - 1)) : 0;
  out->zeros = numbers.zeros;
  out->negatives = numbers.negatives;
  out->nan = numbers.nan;
  if (type_.id != TypeId::kString) {
    out->has_range = true;
    if (integer_backed && type_.id == TypeId::kDecimal) {
      out->min = FormatDecimal(numbers.exact_min, type_.scale);
      out->max = FormatDecimal(numbers.exact_max, type_.scale);
    } else if (integer_backed) {
      out->min = FormatNumber(static_cast<double>(numbers.exact_min));
      out->max = FormatNumber(static_cast<double>(numbers.exact_max));
      if (type_.IsInteger()) {
        out->min = std::to_string(static_cast<int64_t>(numbers.exact_min));
        out->max = std::to_string(static_cast<int64_t>(numbers.exact_max));
      }
    } else {
      out->min = FormatNumber(numbers.min);
      out->max = FormatNumber(numbers.max);
    }
  }
  const KllSketch& sketch = numbers.sketch;
  out->quantile_rank_error = sketch.RankError();
  for (double q : kQuantiles) out->quantiles.push_back({q, FormatNumber(sketch.Quantile(q))});
  // Histogram: equal-width buckets from min to max, counts from the sketch's ranks. Infinite
  // values leave no finite width to divide: no histogram, no fences.
  if (!std::isfinite(numbers.max - numbers.min)) return;
  const int buckets = numbers.max > numbers.min ? options_.histogram_buckets : 1;
  const double width = (numbers.max - numbers.min) / buckets;
  double previous_rank = 0;
  const double n = static_cast<double>(numbers.n);
  for (int b = 0; b < buckets; ++b) {
    const double lo = numbers.min + b * width, hi = b + 1 == buckets ? numbers.max : lo + width;
    const double rank = b + 1 == buckets ? 1.0 : sketch.Rank(hi);
    out->histogram_labels.push_back(buckets > 1 ? FormatNumber(lo) + " – " + FormatNumber(hi) : FormatNumber(lo));
    out->histogram_counts.push_back(std::llround((rank - previous_rank) * n));
    previous_rank = rank;
  }
  // Tukey's fences.
  const double q1 = sketch.Quantile(0.25), q3 = sketch.Quantile(0.75), iqr = q3 - q1;
  const double low = q1 - 1.5 * iqr, high = q3 + 1.5 * iqr;
  out->has_outliers = true;
  out->low_fence = FormatNumber(low);
  out->high_fence = FormatNumber(high);
  // Counts: the sketch's estimate, but at least the kept extremes beyond the fences — rare
  // outliers are below the sketch's resolution, and these are counted exactly.
  const auto beyond = [](const std::vector<double>& values, auto outside) {
    return static_cast<int64_t>(std::count_if(values.begin(), values.end(), outside));
  };
  const int64_t low_kept = beyond(numbers.lowest, [&](double v) { return v < low; });
  const int64_t high_kept = beyond(numbers.highest, [&](double v) { return v > high; });
  const int64_t low_sketch = numbers.min < low ? std::llround(sketch.Rank(std::nextafter(low, -INFINITY)) * n) : 0;
  const int64_t high_sketch = numbers.max > high ? std::llround((1 - sketch.Rank(high)) * n) : 0;
  out->outliers_low = std::max(low_kept, low_sketch);
  out->outliers_high = std::max(high_kept, high_sketch);
  // Examples: the most extreme distinct values, at most outlier_examples at each end.
  std::vector<double> examples;
  for (double v : numbers.lowest) {
    if (v < low && (examples.empty() || examples.back() != v) && examples.size() < options_.outlier_examples) examples.push_back(v);
  }
  const size_t low_examples = examples.size();
  for (auto it = numbers.highest.rbegin(); it != numbers.highest.rend(); ++it) {
    if (*it > high && (examples.size() == low_examples || examples.back() != *it) &&
        examples.size() - low_examples < options_.outlier_examples) {
      examples.push_back(*it);
    }
  }
  for (double v : examples) out->outlier_examples.push_back(FormatNumber(v));
}

void ColumnProfiler::FinishPii(ColumnStatistics* out) const {
  struct Evidence {
    SemanticKind kind;
    const char* name;
    const char* noun;
  };
  static constexpr Evidence kEvidence[] = {{SemanticKind::kEmail, "email", "email addresses"},
                                           {SemanticKind::kPhone, "phone", "phone numbers"},
                                           {SemanticKind::kIban, "iban", "IBANs"},
                                           {SemanticKind::kCard, "card", "payment card numbers"},
                                           {SemanticKind::kIp, "ip", "IP addresses"}};
  if (classified_ > 0) {
    for (const Evidence& e : kEvidence) {
      const double rate = static_cast<double>(kind_counts_[static_cast<size_t>(e.kind)]) / static_cast<double>(classified_);
      // A few matches in a column of other things (a phone-like id) are not evidence.
      if (rate >= 0.1 && rate > out->pii_likelihood) {
        out->pii_kind = e.name;
        out->pii_likelihood = rate;
        out->pii_reason = std::to_string(static_cast<int>(std::lround(rate * 100))) + " % of the values look like " + e.noun;
      }
    }
  }
  // The column's name, for what values cannot show (names, addresses, birth dates).
  std::string lower;
  for (char c : name_) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  static constexpr std::string_view kNameHints[] = {"email", "e_mail", "phone", "mobile", "iban", "ssn", "passport",
                                                    "first_name", "last_name", "full_name", "firstname", "lastname",
                                                    "address", "birth", "dob", "card_number", "credit_card"};
  for (std::string_view hint : kNameHints) {
    if (Contains(lower, hint) && out->pii_likelihood < 0.5) {
      out->pii_kind = out->pii_kind.empty() ? "name_hint" : out->pii_kind;
      out->pii_likelihood = 0.5;
      out->pii_reason = "the column name contains '" + std::string(hint) + "'";
      break;
    }
  }
}

ColumnStatistics ColumnProfiler::Finish() const {
  ColumnStatistics out;
  out.name = name_;
  out.type = type_;
  out.count = count_;
  out.nulls = nulls_;
  out.empty = empty_;
  out.padded = padded_;
  out.classified = classified_;
  FinishSemantic(&out);
  if (type_.id == TypeId::kBool) {
    out.distinct = (trues_ > 0) + (falses_ > 0);
    out.distinct_exact = true;
    if (trues_ + falses_ > 0) {
      out.has_range = true;
      out.min = falses_ > 0 ? "false" : "true";
      out.max = trues_ > 0 ? "true" : "false";
    }
    if (trues_ > 0) out.top_values.push_back({"true", trues_});
    if (falses_ > 0) out.top_values.push_back({"false", falses_});
    if (out.top_values.size() == 2 && falses_ > trues_) std::swap(out.top_values[0], out.top_values[1]);
    FinishPii(&out);
    return out;
  }
  out.distinct = std::llround(distinct_.Estimate());
  out.distinct_exact = distinct_.IsExact();
  out.distinct_relative_error = distinct_.RelativeStandardError();
  for (const FrequentItems::Item& item : top_.Top(options_.top_values)) out.top_values.push_back({FormatTop(item), item.count});
  out.top_values_max_error = top_.max_error();
  if (type_.IsVarLength()) {
    if (any_text_) {
      out.has_range = true;
      out.min = type_.id == TypeId::kBinary ? Value::Binary(min_text_).ToString() : min_text_;
      out.max = type_.id == TypeId::kBinary ? Value::Binary(max_text_).ToString() : max_text_;
      out.has_lengths = true;
      out.length_min = length_min_;
      out.length_max = length_max_;
      out.length_mean = static_cast<double>(length_sum_) / static_cast<double>(count_ - nulls_);
    }
    for (const FrequentItems::Item& item : patterns_.Top(options_.top_patterns)) out.patterns.push_back({item.text, item.count});
    out.patterns_max_error = patterns_.max_error();
    // Numeric figures of a text column only when its values are numbers.
    if (out.semantic_type == "integer" || out.semantic_type == "decimal") FinishNumbers(numbers_, false, &out);
  } else {
    const bool integer_backed = type_.id != TypeId::kFloat64;
    FinishNumbers(numbers_, integer_backed, &out);
  }
  FinishPii(&out);
  return out;
}

}  // namespace logidata::profile

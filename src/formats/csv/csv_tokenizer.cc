#include "formats/csv/csv_tokenizer.h"

#include <algorithm>

#include "formats/csv/csv_simd.h"

namespace logidata {

namespace {

constexpr const char* kUnterminatedQuote = "unterminated quote: the field never closes";

RecordProblem FieldCountProblem(uint32_t begin, uint32_t end, int fields, int num_columns) {
  RecordProblem problem;
  problem.begin = begin;
  problem.end = end;
  problem.column = fields < num_columns ? fields + 1 : num_columns + 1;
  problem.reason = "expected ";
  problem.reason.append(std::to_string(num_columns));
  problem.reason.append(" fields but found ");
  problem.reason.append(std::to_string(fields));
  return problem;
}

// Collects the spans of one Tokenize call. Kept inline so both tokenizers share the record rules
// (blank lines, line ends, field counts) without paying for a call per field.
class SpanWriter {
 public:
  SpanWriter(const char* data, int num_columns, const int* slot_of, int num_slots, TokenizedRecords* out)
      : data_(data), num_columns_(num_columns), slot_of_(slot_of), num_slots_(num_slots), out_(out) {
    out_->spans.resize(static_cast<size_t>(num_slots_));
    out_->problems.clear();
    capacity_ = std::max<size_t>(out_->row_begin.size(), 1024);
    Reserve(capacity_);
  }

  inline void Delimiter(uint32_t p) {
    Field(p);
    field_start_ = p + 1;
  }

  inline void Newline(uint32_t p) {
    uint32_t end = p;
    if (end > field_start_ && data_[end - 1] == '\r') --end;
    EndRecord(end);
    row_start_ = field_start_ = p + 1;
  }

  // Closes the trailing record that has no newline (or is still inside quotes).
  void Finish(uint32_t size, bool inside_quotes) {
    if (row_start_ < size) {
      if (inside_quotes) {
        out_->problems.push_back({row_start_, size, fields_ + 1, kUnterminatedQuote});
      } else {
        uint32_t end = size;
        if (end > field_start_ && data_[end - 1] == '\r') --end;
        EndRecord(end);
      }
    }
    out_->num_rows = static_cast<int64_t>(row_);
  }

 private:
  inline void Field(uint32_t end) {
    int pos = fields_ < num_columns_ ? fields_ : num_columns_;
    int slot = slot_of_[pos];
    if (slot >= 0) slot_ptr_[static_cast<size_t>(slot)][row_] = FieldSpan{field_start_, end};
    ++fields_;
  }

  inline void EndRecord(uint32_t end) {
    if (fields_ == 0 && end == row_start_) return;  // blank line
    Field(end);
    if (fields_ == num_columns_) {
      row_begin_[row_] = row_start_;
      row_end_[row_] = end;
      if (++row_ == capacity_) Reserve(capacity_ * 2);
    } else {
      Problem(end);
    }
    fields_ = 0;
  }

  void Problem(uint32_t end) { out_->problems.push_back(FieldCountProblem(row_start_, end, fields_, num_columns_)); }

  void Reserve(size_t capacity) {
    capacity_ = capacity;
    slot_ptr_.resize(static_cast<size_t>(num_slots_));
    for (int s = 0; s < num_slots_; ++s) {
      auto& v = out_->spans[static_cast<size_t>(s)];
      if (v.size() < capacity) v.resize(capacity);
      slot_ptr_[static_cast<size_t>(s)] = v.data();
    }
    if (out_->row_begin.size() < capacity) out_->row_begin.resize(capacity);
    if (out_->row_end.size() < capacity) out_->row_end.resize(capacity);
    row_begin_ = out_->row_begin.data();
    row_end_ = out_->row_end.data();
  }

  const char* data_;
  int num_columns_;
  const int* slot_of_;
  int num_slots_;
  TokenizedRecords* out_;
  std::vector<FieldSpan*> slot_ptr_;
  uint32_t* row_begin_ = nullptr;
  uint32_t* row_end_ = nullptr;
  size_t capacity_ = 0;
  size_t row_ = 0;
  int fields_ = 0;
  uint32_t field_start_ = 0;
  uint32_t row_start_ = 0;
};

}  // namespace

CsvTokenizer::CsvTokenizer(CsvDialect dialect, int num_columns, std::vector<int> columns)
    : dialect_(dialect), num_columns_(num_columns), columns_(std::move(columns)) {
  slot_of_.assign(static_cast<size_t>(num_columns_) + 1, -1);
  for (size_t s = 0; s < columns_.size(); ++s) slot_of_[static_cast<size_t>(columns_[s])] = static_cast<int>(s);
}

void CsvTokenizer::Tokenize(const char* data, size_t size, TokenizedRecords* out) const {
  if (dialect_.has_separate_escape() || columns_.size() > 256) {
    TokenizeScalar(data, size, out);
  } else {
    TokenizeSimd(data, size, out);
  }
}

void CsvTokenizer::TokenizeSimd(const char* data, size_t size, TokenizedRecords* out) const {
  // The hot state lives in locals, not in a writer object: stores through the span pointers could
  // otherwise alias it and force a reload after every field.
  const int num_slots = static_cast<int>(columns_.size());
  const int num_columns = num_columns_;
  const int* slot_of = slot_of_.data();
  out->spans.resize(static_cast<size_t>(num_slots));
  out->problems.clear();
  size_t capacity = std::max<size_t>(out->row_begin.size(), 1024);
  FieldSpan* slots[256];
  uint32_t* row_begin;
  uint32_t* row_end;
  auto reserve = [&](size_t cap) {
    capacity = cap;
    for (int s = 0; s < num_slots; ++s) {
      auto& v = out->spans[static_cast<size_t>(s)];
      if (v.size() < cap) v.resize(cap);
      slots[s] = v.data();
    }
    if (out->row_begin.size() < cap) out->row_begin.resize(cap);
    if (out->row_end.size() < cap) out->row_end.resize(cap);
    row_begin = out->row_begin.data();
    row_end = out->row_end.data();
  };
  reserve(capacity);

  size_t row = 0;
  int fields = 0;
  uint32_t field_start = 0;
  uint32_t row_start = 0;
  auto field = [&](uint32_t end) {
    int pos = fields < num_columns ? fields : num_columns;
    int slot = slot_of[pos];
    if (slot >= 0) slots[slot][row] = FieldSpan{field_start, end};
    ++fields;
  };
  auto end_record = [&](uint32_t end) {
    if (fields == 0 && end == row_start) return;  // blank line
    field(end);
    if (fields == num_columns) {
      row_begin[row] = row_start;
      row_end[row] = end;
      if (++row == capacity) reserve(capacity * 2);
    } else {
      out->problems.push_back(FieldCountProblem(row_start, end, fields, num_columns));
    }
    fields = 0;
  };

  const bool quoting = dialect_.quoting();
  csv_simd::ByteMatcher matcher(dialect_.delimiter, '\n', quoting ? dialect_.quote : dialect_.delimiter);
  uint64_t inside_carry = 0;  // all ones while a quote is open across blocks
  for (size_t block = 0; block < size; block += 64) {
    csv_simd::BlockMasks m = size - block >= 64 ? matcher.Match(data + block) : matcher.MatchTail(data + block, size - block);
    uint64_t inside = 0;
    if (quoting) {
      inside = csv_simd::PrefixXor(m.c) ^ inside_carry;
      inside_carry = static_cast<uint64_t>(static_cast<int64_t>(inside) >> 63);
    }
    uint64_t newlines = m.b & ~inside;
    uint64_t structural = (m.a | m.b) & ~inside;
    while (structural != 0) {
      int bit = __builtin_ctzll(structural);
      uint32_t p = static_cast<uint32_t>(block) + static_cast<uint32_t>(bit);
      if ((newlines >> bit) & 1) {
        uint32_t end = p;
        if (end > field_start && data[end - 1] == '\r') --end;
        end_record(end);
        row_start = field_start = p + 1;
      } else {
        field(p);
        field_start = p + 1;
      }
      structural &= structural - 1;
    }
  }
  if (row_start < size) {
    if (inside_carry != 0) {
      out->problems.push_back({row_start, static_cast<uint32_t>(size), fields + 1, kUnterminatedQuote});
    } else {
      uint32_t end = static_cast<uint32_t>(size);
      if (end > field_start && data[end - 1] == '\r') --end;
      end_record(end);
    }
  }
  out->num_rows = static_cast<int64_t>(row);
}

void CsvTokenizer::TokenizeScalar(const char* data, size_t size, TokenizedRecords* out) const {
  SpanWriter writer(data, num_columns_, slot_of_.data(), static_cast<int>(columns_.size()), out);
  const bool quoting = dialect_.quoting();
  const bool separate_escape = dialect_.has_separate_escape();
  bool inside = false;
  for (size_t i = 0; i < size; ++i) {
    char c = data[i];
    if (separate_escape && c == dialect_.escape) {
      ++i;  // the next byte is literal
      continue;
    }
    if (quoting && c == dialect_.quote) {
      inside = !inside;
    } else if (!inside) {
      if (c == dialect_.delimiter) {
        writer.Delimiter(static_cast<uint32_t>(i));
      } else if (c == '\n') {
        writer.Newline(static_cast<uint32_t>(i));
      }
    }
  }
  writer.Finish(static_cast<uint32_t>(size), inside);
}

size_t SplitRecord(const char* data, size_t size, const CsvDialect& dialect, std::vector<std::string>* fields,
                   std::string* error) {
  fields->clear();
  error->clear();
  if (size == 0) return 0;
  const bool separate_escape = dialect.has_separate_escape();
  std::string field;
  bool inside = false;
  size_t i = 0;
  for (; i < size; ++i) {
    char c = data[i];
    if (separate_escape && c == dialect.escape && i + 1 < size) {
      field.push_back(data[++i]);
      continue;
    }
    if (dialect.quoting() && c == dialect.quote) {
      // A doubled quote inside quotes is one literal quote.
      if (inside && dialect.escape == dialect.quote && i + 1 < size && data[i + 1] == dialect.quote) {
        field.push_back(c);
        ++i;
        continue;
      }
      inside = !inside;
      continue;
    }
    if (!inside && c == dialect.delimiter) {
      fields->push_back(std::move(field));
      field.clear();
      continue;
    }
    if (!inside && c == '\n') {
      if (!field.empty() && field.back() == '\r') field.pop_back();
      fields->push_back(std::move(field));
      return i + 1;
    }
    field.push_back(c);
  }
  if (inside) {
    *error = "unterminated quote";
    return size;
  }
  if (!field.empty() && field.back() == '\r') field.pop_back();
  fields->push_back(std::move(field));
  return size;
}

}  // namespace logidata

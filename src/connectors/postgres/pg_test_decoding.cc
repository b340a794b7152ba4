#include "connectors/postgres/pg_test_decoding.h"

namespace logidata {

namespace {

// A cursor over one line; every Read* consumes on success and reports the position on failure.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}

  bool AtEnd() const { return pos_ >= text_.size(); }
  bool StartsWith(std::string_view s) const { return text_.substr(pos_).substr(0, s.size()) == s; }
  bool Consume(std::string_view s) {
    if (!StartsWith(s)) return false;
    pos_ += s.size();
    return true;
  }

  Status Error(const std::string& what) const {
    return Status::DataError("test_decoding output: " + what + " at offset " + std::to_string(pos_) + " in '" +
                             std::string(text_.substr(0, 200)) + "'");
  }

  // A quote_identifier'd name: bare ([a-z0-9_$] and non-ASCII) or "…" with "" for a quote.
  Result<std::string> ReadIdentifier() {
    std::string out;
    if (Consume("\"")) {
      while (true) {
        if (AtEnd()) return Error("unterminated quoted identifier");
        char c = text_[pos_++];
        if (c == '"') {
          if (!Consume("\"")) return out;
        }
        out += c;
      }
    }
    while (!AtEnd()) {
      char c = text_[pos_];
      bool bare = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                  c == '$' || static_cast<unsigned char>(c) >= 0x80;
      if (!bare) break;
      out += c;
      ++pos_;
    }
    if (out.empty()) return Error("expected an identifier");
    return out;
  }

  // The type between '[' and the "]:" that ends it (a type may itself contain "[]").
  Result<std::string> ReadType() {
    if (!Consume("[")) return Error("expected '[' before the column type");
    size_t end = text_.find("]:", pos_);
    if (end == std::string_view::npos) return Error("unterminated column type");
    std::string type(text_.substr(pos_, end - pos_));
    pos_ = end + 2;
    return type;
  }

  // A value up to the next column separator (space) or the end of the line.
  Result<DecodedColumn> ReadValue(DecodedColumn col) {
    if (Consume("'")) {
      std::string out;
      while (true) {
        if (AtEnd()) return Error("unterminated string value of column '" + col.name + "'");
        char c = text_[pos_++];
        if (c == '\'') {
          if (!Consume("'")) break;
        }
        out += c;
      }
      col.value = std::move(out);
      return col;
    }
    size_t end = text_.find(' ', pos_);
    if (end == std::string_view::npos) end = text_.size();
    std::string_view word = text_.substr(pos_, end - pos_);
    if (word.empty()) return Error("missing value of column '" + col.name + "'");
    pos_ = end;
    if (word == "null") return col;
    if (word == "unchanged-toast-datum") {
      col.unchanged_toast = true;
      return col;
    }
    // Numbers, booleans and bit strings (B'0101') print without quotes; keep the bit string's
    // digits only, which is its text input form.
    if (word.size() >= 3 && word[0] == 'B' && word[1] == '\'' && word.back() == '\'') word = word.substr(2, word.size() - 3);
    col.value = std::string(word);
    return col;
  }

  // ` name[type]:value` repeated, up to the end or a keyword (`new-tuple:`), which bare
  // identifiers cannot spell because they contain no '-'.
  Result<std::vector<DecodedColumn>> ReadColumns() {
    std::vector<DecodedColumn> cols;
    while (Consume(" ")) {
      if (StartsWith("new-tuple:") || StartsWith("(no-tuple-data)")) {
        --pos_;
        break;
      }
      DecodedColumn col;
      LD_ASSIGN_OR_RETURN(col.name, ReadIdentifier());
      LD_ASSIGN_OR_RETURN(col.type, ReadType());
      LD_ASSIGN_OR_RETURN(col, ReadValue(std::move(col)));
      cols.push_back(std::move(col));
    }
    return cols;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

Result<DecodedChange> ParseTestDecodingLine(std::string_view line) {
  DecodedChange change;
  LineReader in(line);
  if (in.Consume("BEGIN")) {
    change.kind = DecodedChange::Kind::kBegin;
    return change;
  }
  if (in.Consume("COMMIT")) {
    change.kind = DecodedChange::Kind::kCommit;
    return change;
  }
  if (in.Consume("message:")) return change;  // pg_logical_emit_message output; carries no rows
  if (!in.Consume("table ")) return in.Error("unknown line");
  LD_ASSIGN_OR_RETURN(change.schema, in.ReadIdentifier());
  if (!in.Consume(".")) return in.Error("expected '.' in the table name");
  LD_ASSIGN_OR_RETURN(change.table, in.ReadIdentifier());
  if (!in.Consume(": ")) return in.Error("expected ': ' after the table name");
  if (in.Consume("TRUNCATE:")) {
    change.kind = DecodedChange::Kind::kTruncate;
    return change;
  }
  if (in.Consume("INSERT:")) change.kind = DecodedChange::Kind::kInsert;
  else if (in.Consume("UPDATE:")) change.kind = DecodedChange::Kind::kUpdate;
  else if (in.Consume("DELETE:")) change.kind = DecodedChange::Kind::kDelete;
  else return in.Error("unknown action");

  if (change.kind == DecodedChange::Kind::kUpdate && in.Consume(" old-key:")) {
    LD_ASSIGN_OR_RETURN(change.old_key, in.ReadColumns());
    if (!in.Consume(" new-tuple:")) return in.Error("expected 'new-tuple:' after 'old-key:'");
  }
  if (in.Consume(" (no-tuple-data)")) {
    change.missing_tuple = true;
  } else {
    LD_ASSIGN_OR_RETURN(auto cols, in.ReadColumns());
    if (cols.empty()) return in.Error("expected columns");
    if (change.kind == DecodedChange::Kind::kDelete) change.old_key = std::move(cols);
    else change.new_tuple = std::move(cols);
  }
  if (!in.AtEnd()) return in.Error("unexpected text after the columns");
  return change;
}

}  // namespace logidata

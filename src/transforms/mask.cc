#include "transforms/mask.h"

#include <cmath>
#include <mutex>
#include <optional>
#include <set>

#include <re2/re2.h>

#include "transforms/config_fields.h"
#include "transforms/mask_crypto.h"
#include "transforms/pii_detectors.h"
#include "transforms/transform_descriptor.h"
#include "types/column_builder.h"

namespace logidata {

namespace {

enum class MaskMethod { kPartial, kHash, kEncrypt, kDecrypt, kRedact, kGeneralize };

const std::vector<std::string>& MethodNames() {
  static const std::vector<std::string> kNames = {"partial", "hash", "encrypt", "decrypt", "redact", "generalize"};
  return kNames;
}

// How one rule rewrites a value. Generalize's parameters depend on the column's type.
struct MaskSpec {
  MaskMethod method = MaskMethod::kRedact;
  bool keep_last = false;      // partial
  int64_t keep = 4;            // partial
  std::string mask_char = "*"; // partial, generalize of codes
  std::string replacement;     // redact
  std::string date_to;         // generalize dates: "month" or "year"
  double width = 0;            // generalize numbers
  int64_t prefix = 0;          // generalize codes
};

struct MaskedColumn {
  int column;
  int rule;  // index into rules_, for messages
};

struct DetectRule {
  int rule;
  PiiKind kind;
  std::vector<int> candidates;  // string columns no earlier rule took
};

// UTF-8 code point boundaries of `s`: offsets of every code point start, then s.size().
std::vector<size_t> CodePoints(std::string_view s) {
  std::vector<size_t> starts;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  starts.push_back(s.size());
  return starts;
}

std::string Repeat(const std::string& c, size_t n) {
  std::string out;
  out.reserve(c.size() * n);
  for (size_t i = 0; i < n; ++i) out += c;
  return out;
}

// Keeps `keep` code points at one end; short values (no more than `keep`) are masked entirely,
// so that masking never gives a value back whole.
std::string PartialMask(std::string_view v, const MaskSpec& s) {
  const std::vector<size_t> cp = CodePoints(v);
  const size_t n = cp.size() - 1;
  const size_t keep = static_cast<size_t>(s.keep);
  if (n <= keep) return Repeat(s.mask_char, n);
  if (s.keep_last) return Repeat(s.mask_char, n - keep) + std::string(v.substr(cp[n - keep]));
  return std::string(v.substr(0, cp[keep])) + Repeat(s.mask_char, n - keep);
}

std::string FormatBound(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<int64_t>(v));
  return FormatDouble(v);
}

class MaskOperator final : public Operator {
 public:
  MaskOperator(SchemaPtr output, std::vector<MaskSpec> rules, std::vector<MaskedColumn> fixed,
               std::vector<DetectRule> detect, std::optional<MaskKey> key, int64_t sample_rows, double min_share)
      : rules_(std::move(rules)),
        columns_(std::move(fixed)),
        detect_(std::move(detect)),
        key_(std::move(key)),
        sample_rows_(sample_rows),
        min_share_(min_share) {
    output_schemas_ = {std::move(output)};
    detected_ = detect_.empty();
  }

  bool RequiresOrderedInput(int) const override { return !detect_.empty(); }

  Status Open(ExecContext& ctx) override {
    ctx_ = &ctx;
    return Status::OK();
  }

  Status Consume(int, const BatchPtr& batch, OperatorState*, Emitter& out) override {
    if (!detected_ && batch->num_rows() > 0) Detect(*batch);
    std::vector<ColumnPtr> cols = batch->columns();
    for (const MaskedColumn& m : columns_) {
      LD_ASSIGN_OR_RETURN(cols[static_cast<size_t>(m.column)], MaskColumn(*batch, m));
    }
    return out.Emit(Batch::Make(output_schemas_[0], std::move(cols), batch->num_rows()));
  }

 private:
  // Chooses, once, the candidate columns whose sampled values mostly look like the rule's kind.
  void Detect(const Batch& batch) {
    detected_ = true;
    std::set<int> taken;
    for (const auto& m : columns_) taken.insert(m.column);
    for (const DetectRule& d : detect_) {
      for (int c : d.candidates) {
        if (taken.count(c) != 0) continue;
        const Column& col = *batch.column(c);
        int64_t seen = 0, matched = 0;
        for (int64_t i = 0; i < col.length() && seen < sample_rows_; ++i) {
          if (col.IsNull(i)) continue;
          ++seen;
          matched += LooksLike(d.kind, col.GetString(i)) ? 1 : 0;
        }
        if (seen > 0 && static_cast<double>(matched) >= min_share_ * static_cast<double>(seen)) {
          columns_.push_back({c, d.rule});
          taken.insert(c);
          if (ctx_ != nullptr) {
            ctx_->Log(LogLevel::kInfo, "mask: column '" + output_schemas_[0]->field(c).name + "' detected as " +
                                           PiiKindNames()[static_cast<size_t>(d.kind)] + " (" + std::to_string(matched) +
                                           " of " + std::to_string(seen) + " sampled values)");
          }
        }
      }
    }
  }

  Result<ColumnPtr> MaskColumn(const Batch& batch, const MaskedColumn& m) const {
    const Column& col = *batch.column(m.column);
    const MaskSpec& s = rules_[static_cast<size_t>(m.rule)];
    const bool is_string = col.type().id == TypeId::kString;
    ColumnBuilder b(DataType::String(), col.length());
    std::string text;
    for (int64_t i = 0; i < col.length(); ++i) {
      if (col.IsNull(i)) {
        b.AppendNull();
        continue;
      }
      std::string_view v;
      if (is_string) {
        v = col.GetString(i);
      } else if (s.method != MaskMethod::kGeneralize) {
        text = col.GetValue(i).ToString();
        v = text;
      }
      switch (s.method) {
        case MaskMethod::kPartial: b.AppendString(PartialMask(v, s)); break;
        case MaskMethod::kHash: b.AppendString(key_->HashHex(v)); break;
        case MaskMethod::kEncrypt: {
          LD_ASSIGN_OR_RETURN(std::string token, key_->Encrypt(v));
          b.AppendString(token);
          break;
        }
        case MaskMethod::kDecrypt: {
          auto plain = key_->Decrypt(v);
          if (!plain.ok()) {
            return Status::DataError("mask: column '" + output_schemas_[0]->field(m.column).name + "', row " +
                                     std::to_string(i) + " of batch " + std::to_string(batch.sequence()) + ": " +
                                     plain.status().message());
          }
          b.AppendString(*plain);
          break;
        }
        case MaskMethod::kRedact: b.AppendString(s.replacement); break;
        case MaskMethod::kGeneralize: b.AppendString(Generalize(col, i, s)); break;
      }
    }
    return b.Finish();
  }

  static std::string Generalize(const Column& col, int64_t i, const MaskSpec& s) {
    switch (col.type().id) {
      case TypeId::kDate:
      case TypeId::kTimestamp: {
        const std::string iso = col.GetValue(i).ToString();  // "2024-05-01[ 12:30:00]"
        const size_t dash = iso.find('-', 1);                 // after the year (which may be signed)
        if (s.date_to == "year") return iso.substr(0, dash);
        return iso.substr(0, iso.find('-', dash + 1));
      }
      case TypeId::kString: {
        const std::string_view v = col.GetString(i);
        const std::vector<size_t> cp = CodePoints(v);
        const size_t n = cp.size() - 1, keep = std::min(n, static_cast<size_t>(s.prefix));
        return std::string(v.substr(0, cp[keep])) + Repeat(s.mask_char, n - keep);
      }
      default: {
        const Value value = col.GetValue(i);
        double d = 0;
        switch (col.type().id) {
          case TypeId::kInt32:
          case TypeId::kInt64: d = static_cast<double>(value.int_value()); break;
          case TypeId::kFloat64: d = value.double_value(); break;
          default: d = std::stod(value.ToString()); break;  // decimal
        }
        const double lo = std::floor(d / s.width) * s.width;
        return "[" + FormatBound(lo) + ", " + FormatBound(lo + s.width) + ")";
      }
    }
  }

  std::vector<MaskSpec> rules_;
  std::vector<MaskedColumn> columns_;  // grows once, in Detect (input is ordered then)
  std::vector<DetectRule> detect_;
  std::optional<MaskKey> key_;
  int64_t sample_rows_;
  double min_share_;
  bool detected_ = false;
  ExecContext* ctx_ = nullptr;
};

bool IsNumeric(const DataType& t) {
  return t.id == TypeId::kInt32 || t.id == TypeId::kInt64 || t.id == TypeId::kFloat64 || t.id == TypeId::kDecimal;
}

// Checks that generalize has the parameter `column`'s type needs.
Status CheckGeneralize(const Field& f, const MaskSpec& s, const std::string& p) {
  const TypeId id = f.type.id;
  if (id == TypeId::kDate || id == TypeId::kTimestamp) {
    if (s.date_to.empty()) return ConfigError(JsonPointer(p, "to"), "column '" + f.name + "' is a date: set `to` to month or year");
  } else if (IsNumeric(f.type)) {
    if (s.width <= 0) return ConfigError(JsonPointer(p, "width"), "column '" + f.name + "' is a number: set the range `width` (> 0)");
  } else if (id == TypeId::kString) {
    if (s.prefix <= 0) return ConfigError(JsonPointer(p, "prefix"), "column '" + f.name + "' is a string: set how many leading characters to keep with `prefix`");
  } else {
    return ConfigError(p, "column '" + f.name + "' (" + f.type.ToString() + ") cannot be generalized; only dates, numbers and strings can");
  }
  return Status::OK();
}

Result<std::unique_ptr<Operator>> BindMask(const BindContext& ctx) {
  if (ctx.input_schemas.size() != 1 || ctx.input_schemas[0] == nullptr) {
    return Status::InvalidArgument("mask needs exactly one input");
  }
  const nlohmann::json& cfg = ctx.cfg();
  const Schema& in = *ctx.input_schemas[0];
  const nlohmann::json* rules_json = FindMember(cfg, "rules");
  if (rules_json == nullptr || !rules_json->is_array() || rules_json->empty()) {
    return ConfigError("/rules", "give at least one rule {columns | pattern | detect, method}");
  }
  std::vector<MaskSpec> rules;
  std::vector<MaskedColumn> fixed;
  std::vector<DetectRule> detect;
  std::set<int> taken;
  bool needs_key = false;
  for (size_t r = 0; r < rules_json->size(); ++r) {
    const std::string p = JsonPointer("/rules", r);
    const nlohmann::json& item = (*rules_json)[r];
    if (!item.is_object()) return ConfigError(p, "must be an object {columns | pattern | detect, method}");
    MaskSpec s;
    LD_ASSIGN_OR_RETURN(std::string method, RequireString(item, "method", p));
    LD_RETURN_IF_ERROR(RequireOneOf(method, MethodNames(), JsonPointer(p, "method")));
    s.method = static_cast<MaskMethod>(std::find(MethodNames().begin(), MethodNames().end(), method) - MethodNames().begin());
    needs_key |= s.method == MaskMethod::kHash || s.method == MaskMethod::kEncrypt || s.method == MaskMethod::kDecrypt;
    LD_ASSIGN_OR_RETURN(std::string keep, OptionalString(item, "keep", p, "last"));
    LD_RETURN_IF_ERROR(RequireOneOf(keep, {"first", "last"}, JsonPointer(p, "keep")));
    s.keep_last = keep == "last";
    LD_ASSIGN_OR_RETURN(s.keep, OptionalInt(item, "count", p, 4, 0));
    LD_ASSIGN_OR_RETURN(s.mask_char, OptionalString(item, "char", p, "*"));
    if (CodePoints(s.mask_char).size() != 2) return ConfigError(JsonPointer(p, "char"), "must be exactly one character");
    LD_ASSIGN_OR_RETURN(s.replacement, OptionalString(item, "replacement", p, "[redacted]"));
    LD_ASSIGN_OR_RETURN(s.date_to, OptionalString(item, "to", p, ""));
    if (!s.date_to.empty()) LD_RETURN_IF_ERROR(RequireOneOf(s.date_to, {"month", "year"}, JsonPointer(p, "to")));
    if (const nlohmann::json* w = FindMember(item, "width")) {
      if (!w->is_number() || w->get<double>() <= 0) return ConfigError(JsonPointer(p, "width"), "must be a number > 0");
      s.width = w->get<double>();
    }
    LD_ASSIGN_OR_RETURN(s.prefix, OptionalInt(item, "prefix", p, 0, 0));

    // Which columns.
    const nlohmann::json* columns = FindMember(item, "columns");
    LD_ASSIGN_OR_RETURN(std::string pattern, OptionalString(item, "pattern", p, ""));
    LD_ASSIGN_OR_RETURN(std::string detect_kind, OptionalString(item, "detect", p, ""));
    const int choosers = (columns != nullptr) + !pattern.empty() + !detect_kind.empty();
    if (choosers != 1) return ConfigError(p, "choose columns with exactly one of `columns`, `pattern` or `detect`");
    std::vector<int> chosen;
    if (columns != nullptr) {
      LD_ASSIGN_OR_RETURN(std::vector<std::string> names, OptionalStringArray(item, "columns", p));
      if (names.empty()) return ConfigError(JsonPointer(p, "columns"), "list at least one column");
      LD_ASSIGN_OR_RETURN(chosen, ResolveColumns(in, names, JsonPointer(p, "columns")));
      for (size_t k = 0; k < chosen.size(); ++k) {
        if (taken.count(chosen[k]) != 0) {
          return ConfigError(JsonPointer(JsonPointer(p, "columns"), k), "column '" + names[k] + "' is already masked by an earlier rule");
        }
      }
    } else if (!pattern.empty()) {
      RE2::Options options;
      options.set_log_errors(false);
      RE2 re(pattern, options);
      if (!re.ok()) return ConfigError(JsonPointer(p, "pattern"), "is not a valid regular expression: " + re.error());
      for (int c = 0; c < in.num_fields(); ++c) {
        if (taken.count(c) == 0 && RE2::FullMatch(in.field(c).name, re)) chosen.push_back(c);
      }
      if (chosen.empty()) return ConfigError(JsonPointer(p, "pattern"), "matches no column not already masked (it must match the whole name)");
    } else {
      LD_RETURN_IF_ERROR(RequireOneOf(detect_kind, PiiKindNames(), JsonPointer(p, "detect")));
      if (s.method == MaskMethod::kGeneralize || s.method == MaskMethod::kDecrypt) {
        return ConfigError(JsonPointer(p, "method"), "a detect rule can partial, hash, encrypt or redact, not " + method);
      }
      DetectRule d{static_cast<int>(r), *ParsePiiKind(detect_kind), {}};
      for (int c = 0; c < in.num_fields(); ++c) {
        if (in.field(c).type.id == TypeId::kString && taken.count(c) == 0) d.candidates.push_back(c);
      }
      detect.push_back(std::move(d));
    }
    for (int c : chosen) {
      if (s.method == MaskMethod::kGeneralize) LD_RETURN_IF_ERROR(CheckGeneralize(in.field(c), s, p));
      fixed.push_back({c, static_cast<int>(r)});
      taken.insert(c);
    }
    rules.push_back(std::move(s));
  }

  std::optional<MaskKey> key;
  LD_ASSIGN_OR_RETURN(std::string key_connection, OptionalString(cfg, "key_connection", "", ""));
  if (needs_key) {
    if (key_connection.empty()) {
      return ConfigError("/key_connection", "hash, encrypt and decrypt need a key: name a connection of type 'secret'");
    }
    if (ctx.connections == nullptr) {
      if (ctx.can_touch_data) return ConfigError("/key_connection", "no connections are available to resolve '" + key_connection + "'");
      key.emplace("validation placeholder: the real key is resolved when the run binds");
    } else {
      auto found = ctx.connections->Resolve(key_connection);
      if (!found.ok()) return ConfigError("/key_connection", found.status().message());
      if (found->type != "secret") {
        return ConfigError("/key_connection", "connection '" + key_connection + "' is of type '" + found->type + "', expected secret");
      }
      if (found->secret.size() < 16) {
        return ConfigError("/key_connection", "connection '" + key_connection + "' must hold a key of at least 16 characters in its secret");
      }
      key.emplace(found->secret);
    }
  }
  const nlohmann::json* detection = FindMember(cfg, "detection");
  int64_t sample_rows = 1000;
  double min_share = 0.8;
  if (detection != nullptr) {
    LD_ASSIGN_OR_RETURN(sample_rows, OptionalInt(*detection, "sample_rows", "/detection", 1000, 1));
    if (const nlohmann::json* share = FindMember(*detection, "min_share")) {
      if (!share->is_number() || share->get<double>() <= 0 || share->get<double>() > 1) {
        return ConfigError("/detection/min_share", "must be a number in (0, 1]");
      }
      min_share = share->get<double>();
    }
  }

  std::vector<Field> fields = in.fields();
  for (const auto& m : fixed) fields[static_cast<size_t>(m.column)] = {fields[static_cast<size_t>(m.column)].name, DataType::String(), true};
  return std::unique_ptr<Operator>(std::make_unique<MaskOperator>(MakeSchema(std::move(fields)), std::move(rules),
                                                                  std::move(fixed), std::move(detect), std::move(key),
                                                                  sample_rows, min_share));
}

}  // namespace

ModuleDescriptor MaskModule() {
  ModuleDescriptor d = SingleInputTransformDescriptor("mask", "columns", "visibility_off",
                                                      "Masks, hashes, encrypts, redacts or generalizes personal data.",
                                                      "Rows with personal data.", "The same rows, chosen columns masked.");
  d.description =
      "Applies `rules` in order; each chooses columns and a method. A column is masked by the "
      "first rule that chooses it; masked columns become strings and nulls stay null.\n\n"
      "Choosing columns: `columns` (names), `pattern` (an RE2 regular expression matching whole "
      "names) or `detect` — `email`, `phone`, `iban` (mod-97 check), `card` (13–19 digits with a "
      "valid Luhn check) or `ip` (IPv4 or IPv6). Detection samples the first non-empty batch: a "
      "string column is chosen when at least `detection.min_share` (default 0.8) of its first "
      "`detection.sample_rows` (default 1000) non-null values look like that kind; the run log "
      "names the columns found. With a detect rule the input is processed in order.\n\n"
      "Methods:\n"
      "- `partial`: keep the `count` (default 4) `first` or `last` (default) characters, replace "
      "the others with `char` (default `*`); values no longer than `count` are masked entirely.\n"
      "- `hash`: hex HMAC-SHA256 of the value's text with the key — stable across runs, so masked "
      "columns still join.\n"
      "- `encrypt`: deterministic AES-256-GCM with a synthetic IV; output `ldenc1:` + base64url. "
      "Equal values give equal tokens.\n"
      "- `decrypt`: reverses `encrypt` with the same key; a token that was altered or made with "
      "another key fails the run naming the column and row. Admin-only: whoever can use the key "
      "connection can decrypt, so grant that connection to administrators only.\n"
      "- `redact`: the constant `replacement` (default `[redacted]`).\n"
      "- `generalize`: dates and timestamps to `to`: `month` (`2024-05`) or `year`; numbers to "
      "ranges of `width` (`[20, 30)`); strings (ZIP codes) to their first `prefix` characters, the "
      "rest replaced by `char`.\n\n"
      "Keys: hash, encrypt and decrypt read the key from `key_connection`, a connection of type "
      "`secret` whose secret (at least 16 characters) is the key; connections are stored encrypted.";
  nlohmann::json rule = {
      {"type", "object"},
      {"title", "Rule"},
      {"required", {"method"}},
      {"additionalProperties", false},
      {"properties",
       {{"columns", {{"type", "array"}, {"title", "Columns"}, {"items", {{"type", "string"}, {"format", "column"}}}}},
        {"pattern", {{"type", "string"}, {"title", "Column name pattern"}, {"description", "RE2, matches whole names."}}},
        {"detect", {{"type", "string"}, {"title", "Detect"}, {"enum", PiiKindNames()}}},
        {"method", {{"type", "string"}, {"title", "Method"}, {"enum", MethodNames()}}},
        {"keep", {{"type", "string"}, {"title", "Keep (partial)"}, {"enum", {"first", "last"}}, {"default", "last"}}},
        {"count", {{"type", "integer"}, {"minimum", 0}, {"title", "Characters kept (partial)"}, {"default", 4}}},
        {"char", {{"type", "string"}, {"title", "Mask character"}, {"default", "*"}}},
        {"replacement", {{"type", "string"}, {"title", "Replacement (redact)"}, {"default", "[redacted]"}}},
        {"to", {{"type", "string"}, {"title", "Dates to (generalize)"}, {"enum", {"month", "year"}}}},
        {"width", {{"type", "number"}, {"exclusiveMinimum", 0}, {"title", "Range width (generalize numbers)"}}},
        {"prefix", {{"type", "integer"}, {"minimum", 1}, {"title", "Prefix kept (generalize strings)"}}}}}};
  d.config_schema = {
      {"type", "object"},
      {"title", "Mask"},
      {"additionalProperties", false},
      {"required", {"rules"}},
      {"properties",
       {{"rules", {{"type", "array"}, {"title", "Rules"}, {"minItems", 1}, {"items", rule}}},
        {"key_connection",
         {{"type", "string"},
          {"title", "Key connection"},
          {"format", "connection"},
          {"description", "A `secret` connection holding the key for hash, encrypt and decrypt."}}},
        {"detection",
         {{"type", "object"},
          {"title", "Detection"},
          {"additionalProperties", false},
          {"properties",
           {{"sample_rows", {{"type", "integer"}, {"minimum", 1}, {"default", 1000}, {"title", "Values sampled per column"}}},
            {"min_share", {{"type", "number"}, {"exclusiveMinimum", 0}, {"maximum", 1}, {"default", 0.8}, {"title", "Share that must match"}}}}}}}}},
  };
  d.connection_types = {"secret"};
  d.factory = BindMask;
  return d;
}

}  // namespace logidata

#include "formats/csv/csv_options.h"

#include "module/module_descriptor.h"

namespace logidata {

namespace {

const nlohmann::json* Member(const nlohmann::json& config, const char* key) {
  if (!config.is_object()) return nullptr;
  auto it = config.find(key);
  if (it == config.end() || it->is_null()) return nullptr;
  return &*it;
}

Result<std::string> StringMember(const nlohmann::json& config, const char* key, std::string fallback) {
  const nlohmann::json* v = Member(config, key);
  if (v == nullptr) return fallback;
  if (!v->is_string()) return ConfigError(std::string("/") + key, "must be a string");
  return v->get<std::string>();
}

Result<bool> BoolMember(const nlohmann::json& config, const char* key, bool fallback) {
  const nlohmann::json* v = Member(config, key);
  if (v == nullptr) return fallback;
  if (!v->is_boolean()) return ConfigError(std::string("/") + key, "must be true or false");
  return v->get<bool>();
}

Result<int64_t> IntMember(const nlohmann::json& config, const char* key, int64_t fallback, int64_t minimum) {
  const nlohmann::json* v = Member(config, key);
  if (v == nullptr) return fallback;
  if (!v->is_number_integer()) return ConfigError(std::string("/") + key, "must be an integer");
  int64_t x = v->get<int64_t>();
  if (x < minimum) return ConfigError(std::string("/") + key, "must be at least " + std::to_string(minimum));
  return x;
}

// A single character; "" gives '\0' when `allow_empty`. "\\t" and "tab" are accepted for a tab.
Result<char> CharMember(const nlohmann::json& config, const char* key, char fallback, bool allow_empty) {
  LD_ASSIGN_OR_RETURN(std::string s, StringMember(config, key, std::string(1, fallback)));
  if (s == "\\t" || s == "tab") return '\t';
  if (s.empty() && allow_empty) return '\0';
  if (s.size() != 1) return ConfigError(std::string("/") + key, "must be a single character");
  if (s[0] == '\n' || s[0] == '\r') return ConfigError(std::string("/") + key, "cannot be a line break");
  return s[0];
}

Result<std::vector<std::string>> StringArrayMember(const nlohmann::json& config, const char* key,
                                                   std::vector<std::string> fallback) {
  const nlohmann::json* v = Member(config, key);
  if (v == nullptr) return fallback;
  if (!v->is_array()) return ConfigError(std::string("/") + key, "must be an array of strings");
  std::vector<std::string> out;
  for (size_t i = 0; i < v->size(); ++i) {
    if (!(*v)[i].is_string()) {
      return ConfigError(std::string("/") + key + "/" + std::to_string(i), "must be a string");
    }
    out.push_back((*v)[i].get<std::string>());
  }
  return out;
}

}  // namespace

Result<CsvCompression> ParseCsvCompression(std::string_view text) {
  if (text == "auto") return CsvCompression::kAuto;
  if (text == "none") return CsvCompression::kNone;
  if (text == "gzip") return CsvCompression::kGzip;
  if (text == "zstd") return CsvCompression::kZstd;
  return Status::InvalidArgument("unknown compression '" + std::string(text) + "' (use auto, none, gzip or zstd)");
}

CsvCompression ResolveCsvCompression(CsvCompression compression, std::string_view path) {
  if (compression != CsvCompression::kAuto) return compression;
  auto ends_with = [&](std::string_view suffix) {
    return path.size() >= suffix.size() && path.substr(path.size() - suffix.size()) == suffix;
  };
  if (ends_with(".gz") || ends_with(".gzip")) return CsvCompression::kGzip;
  if (ends_with(".zst") || ends_with(".zstd")) return CsvCompression::kZstd;
  return CsvCompression::kNone;
}

Result<CsvReadOptions> ParseCsvReadOptions(const nlohmann::json& config) {
  CsvReadOptions o;
  LD_ASSIGN_OR_RETURN(o.path, StringMember(config, "path", ""));
  if (o.path.empty()) return ConfigError("/path", "a file, glob or directory is required");
  LD_ASSIGN_OR_RETURN(o.dialect.delimiter, CharMember(config, "delimiter", ',', false));
  LD_ASSIGN_OR_RETURN(o.dialect.quote, CharMember(config, "quote", '"', true));
  // "" (the default) doubles quotes inside quoted fields; "none" disables escaping.
  LD_ASSIGN_OR_RETURN(std::string escape, StringMember(config, "escape", ""));
  if (escape.empty()) {
    o.dialect.escape = o.dialect.quote;
  } else if (escape == "none") {
    o.dialect.escape = '\0';
  } else {
    LD_ASSIGN_OR_RETURN(o.dialect.escape, CharMember(config, "escape", o.dialect.quote, false));
  }
  if (o.dialect.quote != '\0' && o.dialect.quote == o.dialect.delimiter) {
    return ConfigError("/quote", "the quote character must differ from the delimiter");
  }
  if (o.dialect.escape != '\0' && o.dialect.escape != o.dialect.quote &&
      (o.dialect.escape == o.dialect.delimiter)) {
    return ConfigError("/escape", "the escape character must differ from the delimiter");
  }
  LD_ASSIGN_OR_RETURN(o.header, BoolMember(config, "header", true));
  LD_ASSIGN_OR_RETURN(o.skip_bom, BoolMember(config, "skip_bom", true));
  LD_ASSIGN_OR_RETURN(std::string encoding, StringMember(config, "encoding", "utf-8"));
  if (encoding == "utf-8" || encoding == "utf8") {
    o.encoding = CsvEncoding::kUtf8;
  } else if (encoding == "latin-1" || encoding == "latin1" || encoding == "iso-8859-1") {
    o.encoding = CsvEncoding::kLatin1;
  } else {
    return ConfigError("/encoding", "unknown encoding '" + encoding + "' (use utf-8 or latin-1)");
  }
  LD_ASSIGN_OR_RETURN(o.null_values, StringArrayMember(config, "null_values", {""}));
  LD_ASSIGN_OR_RETURN(o.infer_rows, IntMember(config, "infer_rows", 10000, 1));
  if (const nlohmann::json* cols = Member(config, "columns")) {
    if (!cols->is_object()) return ConfigError("/columns", "must be an object of column name to type");
    for (auto it = cols->begin(); it != cols->end(); ++it) {
      if (!it->is_string()) return ConfigError("/columns/" + it.key(), "must be a type name such as \"int64\"");
      o.columns[it.key()] = it->get<std::string>();
    }
  }
  LD_ASSIGN_OR_RETURN(std::string compression, StringMember(config, "compression", "auto"));
  auto parsed = ParseCsvCompression(compression);
  if (!parsed.ok()) return ConfigError("/compression", parsed.status().message());
  o.compression = *parsed;
  LD_ASSIGN_OR_RETURN(std::string on_error, StringMember(config, "on_error", "fail"));
  if (on_error == "fail") {
    o.on_error = CsvOnError::kFail;
  } else if (on_error == "skip") {
    o.on_error = CsvOnError::kSkip;
  } else {
    return ConfigError("/on_error", "must be 'fail' or 'skip'");
  }
  LD_ASSIGN_OR_RETURN(o.rejects_path, StringMember(config, "rejects_path", ""));
  if (!o.rejects_path.empty() && o.on_error != CsvOnError::kSkip) {
    return ConfigError("/rejects_path", "rejected rows are only written with on_error: skip");
  }
  LD_ASSIGN_OR_RETURN(o.chunk_bytes, IntMember(config, "chunk_bytes", 0, 0));
  return o;
}

Result<CsvWriteOptions> ParseCsvWriteOptions(const nlohmann::json& config) {
  CsvWriteOptions o;
  LD_ASSIGN_OR_RETURN(o.path, StringMember(config, "path", ""));
  if (o.path.empty()) return ConfigError("/path", "an output file (or folder with partition_by) is required");
  LD_ASSIGN_OR_RETURN(o.delimiter, CharMember(config, "delimiter", ',', false));
  LD_ASSIGN_OR_RETURN(o.quote, CharMember(config, "quote", '"', false));
  if (o.quote == o.delimiter) return ConfigError("/quote", "the quote character must differ from the delimiter");
  LD_ASSIGN_OR_RETURN(std::string style, StringMember(config, "quote_style", "minimal"));
  if (style == "minimal") {
    o.quote_style = CsvQuoteStyle::kMinimal;
  } else if (style == "all") {
    o.quote_style = CsvQuoteStyle::kAll;
  } else if (style == "none") {
    o.quote_style = CsvQuoteStyle::kNone;
  } else {
    return ConfigError("/quote_style", "must be 'minimal', 'all' or 'none'");
  }
  LD_ASSIGN_OR_RETURN(o.header, BoolMember(config, "header", true));
  LD_ASSIGN_OR_RETURN(o.null_value, StringMember(config, "null_value", ""));
  LD_ASSIGN_OR_RETURN(std::string compression, StringMember(config, "compression", "none"));
  auto parsed = ParseCsvCompression(compression);
  if (!parsed.ok()) return ConfigError("/compression", parsed.status().message());
  o.compression = ResolveCsvCompression(*parsed, o.path);
  LD_ASSIGN_OR_RETURN(o.partition_by, StringArrayMember(config, "partition_by", {}));
  return o;
}

}  // namespace logidata

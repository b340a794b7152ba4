#include "connectors/sql_text.h"

#include <cctype>

namespace logidata {

Result<std::string> QuoteIdentifier(SqlDialect dialect, std::string_view name, std::string_view what) {
  if (name.empty()) return Status::InvalidArgument(std::string(what) + " must not be empty");
  if (name.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument(std::string(what) + " contains a NUL byte");
  }
  const char quote = dialect == SqlDialect::kMysql ? '`' : '"';
  std::string out;
  out.reserve(name.size() + 2);
  out.push_back(quote);
  for (char c : name) {
    out.push_back(c);
    if (c == quote) out.push_back(quote);  // doubling is the only escape inside quoted names
  }
  out.push_back(quote);
  return out;
}

Result<std::string> QualifiedName(SqlDialect dialect, std::string_view schema, std::string_view table) {
  LD_ASSIGN_OR_RETURN(std::string t, QuoteIdentifier(dialect, table, "table name"));
  if (schema.empty()) return t;
  LD_ASSIGN_OR_RETURN(std::string s, QuoteIdentifier(dialect, schema, "schema name"));
  return s + "." + t;
}

namespace {
bool IsNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
}  // namespace

Result<BoundQuery> BindNamedParameters(SqlDialect dialect, std::string_view sql, const ParameterMap* params,
                                       int first_index) {
  BoundQuery out;
  out.sql.reserve(sql.size());
  size_t i = 0;
  const size_t n = sql.size();
  auto copy_until = [&](size_t end) {
    out.sql.append(sql.substr(i, end - i));
    i = end;
  };
  while (i < n) {
    char c = sql[i];
    if (c == '\'' || c == '"' || (c == '`' && dialect == SqlDialect::kMysql)) {
      // Quoted literal or identifier: copy through the closing quote (doubled quotes stay inside;
      // MySQL also escapes with backslashes in strings).
      size_t j = i + 1;
      while (j < n) {
        if (dialect == SqlDialect::kMysql && c != '`' && sql[j] == '\\' && j + 1 < n) { j += 2; continue; }
        if (sql[j] == c) {
          if (j + 1 < n && sql[j + 1] == c) { j += 2; continue; }
          break;
        }
        ++j;
      }
      copy_until(std::min(n, j + 1));
      continue;
    }
    if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      size_t j = sql.find('\n', i);
      copy_until(j == std::string_view::npos ? n : j);
      continue;
    }
    if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      size_t j = sql.find("*/", i + 2);
      copy_until(j == std::string_view::npos ? n : j + 2);
      continue;
    }
    if (dialect == SqlDialect::kPostgres && c == '$') {
      // Dollar-quoted string: $tag$ … $tag$.
      size_t j = i + 1;
      while (j < n && IsNameChar(sql[j])) ++j;
      if (j < n && sql[j] == '$' && (j == i + 1 || !std::isdigit(static_cast<unsigned char>(sql[i + 1])))) {
        std::string tag(sql.substr(i, j - i + 1));
        size_t end = sql.find(tag, j + 1);
        copy_until(end == std::string_view::npos ? n : end + tag.size());
        continue;
      }
    }
    if (c == ':') {
      if (i + 1 < n && sql[i + 1] == ':') {  // a cast, not a parameter
        copy_until(i + 2);
        continue;
      }
      if (i + 1 < n && IsNameStart(sql[i + 1]) && (i == 0 || sql[i - 1] != ':')) {
        size_t j = i + 1;
        while (j < n && IsNameChar(sql[j])) ++j;
        std::string name(sql.substr(i + 1, j - i - 1));
        auto it = params != nullptr ? params->find(name) : ParameterMap::const_iterator();
        if (params == nullptr || it == params->end()) {
          return Status::InvalidArgument("query parameter ':" + name + "' has no value (pass it as a run parameter)");
        }
        if (dialect == SqlDialect::kPostgres) {
          out.sql += "$" + std::to_string(first_index + static_cast<int>(out.values.size()));
        } else {
          out.sql += "?";
        }
        out.values.push_back(it->second);
        out.names.push_back(name);
        i = j;
        continue;
      }
    }
    out.sql.push_back(c);
    ++i;
  }
  return out;
}

}  // namespace logidata

#include "assist/extraction_sql_check.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

#include "connectors/sql_task.h"

namespace logidata::assist {
namespace {

// Words a read-only extraction never needs, compared with the upper-cased words of the query.
// (Statements such as COMMENT ON or ANALYZE are caught by the first-word rule; their words may be
// column names elsewhere.)
constexpr std::array<std::string_view, 41> kRefusedWords = {
    "INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "DROP", "CREATE", "ALTER", "TRUNCATE", "RENAME",
    "GRANT", "REVOKE", "COPY", "INTO", "CALL", "EXEC", "EXECUTE", "DO", "PREPARE", "DEALLOCATE", "LOCK", "UNLOCK",
    "SET", "RESET", "VACUUM", "ANALYZE", "REINDEX", "CLUSTER", "REFRESH", "ATTACH", "DETACH", "PRAGMA",
    "LOAD", "OUTFILE", "DUMPFILE", "HANDLER", "LISTEN", "NOTIFY", "BEGIN", "COMMIT", "ROLLBACK"};

// Functions that read files, sleep, or reach other servers.
constexpr std::array<std::string_view, 16> kRefusedFunctions = {
    "PG_READ_FILE", "PG_READ_BINARY_FILE", "PG_LS_DIR", "PG_STAT_FILE", "LO_IMPORT", "LO_EXPORT", "DBLINK",
    "DBLINK_EXEC", "PG_SLEEP", "PG_TERMINATE_BACKEND", "PG_CANCEL_BACKEND", "SET_CONFIG", "LOAD_FILE", "SLEEP",
    "BENCHMARK", "LOAD_EXTENSION"};

// The text with string literals, quoted identifiers and comments blanked out (newlines kept, so
// line numbers stay true). Quoting errors were already reported by SplitSqlScript.
std::string CodeOnly(std::string_view sql, SqlDialect dialect) {
  std::string out(sql);
  size_t i = 0;
  auto blank = [&](size_t from, size_t to) {
    for (size_t k = from; k < to && k < out.size(); ++k) {
      if (out[k] != '\n') out[k] = ' ';
    }
  };
  while (i < sql.size()) {
    char c = sql[i];
    if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      size_t end = sql.find('\n', i);
      end = end == std::string_view::npos ? sql.size() : end;
      blank(i, end);
      i = end;
    } else if (c == '#' && dialect == SqlDialect::kMysql) {
      size_t end = sql.find('\n', i);
      end = end == std::string_view::npos ? sql.size() : end;
      blank(i, end);
      i = end;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      size_t end = sql.find("*/", i + 2);
      end = end == std::string_view::npos ? sql.size() : end + 2;
      blank(i, end);
      i = end;
    } else if (c == '\'' || c == '"' || c == '`') {
      size_t k = i + 1;
      while (k < sql.size()) {
        if (sql[k] == '\\' && dialect == SqlDialect::kMysql && c != '`') {
          k += 2;
          continue;
        }
        if (sql[k] == c) {
          if (k + 1 < sql.size() && sql[k + 1] == c) {
            k += 2;
            continue;
          }
          break;
        }
        ++k;
      }
      blank(i, k + 1);
      i = k + 1;
    } else if (c == '$' && dialect == SqlDialect::kPostgres) {
      size_t k = i + 1;
      while (k < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[k])) || sql[k] == '_')) ++k;
      if (k < sql.size() && sql[k] == '$' && (k == i + 1 || !std::isdigit(static_cast<unsigned char>(sql[i + 1])))) {
        std::string tag(sql.substr(i, k - i + 1));
        size_t end = sql.find(tag, k + 1);
        end = end == std::string_view::npos ? sql.size() : end + tag.size();
        blank(i, end);
        i = end;
      } else {
        ++i;
      }
    } else {
      ++i;
    }
  }
  return out;
}

Status Refuse(const std::string& why) { return Status::InvalidArgument("/query: a proposal must be one read-only SELECT; " + why); }

}  // namespace

Status CheckExtractionSql(std::string_view sql, SqlDialect dialect) {
  auto statements = SplitSqlScript(sql, dialect);
  if (!statements.ok()) return Status::InvalidArgument("/query: " + statements.status().message());
  if (statements->empty()) return Status::InvalidArgument("/query: the query is empty");
  if (statements->size() > 1) {
    return Refuse("it has " + std::to_string(statements->size()) + " statements (the second starts on line " +
                  std::to_string((*statements)[1].line) + ")");
  }
  const std::string code = CodeOnly(sql, dialect);
  int line = 1;
  bool first = true;
  for (size_t i = 0; i < code.size();) {
    char c = code[i];
    if (c == '\n') ++line;
    if (!(std::isalpha(static_cast<unsigned char>(c)) || c == '_')) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < code.size() && (std::isalnum(static_cast<unsigned char>(code[end])) || code[end] == '_')) ++end;
    std::string word = code.substr(i, end - i);
    std::transform(word.begin(), word.end(), word.begin(), [](unsigned char ch) { return std::toupper(ch); });
    const std::string where = " (line " + std::to_string(line) + ")";
    if (first && word != "SELECT" && word != "WITH") return Refuse("it starts with " + word + where);
    first = false;
    if (std::find(kRefusedWords.begin(), kRefusedWords.end(), word) != kRefusedWords.end()) {
      return Refuse("it contains " + word + where);
    }
    if (std::find(kRefusedFunctions.begin(), kRefusedFunctions.end(), word) != kRefusedFunctions.end()) {
      return Refuse("it calls " + word + where);
    }
    i = end;
  }
  if (first) return Status::InvalidArgument("/query: the query is empty");
  return Status::OK();
}

}  // namespace logidata::assist

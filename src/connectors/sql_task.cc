#include "connectors/sql_task.h"

#include <cctype>

#include "connectors/connection_lookup.h"
#include "connectors/sql_task_session.h"
#include "module/operator.h"

namespace logidata {

namespace {

// What LookupConnection accepts (the descriptor's connection_types say the same).
Result<ConnectionConfig> LookupScriptConnection(ConnectionResolver* resolver, const std::string& name) {
  return LookupConnection(resolver, name, {"postgres", "postgresql", "mysql", "mariadb", "sqlite", "clickhouse"});
}

Result<std::unique_ptr<SqlScriptSession>> OpenSession(SqlDialect dialect, const ConnectionConfig& config,
                                                      const PathSandbox* sandbox, const std::atomic<bool>* cancelled) {
  if (config.type == "clickhouse") return OpenClickhouseScriptSession(config, cancelled);
  switch (dialect) {
    case SqlDialect::kPostgres: return OpenPostgresScriptSession(config);
    case SqlDialect::kMysql: return OpenMysqlScriptSession(config);
    case SqlDialect::kSqlite: return OpenSqliteScriptSession(config, sandbox);
  }
  return Status::Internal("unknown SQL dialect");
}

Result<SqlDialect> DialectOf(const std::string& type) {
  if (type == "postgres" || type == "postgresql") return SqlDialect::kPostgres;
  if (type == "mysql" || type == "mariadb") return SqlDialect::kMysql;
  if (type == "sqlite") return SqlDialect::kSqlite;
  // Lexically ClickHouse SQL is MySQL's: backquoted identifiers, backslash escapes, same comments.
  if (type == "clickhouse") return SqlDialect::kMysql;
  return Status::InvalidArgument("connection type '" + type + "' cannot run SQL scripts");
}

// ClickHouse cannot bind parameters: refuse a script that uses any before it runs at all.
Status CheckParametersSupported(const ConnectionConfig& config, const std::vector<BoundQuery>& bound) {
  if (config.type != "clickhouse") return Status::OK();
  for (size_t i = 0; i < bound.size(); ++i) {
    if (!bound[i].values.empty()) {
      return Status::InvalidArgument("statement " + std::to_string(i + 1) + " uses :" + bound[i].names[0] + ": " +
                                     kClickhouseNoParameters);
    }
  }
  return Status::OK();
}

// Statement text shortened for the run log and errors (one line, at most 200 characters).
std::string Abbreviate(const std::string& sql) {
  std::string out;
  bool space = false;
  for (char c : sql) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  if (out.size() > 200) out = out.substr(0, 197) + "...";
  return out;
}

class SqlTaskOperator final : public Operator {
 public:
  SqlTaskOperator(std::string connection, std::string script) : connection_(std::move(connection)), script_(std::move(script)) {}

  Status Open(ExecContext& ctx) override {
    ctx_ = &ctx;
    return Status::OK();
  }

  // Nothing to produce: the work happens in Commit, after the upstream loaders published.
  Result<bool> Produce(OperatorState*, Emitter&) override { return false; }

  Status Commit() override {
    if (ctx_ == nullptr) return Status::Internal("load.sql committed without Open");
    LD_ASSIGN_OR_RETURN(ConnectionConfig config, LookupScriptConnection(ctx_->connections, connection_));
    LD_ASSIGN_OR_RETURN(SqlDialect dialect, DialectOf(config.type));
    LD_ASSIGN_OR_RETURN(std::vector<ScriptStatement> statements, SplitSqlScript(script_, dialect));
    // Bind every statement's parameters before touching the database: a missing parameter runs nothing.
    std::vector<BoundQuery> bound;
    for (size_t i = 0; i < statements.size(); ++i) {
      auto q = BindNamedParameters(dialect, statements[i].text, ctx_->params);
      if (!q.ok()) return Prefix(i, statements[i], q.status());
      bound.push_back(std::move(*q));
    }
    LD_RETURN_IF_ERROR(CheckParametersSupported(config, bound));
    LD_ASSIGN_OR_RETURN(std::unique_ptr<SqlScriptSession> session,
                        OpenSession(dialect, config, ctx_->sandbox, ctx_->cancelled));
    LD_RETURN_IF_ERROR(session->Begin());
    for (size_t i = 0; i < bound.size(); ++i) {
      LD_RETURN_IF_ERROR(ctx_->CheckCancelled());
      auto rows = session->Run(bound[i]);
      if (!rows.ok()) {
        session->Rollback();
        ctx_->Log(LogLevel::kError, "statement " + std::to_string(i + 1) + " failed: " + Abbreviate(statements[i].text));
        return Prefix(i, statements[i], rows.status());
      }
      ctx_->Log(LogLevel::kInfo, "statement " + std::to_string(i + 1) + "/" + std::to_string(bound.size()) + ": " +
                                     Abbreviate(statements[i].text) + " — " +
                                     (*rows >= 0 ? std::to_string(*rows) + " rows affected" : std::string("done")));
    }
    Status committed = session->Commit();
    if (!committed.ok()) {
      session->Rollback();
      return committed.WithContext("committing the script");
    }
    return Status::OK();
  }

 private:
  static Status Prefix(size_t index, const ScriptStatement& s, const Status& st) {
    return Status(st.code(), "statement " + std::to_string(index + 1) + " (line " + std::to_string(s.line) + ": " +
                                 Abbreviate(s.text) + "): " + st.message());
  }

  std::string connection_;
  std::string script_;
  ExecContext* ctx_ = nullptr;
};

Result<std::unique_ptr<Operator>> MakeSqlTask(const BindContext& ctx) {
  const auto& cfg = ctx.cfg();
  std::string connection = cfg.value("connection", "");
  std::string script = cfg.value("sql", "");
  SqlDialect dialect = SqlDialect::kPostgres;
  ConnectionConfig config;
  if (ctx.connections != nullptr) {
    auto found = LookupScriptConnection(ctx.connections, connection);
    if (!found.ok()) return found.status();
    config = std::move(found).value();
    LD_ASSIGN_OR_RETURN(dialect, DialectOf(config.type));
  }
  auto statements = SplitSqlScript(script, dialect);
  if (!statements.ok()) return ConfigError("/sql", statements.status().message());
  if (statements->empty()) return ConfigError("/sql", "the script has no statements");
  // Every :parameter must have a value now, not halfway through the script.
  std::vector<BoundQuery> bound;
  for (size_t i = 0; i < statements->size(); ++i) {
    auto q = BindNamedParameters(dialect, (*statements)[i].text, ctx.params);
    if (!q.ok()) {
      return ConfigError("/sql", "statement " + std::to_string(i + 1) + " (line " + std::to_string((*statements)[i].line) +
                                     "): " + q.status().message());
    }
    bound.push_back(std::move(*q));
  }
  if (Status s = CheckParametersSupported(config, bound); !s.ok()) return ConfigError("/sql", s.message());
  return std::unique_ptr<Operator>(new SqlTaskOperator(std::move(connection), std::move(script)));
}

}  // namespace

Result<std::vector<ScriptStatement>> SplitSqlScript(std::string_view script, SqlDialect dialect) {
  std::vector<ScriptStatement> out;
  std::string current;
  bool has_content = false;
  int line = 1, start_line = 1;
  size_t i = 0;
  auto take = [&](size_t n) {
    for (size_t k = 0; k < n && i < script.size(); ++k, ++i) {
      if (script[i] == '\n') ++line;
      current.push_back(script[i]);
    }
  };
  auto finish = [&] {
    if (has_content) out.push_back({current, start_line});
    current.clear();
    has_content = false;
  };
  while (i < script.size()) {
    char c = script[i];
    if (c == '-' && i + 1 < script.size() && script[i + 1] == '-') {
      while (i < script.size() && script[i] != '\n') take(1);
      continue;
    }
    if (c == '/' && i + 1 < script.size() && script[i + 1] == '*') {
      int opened = line;
      size_t end = script.find("*/", i + 2);
      if (end == std::string_view::npos) return Status::InvalidArgument("unterminated /* comment starting on line " + std::to_string(opened));
      take(end + 2 - i);
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(c))) {
      take(1);
      continue;
    }
    if (c == ';') {
      ++i;
      finish();
      continue;
    }
    if (!has_content) {
      has_content = true;
      start_line = line;
      current.clear();  // drop leading whitespace and comments
    }
    if (c == '\'' || c == '"' || (c == '`' && dialect == SqlDialect::kMysql)) {
      int opened = line;
      take(1);
      while (true) {
        if (i >= script.size()) {
          return Status::InvalidArgument(std::string("unterminated ") + c + " quote starting on line " + std::to_string(opened));
        }
        if (script[i] == '\\' && dialect == SqlDialect::kMysql && c != '`') {
          take(2);
          continue;
        }
        if (script[i] == c) {
          if (i + 1 < script.size() && script[i + 1] == c) {  // doubled quote: an escaped one
            take(2);
            continue;
          }
          take(1);
          break;
        }
        take(1);
      }
      continue;
    }
    if (c == '$' && dialect == SqlDialect::kPostgres) {  // $$ … $$ or $tag$ … $tag$
      size_t k = i + 1;
      while (k < script.size() && (std::isalnum(static_cast<unsigned char>(script[k])) || script[k] == '_')) ++k;
      if (k < script.size() && script[k] == '$' && (k == i + 1 || !std::isdigit(static_cast<unsigned char>(script[i + 1])))) {
        std::string tag(script.substr(i, k - i + 1));
        size_t end = script.find(tag, k + 1);
        if (end == std::string_view::npos) {
          return Status::InvalidArgument("unterminated " + tag + " quote starting on line " + std::to_string(line));
        }
        take(end + tag.size() - i);
        continue;
      }
    }
    take(1);
  }
  finish();
  return out;
}

ModuleDescriptor SqlTaskModule() {
  ModuleDescriptor d;
  d.kind = ModuleKind::kLoad;
  d.name = "sql";
  d.summary = "Runs a parameterised SQL script in a database after its upstream loads committed.";
  d.description =
      "The ELT step: a SQL script (statements separated by `;`) runs in the named PostgreSQL, MySQL/MariaDB, "
      "SQLite or ClickHouse connection once the run succeeded and every loader with an edge into this node has "
      "published — e.g. `CREATE TABLE daily AS SELECT …` over the tables just loaded. The node has no data "
      "ports: an edge from a loader into it means \"after\". If a load fails the script never runs.\n\n"
      "Run parameters are written `:name` and bound as real query parameters, never spliced into the text "
      "(so they stand for values, not table names). The statements run in one transaction: on PostgreSQL and "
      "SQLite a failing statement leaves nothing behind; MySQL commits implicitly around DDL, so there only "
      "DML is rolled back. ClickHouse has neither transactions nor bound parameters: each statement takes "
      "effect on its own (those before a failing one stay), and a script using `:name` is refused before "
      "anything runs. The run log shows each statement and the rows it affected; a failing statement "
      "fails the run with its number and line.";
  d.category = "databases";
  d.icon = "database";
  d.connection_types = {"postgres", "postgresql", "mysql", "mariadb", "sqlite", "clickhouse"};
  d.config_schema = {
      {"type", "object"},
      {"required", {"connection", "sql"}},
      {"additionalProperties", false},
      {"properties",
       {{"connection", {{"type", "string"}, {"title", "Connection"}, {"minLength", 1},
                        {"description", "A PostgreSQL, MySQL/MariaDB, SQLite or ClickHouse connection."}}},
        {"sql", {{"type", "string"}, {"title", "SQL script"}, {"minLength", 1}, {"format", "sql"},
                 {"description", "Statements separated by ';'. Run parameters as :name."}}}}}};
  d.factory = MakeSqlTask;
  return d;
}

}  // namespace logidata

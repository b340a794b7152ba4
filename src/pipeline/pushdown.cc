#include "pipeline/pushdown.h"

#include <atomic>
#include <cctype>
#include <cmath>

#include "expression/parser.h"

namespace logidata {

namespace {

using expr::AstKind;
using expr::AstNode;

std::string QuoteName(std::string_view name, PushdownDialect dialect) {
  const char q = dialect == PushdownDialect::kMysql ? '`' : '"';
  std::string out(1, q);
  for (char c : name) {
    if (c == q) out.push_back(q);
    out.push_back(c);
  }
  out.push_back(q);
  return out;
}

// A literal as SQL text when it means exactly the same value there; `is_text` set for strings.
std::optional<std::string> LiteralSql(const Value& v, PushdownDialect dialect, bool* is_text) {
  *is_text = false;
  if (v.is_null()) return std::nullopt;
  switch (v.type().id) {
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kDecimal:
      return v.ToString();
    case TypeId::kString: {
      std::string s = v.string_value();
      if (s.find('\0') != std::string::npos) return std::nullopt;
      std::string out = "'";
      for (char c : s) {
        if (c == '\'') out += "''";
        else if (c == '\\' && dialect == PushdownDialect::kMysql) out += "\\\\";  // backslash escapes by default
        else out.push_back(c);
      }
      *is_text = true;
      return out + "'";
    }
    default:
      return std::nullopt;  // floats print inexactly; booleans, dates and times differ per dialect
  }
}

// Column or literal operand of a comparison.
std::optional<std::string> Operand(const AstNode& n, PushdownDialect dialect, bool* is_text, bool* is_column) {
  *is_text = false;
  *is_column = n.kind == AstKind::kColumn;
  if (n.kind == AstKind::kColumn) {
    if (n.name.empty() || n.name.find('\0') != std::string::npos) return std::nullopt;
    return QuoteName(n.name, dialect);
  }
  if (n.kind == AstKind::kLiteral) return LiteralSql(n.literal, dialect, is_text);
  if (n.kind == AstKind::kNegate && n.args.size() == 1 && n.args[0]->kind == AstKind::kLiteral) {
    auto inner = LiteralSql(n.args[0]->literal, dialect, is_text);
    if (!inner || *is_text) return std::nullopt;
    return "(-" + *inner + ")";
  }
  return std::nullopt;
}

// Text compares exactly only by equality, and not at all in MySQL (case-insensitive collations).
bool TextComparisonExact(const std::string& op, PushdownDialect dialect) {
  return dialect != PushdownDialect::kMysql && (op == "=" || op == "<>" || op == "!=");
}

std::optional<std::string> Translate(const AstNode& n, PushdownDialect dialect) {
  switch (n.kind) {
    case AstKind::kBinary: {
      static const char* kOps[] = {"=", "<>", "!=", "<", "<=", ">", ">="};
      bool known = false;
      for (const char* op : kOps) known |= n.name == op;
      if (!known || n.args.size() != 2) return std::nullopt;
      bool lt = false, rt = false, lc = false, rc = false;
      auto l = Operand(*n.args[0], dialect, &lt, &lc);
      auto r = Operand(*n.args[1], dialect, &rt, &rc);
      if (!l || !r || (!lc && !rc)) return std::nullopt;
      if ((lt || rt) && !TextComparisonExact(n.name, dialect)) return std::nullopt;
      if (lc && rc) return std::nullopt;  // column types unknown here: leave column-to-column to the engine
      return *l + " " + (n.name == "!=" ? std::string("<>") : n.name) + " " + *r;
    }
    case AstKind::kAnd:
    case AstKind::kOr: {
      std::string out;
      for (const auto& a : n.args) {
        auto t = Translate(*a, dialect);
        if (!t) return std::nullopt;
        out += (out.empty() ? "(" : (n.kind == AstKind::kAnd ? " AND " : " OR ")) + *t;
      }
      return out + ")";
    }
    case AstKind::kNot: {
      auto t = Translate(*n.args[0], dialect);
      if (!t) return std::nullopt;
      return "(NOT (" + *t + "))";
    }
    case AstKind::kIsNull: {
      if (n.args[0]->kind != AstKind::kColumn) return std::nullopt;
      bool text = false, column = false;
      auto c = Operand(*n.args[0], dialect, &text, &column);
      if (!c) return std::nullopt;
      return *c + (n.negated ? " IS NOT NULL" : " IS NULL");
    }
    case AstKind::kIn: {
      if (n.args.size() < 2 || n.args[0]->kind != AstKind::kColumn) return std::nullopt;
      bool text = false, column = false;
      auto c = Operand(*n.args[0], dialect, &text, &column);
      if (!c) return std::nullopt;
      std::string list;
      for (size_t i = 1; i < n.args.size(); ++i) {
        if (n.args[i]->kind != AstKind::kLiteral) return std::nullopt;
        bool is_text = false;
        auto v = LiteralSql(n.args[i]->literal, dialect, &is_text);  // NULL in the list: not pushed
        if (!v || (is_text && dialect == PushdownDialect::kMysql)) return std::nullopt;
        list += (list.empty() ? "" : ", ") + *v;
      }
      return *c + (n.negated ? " NOT IN (" : " IN (") + list + ")";
    }
    default:
      return std::nullopt;
  }
}

bool ContainsOrderBy(const std::string& sql) {
  std::string lower;
  for (char c : sql) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  size_t at = lower.find("order");
  while (at != std::string::npos) {
    size_t k = at + 5;
    while (k < lower.size() && std::isspace(static_cast<unsigned char>(lower[k]))) ++k;
    if (lower.compare(k, 2, "by") == 0) return true;
    at = lower.find("order", at + 1);
  }
  return false;
}

// The single consumer of node v's main output, or -1.
int SingleConsumer(const BoundPipeline& bound, int v) {
  const BoundNode& node = bound.nodes[static_cast<size_t>(v)];
  if (node.output_edges.size() != 1 || node.output_edges[0].size() != 1) return -1;
  int target = bound.edges[static_cast<size_t>(node.output_edges[0][0])].target_node;
  const BoundNode& t = bound.nodes[static_cast<size_t>(target)];
  if (t.skipped || t.module == nullptr || t.spec == nullptr) return -1;
  return target;
}

class PushdownLogOperator final : public Operator {
 public:
  PushdownLogOperator(std::unique_ptr<Operator> inner, std::string query) : inner_(std::move(inner)), query_(std::move(query)) {
    output_schemas_ = inner_->output_schemas();
  }
  Status Open(ExecContext& ctx) override {
    ctx_ = &ctx;
    return inner_->Open(ctx);
  }
  std::unique_ptr<OperatorState> MakeThreadState() override { return inner_->MakeThreadState(); }
  Status Consume(int port, const BatchPtr& batch, OperatorState* state, Emitter& out) override {
    return inner_->Consume(port, batch, state, out);
  }
  Status FinishPort(int port, const std::vector<OperatorState*>& states) override { return inner_->FinishPort(port, states); }
  bool EmitsOnConsume(int port) const override { return inner_->EmitsOnConsume(port); }
  std::vector<int> PortsRequiredBefore(int port) const override { return inner_->PortsRequiredBefore(port); }
  bool RequiresOrderedInput(int port) const override { return inner_->RequiresOrderedInput(port); }
  Result<bool> Produce(OperatorState* state, Emitter& out) override {
    // Logged on the first Produce: the executor attaches the run logger after opening operators.
    if (ctx_ != nullptr && !logged_.exchange(true)) ctx_->Log(LogLevel::kInfo, "pushed down: " + query_);
    return inner_->Produce(state, out);
  }
  int MaxProduceParallelism() const override { return inner_->MaxProduceParallelism(); }
  void SetRequiredColumns(const std::vector<int>& columns) override { inner_->SetRequiredColumns(columns); }
  std::optional<std::vector<int>> InputColumnsNeeded(int port, const std::vector<int>& needed) const override {
    return inner_->InputColumnsNeeded(port, needed);
  }
  Status Commit() override { return inner_->Commit(); }
  void Abort() override { inner_->Abort(); }
  int64_t MemoryUsage() const override { return inner_->MemoryUsage(); }
  bool UsesMemoryBudget() const override { return inner_->UsesMemoryBudget(); }
  double ProgressFraction() const override { return inner_->ProgressFraction(); }

 private:
  std::unique_ptr<Operator> inner_;
  std::string query_;
  ExecContext* ctx_ = nullptr;
  std::atomic<bool> logged_{false};
};

// A node whose work the extractor's query already did: its rows pass through, relabelled with the
// node's own output schema (same names and types; the database may differ in nullability).
class PushedDownNodeOperator final : public Operator {
 public:
  explicit PushedDownNodeOperator(SchemaPtr schema) { output_schemas_ = {std::move(schema)}; }
  Status Consume(int, const BatchPtr& batch, OperatorState*, Emitter& out) override {
    return out.Emit(Batch::Make(output_schemas_[0], batch->columns(), batch->num_rows()));
  }
};

}  // namespace

std::unique_ptr<Operator> LogPushdown(std::unique_ptr<Operator> inner, std::string query) {
  return std::make_unique<PushdownLogOperator>(std::move(inner), std::move(query));
}

std::optional<std::string> TranslateFilter(std::string_view expression, PushdownDialect dialect, bool* complete) {
  *complete = false;
  auto ast = expr::ParseExpression(expression);
  if (!ast.ok()) return std::nullopt;
  const AstNode& root = **ast;
  if (auto whole = Translate(root, dialect)) {
    *complete = true;
    return whole;
  }
  if (root.kind != AstKind::kAnd) return std::nullopt;
  std::string out;  // the translatable AND terms: exact for the rows they reject
  for (const auto& a : root.args) {
    if (auto t = Translate(*a, dialect)) out += (out.empty() ? "(" : " AND ") + *t;
  }
  if (out.empty()) return std::nullopt;
  return out + ")";
}

namespace {

// The dialect of a database extractor whose config allows pushdown, or nullopt.
std::optional<PushdownDialect> PushdownDialectOf(const BoundNode& node, const nlohmann::json& config) {
  if (node.module == nullptr || node.module->kind != ModuleKind::kExtract) return std::nullopt;
  PushdownDialect dialect;
  if (node.module->name == "postgres") dialect = PushdownDialect::kPostgres;
  else if (node.module->name == "mysql") dialect = PushdownDialect::kMysql;
  else if (node.module->name == "sqlite") dialect = PushdownDialect::kSqlite;
  else return std::nullopt;
  if (!config.is_object() || !config.value("pushdown", true)) return std::nullopt;
  if (!config.value("incremental_column", std::string()).empty()) return std::nullopt;  // watermark logic wraps the query itself
  return dialect;
}

// The extractor's own query (a table as SELECT *), without a trailing semicolon; nullopt when
// the config names neither or both (the extractor reports that).
std::optional<std::string> BaseQuery(const nlohmann::json& config, PushdownDialect dialect) {
  std::string base = config.value("query", std::string());
  const std::string table = config.value("table", std::string());
  if (base.empty() == table.empty()) return std::nullopt;
  if (base.empty()) {
    std::string schema = config.value("schema", std::string());
    base = "SELECT * FROM " + (schema.empty() ? "" : QuoteName(schema, dialect) + ".") + QuoteName(table, dialect);
  }
  while (!base.empty() && (std::isspace(static_cast<unsigned char>(base.back())) || base.back() == ';')) base.pop_back();
  return base;
}

// The SQL type a pushed aggregate is cast to so the database reports `type`, or "" when the
// engine's type has no exact counterpart in the dialect.
std::string CastTypeSql(const DataType& type, PushdownDialect dialect) {
  switch (type.id) {
    case TypeId::kInt64:
      return dialect == PushdownDialect::kPostgres ? "BIGINT" : dialect == PushdownDialect::kMysql ? "SIGNED" : "INTEGER";
    case TypeId::kFloat64:
      return dialect == PushdownDialect::kPostgres ? "DOUBLE PRECISION" : dialect == PushdownDialect::kMysql ? "DOUBLE" : "REAL";
    case TypeId::kDecimal:
      if (dialect == PushdownDialect::kSqlite) return "";
      return std::string(dialect == PushdownDialect::kPostgres ? "NUMERIC(" : "DECIMAL(") + std::to_string(type.precision) + "," +
             std::to_string(type.scale) + ")";
    default:
      return "";
  }
}

}  // namespace

std::optional<AggregatePushdownPlan> PlanAggregatePushdown(const BoundPipeline& bound, int v, const nlohmann::json& config) {
  auto dialect = PushdownDialectOf(bound.nodes[static_cast<size_t>(v)], config);
  if (!dialect) return std::nullopt;
  auto base = BaseQuery(config, *dialect);
  if (!base) return std::nullopt;
  AggregatePushdownPlan plan;
  plan.dialect = *dialect;
  plan.base = *base;
  for (int cur = SingleConsumer(bound, v); cur >= 0; cur = SingleConsumer(bound, cur)) {
    const BoundNode& t = bound.nodes[static_cast<size_t>(cur)];
    const nlohmann::json& cfg = t.spec->config;
    const std::string key = t.module->key();
    if (key == "transform.aggregate") {
      plan.aggregate = cur;
      return plan;
    }
    // A filter is absorbed (it does not run again), so all of it must be in the query.
    if (key != "transform.filter" || t.module->outputs.size() != 1) return std::nullopt;
    if (!cfg.contains("expression") || !cfg["expression"].is_string()) return std::nullopt;
    bool complete = false;
    auto sql = TranslateFilter(cfg["expression"].get<std::string>(), *dialect, &complete);
    if (!sql || !complete) return std::nullopt;
    plan.where.push_back(*sql);
    plan.filters.push_back(cur);
  }
  return std::nullopt;
}

std::optional<std::string> AggregatePushdownQuery(const AggregatePushdownPlan& plan, const nlohmann::json& aggregate_config,
                                                  const Schema& input, const Schema& output) {
  const PushdownDialect dialect = plan.dialect;
  const nlohmann::json* group_by = aggregate_config.contains("group_by") ? &aggregate_config["group_by"] : nullptr;
  const nlohmann::json* aggregates = aggregate_config.contains("aggregates") ? &aggregate_config["aggregates"] : nullptr;
  const size_t num_groups = group_by != nullptr && group_by->is_array() ? group_by->size() : 0;
  const size_t num_aggs = aggregates != nullptr && aggregates->is_array() ? aggregates->size() : 0;
  if (static_cast<size_t>(output.num_fields()) != num_groups + num_aggs) return std::nullopt;
  std::string select, groups;
  for (size_t g = 0; g < num_groups; ++g) {
    if (!(*group_by)[g].is_string()) return std::nullopt;
    const std::string name = (*group_by)[g].get<std::string>();
    const int c = input.FieldIndex(name);
    if (c < 0 || name.find('\0') != std::string::npos) return std::nullopt;
    const TypeId id = input.field(c).type.id;
    // Floats group -0/0 and NaN their own way; MySQL groups text case-insensitively.
    if (id == TypeId::kFloat64 || id == TypeId::kNull) return std::nullopt;
    if (dialect == PushdownDialect::kMysql && (id == TypeId::kString || id == TypeId::kBinary)) return std::nullopt;
    const std::string q = QuoteName(name, dialect);
    select += (select.empty() ? "" : ", ") + q;
    groups += (groups.empty() ? "" : ", ") + q;
  }
  for (size_t a = 0; a < num_aggs; ++a) {
    const nlohmann::json& item = (*aggregates)[a];
    if (!item.is_object() || !item.contains("function") || !item["function"].is_string()) return std::nullopt;
    const std::string fn = item["function"].get<std::string>();
    const std::string column = item.contains("column") && item["column"].is_string() ? item["column"].get<std::string>() : "";
    const Field& out = output.field(static_cast<int>(num_groups + a));
    std::string arg = "*";
    const DataType* in_type = nullptr;
    if (!column.empty()) {
      const int c = input.FieldIndex(column);
      if (c < 0 || column.find('\0') != std::string::npos) return std::nullopt;
      arg = QuoteName(column, dialect);
      in_type = &input.field(c).type;
    }
    std::string call;
    if (fn == "count") {
      call = "COUNT(" + arg + ")";
    } else if (in_type == nullptr) {
      return std::nullopt;
    } else if (fn == "sum" && (in_type->IsInteger() || in_type->id == TypeId::kDecimal)) {
      call = "SUM(" + arg + ")";
    } else if (fn == "avg" && in_type->IsInteger()) {
      call = "AVG(" + arg + ")";  // exact in the database, one rounding to double; the engine's int sum is exact too
    } else if ((fn == "min" || fn == "max") &&
               (in_type->IsInteger() || in_type->id == TypeId::kDecimal || in_type->id == TypeId::kDate ||
                in_type->id == TypeId::kTimestamp)) {
      call = (fn == "min" ? "MIN(" : "MAX(") + arg + ")";
    } else {
      return std::nullopt;  // count_distinct, first, last, stddev; sums of floats depend on the order
    }
    // min and max keep the column's own type, except PostgreSQL's numeric, which loses its typmod.
    const bool keeps_type = (fn == "min" || fn == "max") &&
                            !(dialect == PushdownDialect::kPostgres && out.type.id == TypeId::kDecimal);
    if (!keeps_type) {
      const std::string cast = CastTypeSql(out.type, dialect);
      if (cast.empty()) return std::nullopt;
      call = "CAST(" + call + " AS " + cast + ")";
    }
    if (out.name.find('\0') != std::string::npos) return std::nullopt;
    select += (select.empty() ? "" : ", ") + call + " AS " + QuoteName(out.name, dialect);
  }
  if (select.empty()) return std::nullopt;
  std::string sql = "SELECT " + select + " FROM (" + plan.base + "\n) AS q";
  for (size_t i = 0; i < plan.where.size(); ++i) sql += (i == 0 ? " WHERE " : " AND ") + plan.where[i];
  if (!groups.empty()) sql += " GROUP BY " + groups;
  return sql;
}

std::unique_ptr<Operator> MakePushedDownNode(SchemaPtr schema) {
  return std::make_unique<PushedDownNodeOperator>(std::move(schema));
}

std::optional<std::string> PushDownIntoExtractor(const BoundPipeline& bound, int v, nlohmann::json& config) {
  auto dialect_of = PushdownDialectOf(bound.nodes[static_cast<size_t>(v)], config);
  if (!dialect_of) return std::nullopt;
  const PushdownDialect dialect = *dialect_of;
  auto base_of = BaseQuery(config, dialect);
  if (!base_of) return std::nullopt;
  std::string base = *base_of;
  const bool ordered = ContainsOrderBy(base);
  if (ordered && dialect == PushdownDialect::kMysql) return std::nullopt;  // MariaDB drops ORDER BY in derived tables

  std::vector<std::string> where;
  std::string columns = "*";
  std::optional<int64_t> limit;
  for (int cur = SingleConsumer(bound, v); cur >= 0; cur = SingleConsumer(bound, cur)) {
    const BoundNode& t = bound.nodes[static_cast<size_t>(cur)];
    const nlohmann::json& cfg = t.spec->config;
    const std::string key = t.module->key();
    if (key == "transform.filter" && columns == "*" && !limit) {
      if (!cfg.contains("expression") || !cfg["expression"].is_string()) break;
      bool complete = false;
      auto sql = TranslateFilter(cfg["expression"].get<std::string>(), dialect, &complete);
      if (sql) where.push_back(*sql);
      if (!complete) break;  // rows the engine still drops: nothing after it may be pushed
      continue;
    }
    if (key == "transform.select" && columns == "*" && !limit) {
      if (!cfg.contains("columns") || !cfg["columns"].is_array()) break;
      std::string list;
      for (const auto& c : cfg["columns"]) {
        if (!c.is_object() || !c.contains("name") || !c["name"].is_string()) return std::nullopt;
        list += (list.empty() ? "" : ", ") + QuoteName(c["name"].get<std::string>(), dialect);
      }
      if (list.empty()) break;
      columns = list;
      break;  // downstream names may be renamed ones: stop here
    }
    if (key == "transform.limit" && !ordered) {
      if (!cfg.contains("n") || !cfg["n"].is_number_integer()) break;
      int64_t n = cfg["n"].get<int64_t>();
      int64_t offset = cfg.contains("offset") && cfg["offset"].is_number_integer() ? cfg["offset"].get<int64_t>() : 0;
      if (n < 0 || offset < 0 || n > (int64_t{1} << 62) || offset > (int64_t{1} << 62)) break;
      limit = n + offset;  // the engine's limit still skips the offset
      break;
    }
    break;
  }
  if (where.empty() && columns == "*" && !limit) return std::nullopt;
  // The newline ends a trailing "-- comment" in the user's query before the closing parenthesis.
  std::string sql = "SELECT " + columns + " FROM (" + base + "\n) AS q";
  for (size_t i = 0; i < where.size(); ++i) sql += (i == 0 ? " WHERE " : " AND ") + where[i];
  if (limit) sql += " LIMIT " + std::to_string(*limit);
  config["query"] = sql;
  config.erase("table");
  config.erase("schema");
  return sql;
}

}  // namespace logidata

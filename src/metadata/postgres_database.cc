#include "metadata/postgres_database.h"

#include <libpq-fe.h>

#include <cstdio>

#include "metadata/connection_pool.h"

namespace logidata {
namespace {

// "… WHERE a = ? AND b = ?" → "… WHERE a = $1 AND b = $2". Our SQL never puts '?' in literals.
std::string NumberPlaceholders(const std::string& sql) {
  std::string out;
  out.reserve(sql.size() + 8);
  int n = 0;
  for (char c : sql) {
    if (c == '?') {
      out += '$';
      out += std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

class PostgresConnection final : public DbConnection {
 public:
  explicit PostgresConnection(std::string url) : url_(std::move(url)) {}
  ~PostgresConnection() override {
    if (conn_) PQfinish(conn_);
  }

  Status Connect() {
    if (conn_ && PQstatus(conn_) == CONNECTION_OK) return Status::OK();
    if (conn_) PQfinish(conn_);
    conn_ = PQconnectdb(url_.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) {
      std::string msg = PQerrorMessage(conn_);
      PQfinish(conn_);
      conn_ = nullptr;
      while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
      return Status::Unavailable("cannot connect to PostgreSQL: " + msg);
    }
    PGresult* r = PQexec(conn_, "SET client_min_messages TO warning");
    PQclear(r);
    return Status::OK();
  }

  Result<DbResult> Query(const std::string& sql, const DbParams& params) override {
    LD_RETURN_IF_ERROR(Connect());
    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (size_t i = 0; i < params.size(); ++i) {
      const DbValue& v = params[i];
      if (std::holds_alternative<std::nullptr_t>(v)) continue;
      if (auto* n = std::get_if<int64_t>(&v)) {
        texts[i] = std::to_string(*n);
      } else if (auto* d = std::get_if<double>(&v)) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.17g", *d);
        texts[i] = buf;
      } else {
        texts[i] = std::get<std::string>(v);
      }
      values[i] = texts[i].c_str();
    }
    std::string numbered = NumberPlaceholders(sql);
    PGresult* res = PQexecParams(conn_, numbered.c_str(), static_cast<int>(params.size()), nullptr, values.data(),
                                 nullptr, nullptr, 0);
    std::unique_ptr<PGresult, void (*)(PGresult*)> guard(res, PQclear);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
      std::string code = state ? state : "";
      std::string msg = PQresultErrorMessage(res);
      while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
      if (PQstatus(conn_) != CONNECTION_OK) return Status::Unavailable("PostgreSQL connection lost: " + msg);
      if (code == "23505") return Status::AlreadyExists(msg);
      if (code.rfind("23", 0) == 0 || code.rfind("22", 0) == 0) return Status::InvalidArgument(msg);
      if (code == "40001" || code == "40P01" || code == "55P03") return Status::Unavailable(msg);
      return Status::Internal("PostgreSQL: " + msg);
    }
    DbResult result;
    int ncols = PQnfields(res);
    for (int c = 0; c < ncols; ++c) result.columns->push_back(PQfname(res, c));
    int nrows = PQntuples(res);
    result.rows.reserve(nrows);
    for (int r = 0; r < nrows; ++r) {
      std::vector<std::optional<std::string>> row(ncols);
      for (int c = 0; c < ncols; ++c) {
        if (PQgetisnull(res, r, c)) continue;
        row[c] = std::string(PQgetvalue(res, r, c), PQgetlength(res, r, c));
      }
      result.rows.emplace_back(result.columns.get(), std::move(row));
    }
    const char* affected = PQcmdTuples(res);
    result.affected = (affected && *affected) ? std::strtoll(affected, nullptr, 10) : 0;
    return result;
  }

 private:
  std::string url_;
  PGconn* conn_ = nullptr;
};

class PostgresDatabase final : public Database {
 public:
  DbDialect dialect() const override { return DbDialect::kPostgres; }

  Status Open(const std::string& url, int pool_size) {
    for (int i = 0; i < pool_size; ++i) {
      auto conn = std::make_unique<PostgresConnection>(url);
      // The first connection must work so a wrong URL fails at start; the rest connect lazily.
      if (i == 0) LD_RETURN_IF_ERROR(conn->Connect());
      pool_.Add(std::move(conn));
    }
    return Status::OK();
  }

  Result<DbResult> Query(const std::string& sql, const DbParams& params) override {
    auto lease = pool_.Acquire();
    return lease->Query(sql, params);
  }

  Status Transact(const std::function<Status(DbConnection&)>& body) override {
    auto lease = pool_.Acquire();
    auto begin = lease->Query("BEGIN", {});
    if (!begin.ok()) return begin.status();
    Status st = body(*lease);
    if (!st.ok()) {
      (void)lease->Query("ROLLBACK", {});
      return st;
    }
    auto commit = lease->Query("COMMIT", {});
    if (!commit.ok()) {
      (void)lease->Query("ROLLBACK", {});
      return commit.status();
    }
    return Status::OK();
  }

 private:
  ConnectionPool<PostgresConnection> pool_;
};

}  // namespace

Result<std::unique_ptr<Database>> OpenPostgresDatabase(const std::string& url, int pool_size) {
  auto db = std::make_unique<PostgresDatabase>();
  LD_RETURN_IF_ERROR(db->Open(url, pool_size < 1 ? 1 : pool_size));
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace logidata

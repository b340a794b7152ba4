#include "connectors/postgres/pg_copy_decoder.h"

#include <cstring>
#include <memory>

#include "connectors/postgres/pg_types.h"

namespace logidata {

namespace {

// "PGCOPY\n\377\r\n\0", then int32 flags and int32 header-extension length.
constexpr char kSignature[] = "PGCOPY\n\377\r\n";
constexpr size_t kSignatureBytes = 11;

}  // namespace

Result<bool> PgCopyDecoder::ReadRows(PgConnection& conn, std::vector<ColumnBuilder>& builders, int64_t max_rows,
                                     int64_t row_base) {
  while (builders[0].length() < max_rows) {
    char* buf = nullptr;
    int len = PQgetCopyData(conn.get(), &buf, 0);
    if (len == -1) {
      PgResultPtr r(PQgetResult(conn.get()));
      if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) return conn.ErrorFrom(r.get(), context_);
      // Drain so the connection is ready for the next statement.
      while (PGresult* extra = PQgetResult(conn.get())) PQclear(extra);
      return false;
    }
    if (len < 0) {
      return conn.ErrorFrom(nullptr, context_ + ": stream broken after " +
                                         std::to_string(row_base + builders[0].length()) + " rows");
    }
    std::unique_ptr<char, decltype(&PQfreemem)> holder(buf, &PQfreemem);
    const char* p = buf;
    const char* end = buf + len;
    if (!header_seen_) {
      if (len < 19 || std::memcmp(p, kSignature, kSignatureBytes) != 0) {
        return Status::DataError(context_ + ": unexpected COPY header");
      }
      p += 15;
      uint32_t extension = GetBE32(p);
      p += 4;
      if (extension > static_cast<uint32_t>(end - p)) return Status::DataError(context_ + ": truncated COPY header");
      p += extension;
      header_seen_ = true;
      if (p >= end) continue;
    }
    LD_RETURN_IF_ERROR(DecodeRow(p, end, builders, row_base + builders[0].length() + 1));
  }
  return true;
}

Status PgCopyDecoder::DecodeRow(const char* p, const char* end, std::vector<ColumnBuilder>& builders, int64_t row) {
  if (end - p < 2) return Status::DataError(context_ + ": truncated COPY row " + std::to_string(row));
  int16_t nfields = static_cast<int16_t>(GetBE16(p));
  p += 2;
  if (nfields == -1) return Status::OK();  // the trailer
  const size_t ncols = builders.size();
  if (static_cast<size_t>(nfields) != ncols) {
    return Status::DataError(context_ + ": COPY row has " + std::to_string(nfields) + " fields, expected " +
                             std::to_string(ncols));
  }
  const std::vector<uint32_t>& oids = *decode_oids_;
  for (size_t c = 0; c < ncols; ++c) {
    if (end - p < 4) return Status::DataError(context_ + ": truncated COPY row " + std::to_string(row));
    int32_t flen = static_cast<int32_t>(GetBE32(p));
    p += 4;
    if (flen < 0) {
      builders[c].AppendNull();
      continue;
    }
    if (flen > end - p) return Status::DataError(context_ + ": truncated COPY field in row " + std::to_string(row));
    Status s = AppendPgBinary(oids[c], p, flen, builders[c]);
    if (!s.ok()) return s.WithContext(context_ + ": row " + std::to_string(row) + ", column '" + schema_->field(static_cast<int>(c)).name + "'");
    p += flen;
  }
  return Status::OK();
}

}  // namespace logidata

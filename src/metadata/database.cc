#include "metadata/database.h"

#include <chrono>
#include <cstdio>
#include <ctime>

#include <openssl/rand.h>

#include "common/check.h"
#include "metadata/postgres_database.h"
#include "metadata/sqlite_database.h"

namespace logidata {

size_t DbRow::Index(std::string_view column) const {
  for (size_t i = 0; i < names_->size(); ++i) {
    if ((*names_)[i] == column) return i;
  }
  internal::CheckFailed(__FILE__, __LINE__, "column exists", std::string(column));
}

bool DbRow::IsNull(std::string_view column) const { return !values_[Index(column)].has_value(); }

const std::string& DbRow::Str(std::string_view column) const {
  static const std::string kEmpty;
  const auto& v = values_[Index(column)];
  return v ? *v : kEmpty;
}

std::optional<std::string> DbRow::OptStr(std::string_view column) const { return values_[Index(column)]; }

int64_t DbRow::Int(std::string_view column) const {
  const auto& v = values_[Index(column)];
  if (!v || v->empty()) return 0;
  // PostgreSQL booleans come back as "t"/"f".
  if (*v == "t") return 1;
  if (*v == "f") return 0;
  return std::strtoll(v->c_str(), nullptr, 10);
}

double DbRow::Real(std::string_view column) const {
  const auto& v = values_[Index(column)];
  if (!v || v->empty()) return 0;
  return std::strtod(v->c_str(), nullptr);
}

Status Database::Ping() {
  auto r = Query("SELECT 1 AS one");
  return r.ok() ? Status::OK() : r.status();
}

Result<std::unique_ptr<Database>> OpenDatabase(const std::string& url_or_path, int pool_size) {
  if (url_or_path.rfind("postgresql://", 0) == 0 || url_or_path.rfind("postgres://", 0) == 0) {
    return OpenPostgresDatabase(url_or_path, pool_size);
  }
  return OpenSqliteDatabase(url_or_path, pool_size);
}

std::string IsoFromUnixMillis(int64_t millis) {
  time_t secs = static_cast<time_t>(millis / 1000);
  int ms = static_cast<int>(millis % 1000);
  if (ms < 0) {
    ms += 1000;
    --secs;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];  // room for any int the fields can hold: no truncation
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  return buf;
}

std::string NowIso8601() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return IsoFromUnixMillis(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

Result<int64_t> UnixMillisFromIso(std::string_view iso) {
  int y, mo, d, h = 0, mi = 0, s = 0, ms = 0;
  std::string text(iso);
  int n = std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3d", &y, &mo, &d, &h, &mi, &s, &ms);
  if (n < 3 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) {
    return Status::InvalidArgument("not an ISO-8601 timestamp: '" + text.substr(0, 40) + "'");
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + ms;
}

std::string NewId() {
  unsigned char bytes[16];
  LD_CHECK(RAND_bytes(bytes, sizeof bytes) == 1);
  static const char* kHex = "0123456789abcdef";
  std::string out(32, '0');
  for (int i = 0; i < 16; ++i) {
    out[2 * i] = kHex[bytes[i] >> 4];
    out[2 * i + 1] = kHex[bytes[i] & 15];
  }
  return out;
}

}  // namespace logidata

// JsonLogFormatter: an spdlog formatter writing each log line as one JSON object —
//   {"time":"2026-12-06T23:40:01.123Z","level":"info","message":"…","request_id":"…","run_id":"…"}
// — for log shippers (Loki, Elasticsearch, CloudWatch) that index fields rather than parse text.
// The ids come from the writing thread's LogContext and appear only when set. Credentials that
// slip into a message (a URL's password, password=/token=/secret= pairs) are masked as "***"
// before the line is written. Thread-safety: format() is called under the sink's lock; the
// formatter keeps no state between lines.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <spdlog/formatter.h>

#include "common/status.h"

namespace logidata {

class JsonLogFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

// `text` with credentials masked: "postgresql://u:pw@h" -> "postgresql://u:***@h",
// "password=pw" / "token: pw" / "secret=pw" (any case, also inside longer keys such as
// api_token=) -> "password=***".
std::string MaskCredentials(std::string_view text);

// Applies --log-format to the default logger: "text" (spdlog's default pattern) or "json".
// InvalidArgument naming the option for anything else.
Status SetLogFormat(const std::string& format);

}  // namespace logidata

#include "server/json_log_formatter.h"

#include <chrono>
#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>
#include <re2/re2.h>
#include <spdlog/spdlog.h>

#include "common/log_context.h"

namespace logidata {
namespace {

std::string IsoTime(spdlog::log_clock::time_point tp) {
  auto since = tp.time_since_epoch();
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(since);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since - secs).count();
  std::time_t t = static_cast<std::time_t>(secs.count());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(millis));
  return buf;
}

// JSON string text of `s`; bytes that are not UTF-8 become U+FFFD rather than an exception.
std::string Quoted(std::string_view s) {
  return nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string MaskCredentials(std::string_view text) {
  // A URL's userinfo password: scheme://user:password@host.
  static const RE2 kUrlPassword(R"((\b[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*:)[^@\s/]+@)");
  // key=value or key: value where the key names a credential (password, passwd, pwd, secret,
  // token, api_key…); the value runs to the next space, quote, comma, semicolon or ampersand.
  static const RE2 kKeyValue(
      R"((?i)(\b[A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key)["']?\s*[=:]\s*["']?)[^\s"',;&]+)");
  std::string out(text);
  RE2::GlobalReplace(&out, kUrlPassword, R"(\1***@)");
  RE2::GlobalReplace(&out, kKeyValue, R"(\1***)");
  return out;
}

void JsonLogFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  std::string line = "{\"time\":\"" + IsoTime(msg.time) + "\",\"level\":";
  auto level = spdlog::level::to_string_view(msg.level);
  line += Quoted(std::string_view(level.data(), level.size()));
  line += ",\"message\":" + Quoted(MaskCredentials(std::string_view(msg.payload.data(), msg.payload.size())));
  if (msg.logger_name.size() > 0) {
    line += ",\"logger\":" + Quoted(std::string_view(msg.logger_name.data(), msg.logger_name.size()));
  }
  const LogContext& context = CurrentLogContext();
  if (!context.request_id.empty()) line += ",\"request_id\":" + Quoted(context.request_id);
  if (!context.run_id.empty()) line += ",\"run_id\":" + Quoted(context.run_id);
  if (!context.org_id.empty()) line += ",\"org_id\":" + Quoted(context.org_id);
  line += ",\"thread\":" + std::to_string(msg.thread_id) + "}\n";
  dest.append(line.data(), line.data() + line.size());
}

std::unique_ptr<spdlog::formatter> JsonLogFormatter::clone() const { return std::make_unique<JsonLogFormatter>(); }

Status SetLogFormat(const std::string& format) {
  if (format == "text") return Status::OK();
  if (format != "json") return Status::InvalidArgument("--log-format: expected text or json, got '" + format + "'");
  spdlog::set_formatter(std::make_unique<JsonLogFormatter>());
  return Status::OK();
}

}  // namespace logidata

// ClickhouseClient: talks to a ClickHouse server over its HTTP interface (one statement per
// request; the user and password as HTTP basic auth, never in the URL; the connection's database
// as the `database` parameter). Every socket it opens is checked against the connection's egress
// policy (CurlEgressGuard), so a tenant's ClickHouse URL cannot reach internal addresses.
//
// ClickhouseStream reads one SELECT's result line by line while the server sends it. It pauses
// the transfer once about 1 MiB of unread lines is buffered, so memory stays bounded (plus the
// longest line) whatever the result's size.
//
// A client is not thread-safe (one per thread); it is cheap to copy the connection into several.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "module/connection.h"

namespace logidata {

// The connection's base URL: "http(s)://host:port". `host` is either a bare host name (port
// default 8123, or 8443 with option "secure": true) or an http(s) URL without path, query or
// user info. InvalidArgument naming the connection otherwise.
Result<std::string> ClickhouseBaseUrl(const ConnectionConfig& config);

// `name` in backquotes, backslash and backquote escaped. Rejects empty names and NUL bytes.
Result<std::string> QuoteClickhouseIdentifier(std::string_view name, std::string_view what = "identifier");
// A ClickHouse string literal: '…' with backslash and quote escaped.
std::string ClickhouseStringLiteral(std::string_view text);

class ClickhouseClient {
 public:
  // Checks the URL; connects lazily. `cancelled` (may be null) aborts a running request.
  static Result<ClickhouseClient> Make(const ConnectionConfig& config, const std::atomic<bool>* cancelled = nullptr);

  // Runs one statement (no body) and returns the response body (at most 64 MiB).
  Result<std::string> Execute(const std::string& sql) const;
  // Runs `sql` (an INSERT … FORMAT …) with `data` as the request body.
  Status Insert(const std::string& sql, const std::string& data) const;
  // The URL for `sql` (the query as a URL parameter) and the extra `settings` ("k=v&…").
  std::string QueryUrl(const std::string& sql, const std::string& settings = "") const;

  // Limits each request to `seconds` (0 = no limit, the default: a large INSERT may take long).
  void set_timeout(double seconds) { timeout_seconds_ = seconds; }

  const ConnectionConfig& config() const { return config_; }
  const std::atomic<bool>* cancelled() const { return cancelled_; }

 private:
  Result<std::string> Post(const std::string& sql, const std::string& body) const;

  ConnectionConfig config_;
  std::string base_url_;
  const std::atomic<bool>* cancelled_ = nullptr;
  double timeout_seconds_ = 0;
};

class ClickhouseStream {
 public:
  ~ClickhouseStream();
  ClickhouseStream(const ClickhouseStream&) = delete;
  ClickhouseStream& operator=(const ClickhouseStream&) = delete;

  // Starts `sql` (with `settings`, "k=v&…"); waits for the response status. A non-200 answer is
  // an error carrying the server's message.
  static Result<std::unique_ptr<ClickhouseStream>> Open(const ClickhouseClient& client, const std::string& sql,
                                                       const std::string& settings = "");
  // The next line without its '\n' (valid until the next call); false at the end of the result.
  // A transfer cut short is Unavailable.
  Result<bool> NextLine(std::string_view* line);
  // Bytes received so far.
  int64_t bytes() const { return bytes_; }
  // Bytes currently buffered (for tests of bounded memory).
  size_t buffered() const { return buffer_.capacity(); }

 private:
  ClickhouseStream() = default;
  // Receives more data; false when the transfer ended.
  Result<bool> Pump();
  Status TransferError();
  static size_t OnData(char* data, size_t size, size_t n, void* self);

  void* multi_ = nullptr;  // CURLM*
  void* easy_ = nullptr;   // CURL*
  std::unique_ptr<class CurlEgressGuard> guard_;
  const std::atomic<bool>* cancelled_ = nullptr;
  std::string url_, password_, user_;
  std::string buffer_;
  size_t pos_ = 0;
  bool done_ = false;
  bool paused_ = false;  // the write callback paused the transfer: unread lines are buffered
  int result_ = 0;  // CURLcode once done
  int64_t bytes_ = 0;
};

}  // namespace logidata

// ReadRawHttpRequest: reads one HTTP/1.1 request (head and Content-Length body) from a connected
// socket, for the tiny real HTTP servers the server tests run on loopback (webhook receiver, JSON
// API server). Blocking; gives up after 10 s without data.
#pragma once

#include <sys/socket.h>

#include <algorithm>
#include <map>
#include <string>

namespace logidata::testing {

struct RawHttpRequest {
  std::string method, path, body;
  std::map<std::string, std::string> headers;  // lower-case names
};

// False when the connection closed before a whole head arrived.
inline bool ReadRawHttpRequest(int c, RawHttpRequest* req) {
  timeval tv{10, 0};
  setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string data;
  char buf[4096];
  size_t head_end = std::string::npos;
  while (head_end == std::string::npos) {
    ssize_t n = recv(c, buf, sizeof buf, 0);
    if (n <= 0) return false;
    data.append(buf, static_cast<size_t>(n));
    head_end = data.find("\r\n\r\n");
  }
  std::string head = data.substr(0, head_end);
  size_t line_end = head.find("\r\n");
  std::string first = head.substr(0, line_end);
  size_t sp1 = first.find(' '), sp2 = first.rfind(' ');
  req->method = first.substr(0, sp1);
  req->path = first.substr(sp1 + 1, sp2 - sp1 - 1);
  size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    size_t e = head.find("\r\n", pos);
    if (e == std::string::npos) e = head.size();
    std::string line = head.substr(pos, e - pos);
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return std::tolower(ch); });
      size_t v = line.find_first_not_of(' ', colon + 1);
      req->headers[name] = v == std::string::npos ? "" : line.substr(v);
    }
    pos = e + 2;
  }
  size_t length = req->headers.count("content-length") ? std::stoul(req->headers["content-length"]) : 0;
  req->body = data.substr(head_end + 4);
  while (req->body.size() < length) {
    ssize_t n = recv(c, buf, sizeof buf, 0);
    if (n <= 0) break;
    req->body.append(buf, static_cast<size_t>(n));
  }
  return true;
}

}  // namespace logidata::testing

#include "metadata/pg_listener.h"

#include <poll.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <spdlog/spdlog.h>

namespace logidata {

void PgListener::Start() {
  if (::pipe(wake_pipe_) != 0) wake_pipe_[0] = wake_pipe_[1] = -1;
  thread_ = std::thread([this] { Loop(); });
}

void PgListener::Stop() {
  if (stopping_.exchange(true)) return;
  if (wake_pipe_[1] >= 0) (void)!::write(wake_pipe_[1], "x", 1);
  if (thread_.joinable()) thread_.join();
  for (int& fd : wake_pipe_) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
}

void PgListener::Loop() {
  while (!stopping_) {
    PGconn* conn = PQconnectdb(url_.c_str());
    if (PQstatus(conn) == CONNECTION_OK) {
      char* quoted = PQescapeIdentifier(conn, channel_.c_str(), channel_.size());
      PGresult* res = PQexec(conn, (std::string("LISTEN ") + (quoted ? quoted : "\"\"")).c_str());
      PQfreemem(quoted);
      bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
      PQclear(res);
      listening_ = ok;
      // A run may have been queued while we were not listening.
      if (ok) on_notify_();
      while (ok && !stopping_) {
        pollfd fds[2] = {{PQsocket(conn), POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
        int n = ::poll(fds, wake_pipe_[0] >= 0 ? 2 : 1, 1000);
        if (n < 0) continue;
        if (fds[0].revents == 0) continue;
        if (!PQconsumeInput(conn)) break;
        int woken = 0;
        while (PGnotify* note = PQnotifies(conn)) {
          ++woken;
          PQfreemem(note);
        }
        // One wake per notification: each may be a run another slot can take.
        for (int i = 0; i < woken; ++i) on_notify_();
      }
    }
    if (!stopping_) spdlog::warn("run queue LISTEN connection lost ({}); polling until it is back", PQerrorMessage(conn));
    listening_ = false;
    PQfinish(conn);
    for (int i = 0; i < 10 && !stopping_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace logidata

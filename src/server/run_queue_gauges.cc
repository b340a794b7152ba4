#include "server/run_queue_gauges.h"

#include <chrono>
#include <cstdio>

#include "metadata/database.h"

namespace logidata {
namespace {

struct QueueSnapshot {
  int64_t queued = 0;        // ready or waiting for not_before, never started
  int64_t retrying = 0;      // waiting for the next attempt
  int64_t running = 0;
  int64_t lease_expired = 0;
  double oldest_ready_seconds = 0;
  double longest_running_seconds = 0;
};

double SecondsSince(const std::string& iso, int64_t now_ms) {
  if (iso.empty()) return 0;
  Result<int64_t> ms = UnixMillisFromIso(iso);
  if (!ms.ok() || *ms > now_ms) return 0;
  return static_cast<double>(now_ms - *ms) / 1000.0;
}

Result<QueueSnapshot> ReadSnapshot(Database& db) {
  int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::string now = IsoFromUnixMillis(now_ms);
  QueueSnapshot s;
  // The status index serves all three; a few rows each even on a busy store.
  LD_ASSIGN_OR_RETURN(DbResult counts,
                      db.Query("SELECT status, COUNT(*) AS n FROM runs WHERE status IN ('queued', 'retrying', "
                               "'running') GROUP BY status"));
  for (const DbRow& row : counts.rows) {
    const std::string& status = row.Str("status");
    int64_t n = row.Int("n");
    if (status == "queued") s.queued = n;
    if (status == "retrying") s.retrying = n;
    if (status == "running") s.running = n;
  }
  // A run is ready once its not_before (a retry's backoff) has passed; it has waited since then
  // or since it was created, whichever is later. ISO-8601 UTC strings compare as times.
  LD_ASSIGN_OR_RETURN(DbResult ready,
                      db.Query("SELECT MIN(CASE WHEN not_before IS NOT NULL AND not_before > created_at THEN not_before "
                               "ELSE created_at END) AS since FROM runs WHERE status IN ('queued', 'retrying') AND "
                               "(not_before IS NULL OR not_before <= ?)",
                               {now}));
  if (!ready.rows.empty()) s.oldest_ready_seconds = SecondsSince(ready.rows[0].Str("since"), now_ms);
  LD_ASSIGN_OR_RETURN(DbResult running,
                      db.Query("SELECT MIN(started_at) AS since, SUM(CASE WHEN lease_expires_at IS NOT NULL AND "
                               "lease_expires_at < ? THEN 1 ELSE 0 END) AS expired FROM runs WHERE status = 'running'",
                               {now}));
  if (!running.rows.empty()) {
    s.longest_running_seconds = SecondsSince(running.rows[0].Str("since"), now_ms);
    s.lease_expired = running.rows[0].Int("expired");
  }
  return s;
}

void Gauge(std::string& out, const char* name, const char* help, const std::string& value) {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " gauge\n" + name + " " + value + "\n";
}

std::string Seconds(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

}  // namespace

void AppendRunQueueGauges(Database& db, std::string& out) {
  Result<QueueSnapshot> s = ReadSnapshot(db);
  Gauge(out, "metadata_store_up", "Whether the metadata store answered this scrape (1) or not (0).",
        s.ok() ? "1" : "0");
  if (!s.ok()) return;
  out += "# HELP pipeline_runs Runs in the store by live status (store-wide; the same from every process).\n"
         "# TYPE pipeline_runs gauge\n";
  out += "pipeline_runs{status=\"queued\"} " + std::to_string(s->queued) + "\n";
  out += "pipeline_runs{status=\"retrying\"} " + std::to_string(s->retrying) + "\n";
  out += "pipeline_runs{status=\"running\"} " + std::to_string(s->running) + "\n";
  Gauge(out, "pipeline_queue_oldest_ready_seconds",
        "How long the oldest run ready to start has waited for an executor (0 when none waits).",
        Seconds(s->oldest_ready_seconds));
  Gauge(out, "pipeline_runs_lease_expired",
        "Running runs whose executor stopped renewing the lease and that no sweep has handed back yet.",
        std::to_string(s->lease_expired));
  Gauge(out, "pipeline_run_longest_running_seconds", "How long the longest-running run has been running.",
        Seconds(s->longest_running_seconds));
}

}  // namespace logidata

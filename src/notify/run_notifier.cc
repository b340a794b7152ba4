#include "notify/run_notifier.h"

#include <cstdlib>

#include <spdlog/spdlog.h>

namespace logidata {
namespace {

double SecondsBetween(const std::string& from, const std::string& to) {
  auto a = UnixMillisFromIso(from), b = UnixMillisFromIso(to);
  if (!a.ok() || !b.ok()) return 0;
  return static_cast<double>(*b - *a) / 1000.0;
}

}  // namespace

RunNotifier::RunNotifier(Database* db, const SecretBox* box, RunNotifierOptions options)
    : db_(db),
      box_(box),
      options_([&] {
        options.delivery.abandon = &abandon_;
        return std::move(options);
      }()),
      sender_(options_.smtp, options_.delivery) {
  thread_ = std::thread([this] { Loop(); });
}

RunNotifier::~RunNotifier() {
  std::unique_lock lock(mu_);
  stopping_ = true;
  cv_.notify_all();
  // Queued deliveries get drain_seconds; then transfers in progress are aborted.
  if (!cv_.wait_for(lock, std::chrono::seconds(options_.drain_seconds), [&] { return finished_; })) {
    abandon_ = true;
    spdlog::warn("{} run(s) left with unsent notifications at shutdown", queue_.size());
  }
  lock.unlock();
  if (thread_.joinable()) thread_.join();
}

RunNotifierOptions RunNotifier::OptionsFromEnvironment() {
  RunNotifierOptions o;
  o.smtp = SmtpSettings::FromEnvironment();
  if (const char* url = std::getenv("LOGIDATA_PUBLIC_URL")) o.public_url = url;
  while (!o.public_url.empty() && o.public_url.back() == '/') o.public_url.pop_back();
  return o;
}

void RunNotifier::RunEnded(const std::string& org_id, const std::string& run_id, const std::string& event) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    if (queue_.size() >= options_.max_queued) {
      spdlog::warn("notifications of run {} dropped: {} runs already wait for delivery", run_id, queue_.size());
      return;
    }
    queue_.push_back({org_id, run_id, event});
  }
  cv_.notify_one();
}

Status RunNotifier::SendTest(const NotificationSetting& setting) const {
  RunNotice notice{"test",
                   {{"event", "test"},
                    {"notification", setting.name},
                    {"run_id", nullptr},
                    {"pipeline", "(test notification)"},
                    {"status", "test"},
                    {"message", "This is a test notification from Logidata."}}};
  DeliveryOptions once = options_.delivery;
  once.attempts = 1;
  auto egress = PolicyFor(setting.org_id);
  return NotificationSender(options_.smtp, once).Send(setting, notice, egress.get());
}

std::shared_ptr<const EgressPolicy> RunNotifier::PolicyFor(const std::string& org_id) const {
  return options_.egress == nullptr ? nullptr : options_.egress->ForOrg(org_id);
}

void RunNotifier::Loop() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() || abandon_) {
        finished_ = true;
        cv_.notify_all();
        return;
      }
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    Deliver(job);
  }
}

void RunNotifier::Deliver(const Job& job) {
  auto r = db_->Query(
      "SELECT r.pipeline_id, r.status, r.rows_processed, r.error, r.started_at, r.finished_at, r.created_at, "
      "r.anomalies, p.name, "
      "v.document FROM runs r LEFT JOIN pipelines p ON p.id = r.pipeline_id LEFT JOIN pipeline_versions v ON "
      "v.pipeline_id = r.pipeline_id AND v.version = r.pipeline_version WHERE r.id = ? AND r.org_id = ?",
      {job.run_id, job.org_id});
  if (!r.ok() || r->rows.empty()) {
    spdlog::warn("notifications of run {}: cannot load the run: {}", job.run_id,
                 r.ok() ? std::string("not found") : r.status().ToString());
    return;
  }
  const DbRow& row = r->rows[0];
  std::string status = row.Str("status");
  std::string event = job.event.empty() ? EventOfRunStatus(status) : job.event;
  if (event.empty()) return;
  auto settings = MatchingNotificationSettings(*db_, *box_, job.org_id, row.Str("pipeline_id"), event);
  if (!settings.ok()) {
    spdlog::warn("notifications of run {}: {}", job.run_id, settings.status().ToString());
    AppendRunLog(job.run_id, "warn", "notifications not sent: " + settings.status().message());
    return;
  }
  // The run's own document version may ask for emails too ("notifications" in the pipeline).
  if (!row.IsNull("document")) {
    nlohmann::json document = nlohmann::json::parse(row.Str("document"), nullptr, false);
    for (auto& s : DocumentNotificationSettings(document, job.org_id, row.Str("pipeline_id"), event)) {
      settings->push_back(std::move(s));
    }
  }
  if (settings->empty()) return;
  std::string started = row.IsNull("started_at") ? row.Str("created_at") : row.Str("started_at");
  RunNotice notice{event,
                   {{"event", event},
                    {"run_id", job.run_id},
                    {"pipeline_id", row.Str("pipeline_id")},
                    {"pipeline", row.IsNull("name") ? "(deleted pipeline)" : row.Str("name")},
                    {"status", status},
                    {"rows", row.Int("rows_processed")},
                    {"duration_seconds", SecondsBetween(started, row.Str("finished_at"))},
                    {"error", row.IsNull("error") ? nlohmann::json(nullptr) : nlohmann::json(row.Str("error"))},
                    {"finished_at", row.Str("finished_at")},
                    {"link", options_.public_url + "/runs/" + job.run_id}}};
  if (event == "run.anomaly" && !row.IsNull("anomalies")) {
    nlohmann::json report = nlohmann::json::parse(row.Str("anomalies"), nullptr, false);
    if (report.is_object() && report.contains("summary")) notice.payload["anomalies"] = report["summary"];
  }
  auto egress = PolicyFor(job.org_id);
  for (const NotificationSetting& s : *settings) {
    Status st = sender_.Send(s, notice, egress.get());
    std::string where = s.channel == "email" ? "email" : s.channel + " " + MaskUrl(s.url);
    if (st.ok()) {
      AppendRunLog(job.run_id, "info", "notification '" + s.name + "' sent (" + where + ")");
    } else {
      spdlog::warn("run {}: notification '{}' to {} failed: {}", job.run_id, s.name, where, st.message());
      AppendRunLog(job.run_id, "warn", "notification '" + s.name + "' to " + where + " failed: " + st.message());
    }
  }
}

void RunNotifier::AppendRunLog(const std::string& run_id, const std::string& level, const std::string& message) {
  // The run has ended: nobody else appends to its log any more, so the next seq is stable.
  Status st = db_->Transact([&](DbConnection& c) -> Status {
    auto last = c.Query("SELECT COALESCE(MAX(seq), 0) AS seq FROM run_logs WHERE run_id = ?", {run_id});
    if (!last.ok()) return last.status();
    int64_t seq = (last->rows.empty() ? 0 : last->rows[0].Int("seq")) + 1;
    auto ins = c.Query("INSERT INTO run_logs (run_id, seq, ts, level, node_id, message) VALUES (?, ?, ?, ?, '', ?)",
                       {run_id, seq, NowIso8601(), level, message});
    return ins.ok() ? Status::OK() : ins.status();
  });
  if (!st.ok()) spdlog::warn("run {}: cannot store a notification log line: {}", run_id, st.ToString());
}

}  // namespace logidata

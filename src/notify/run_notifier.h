// RunNotifier: sends the notifications of finished runs in the background. RunEnded only queues
// the run (bounded; never blocks the executor); a delivery thread loads the run and every
// enabled setting of its organization or pipeline that wants the event — plus the emails the run's
// pipeline document asks for in `notifications` — and sends each one. A
// failed delivery is logged and appended to the run's log ("notification 'x' to … failed: …"); it
// never changes the run. Thread-safe; the destructor waits a bounded time for queued runs.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "auth/secret_box.h"
#include "metadata/database.h"
#include "metadata/org_egress_store.h"
#include "notify/notification_sender.h"

namespace logidata {

struct RunNotifierOptions {
  size_t max_queued = 1000;        // runs waiting beyond this are dropped (and logged)
  std::string public_url;          // base of the run link in messages (LOGIDATA_PUBLIC_URL)
  DeliveryOptions delivery;
  SmtpSettings smtp;
  int drain_seconds = 10;          // how long the destructor waits for queued deliveries
  // Where webhooks and Slack messages may go, per organization (the server and workers always
  // set it); null = anywhere. SMTP is the operator's own LOGIDATA_SMTP_URL and is not checked.
  const OrgEgressPolicies* egress = nullptr;
};

class RunNotifier {
 public:
  RunNotifier(Database* db, const SecretBox* box, RunNotifierOptions options);
  ~RunNotifier();
  RunNotifier(const RunNotifier&) = delete;
  RunNotifier& operator=(const RunNotifier&) = delete;

  // Options from the environment: SMTP settings and LOGIDATA_PUBLIC_URL.
  static RunNotifierOptions OptionsFromEnvironment();

  // Queues the notifications of a run that just ended (the event follows from its stored status)
  // or, with `event`, of that event ("run.interrupted": its executor was lost). Returns at once.
  void RunEnded(const std::string& org_id, const std::string& run_id, const std::string& event = "");

  // Sends a test message to one setting now, with a single attempt.
  Status SendTest(const NotificationSetting& setting) const;

 private:
  struct Job {
    std::string org_id, run_id;
    std::string event;  // empty: from the run's status
  };
  void Loop();
  void Deliver(const Job& job);
  std::shared_ptr<const EgressPolicy> PolicyFor(const std::string& org_id) const;
  void AppendRunLog(const std::string& run_id, const std::string& level, const std::string& message);

  Database* db_;
  const SecretBox* box_;
  RunNotifierOptions options_;
  NotificationSender sender_;  // its options point at abandon_
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  bool finished_ = false;  // the delivery thread has left its loop
  std::atomic<bool> abandon_{false};
  std::thread thread_;
};

}  // namespace logidata

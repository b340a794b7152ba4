// RunsWsHandler: the /ws protocol. A client first sends {"type":"auth","token":<access JWT>,
// "organization"?:<id>}, then {"type":"subscribe","channel":"run:<id>"|"runs"} (and
// "unsubscribe"). Subscriptions are checked against the caller's organizations; events come from
// the EventHub. CloseUser ends every connection of a user whose tokens were revoked (logout,
// password change, deactivation, member removal). Thread-safe; each connection's calls are
// serialised by the server.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "auth/auth_service.h"
#include "metadata/database.h"
#include "server/event_hub.h"
#include "server/http_server.h"

namespace logidata {

class RunsWsHandler final : public WsHandler {
 public:
  RunsWsHandler(AuthService* auth, Database* db, EventHub* hub) : auth_(auth), db_(db), hub_(hub) {}
  std::unique_ptr<WsConnection> Open(std::shared_ptr<WsSink> sink, const HttpRequest& upgrade) override;

  // Sends an error and closes every connection authenticated as `user_id` in this process.
  void CloseUser(const std::string& user_id);
  // Called by a connection once it has authenticated.
  void Track(const std::string& user_id, const std::shared_ptr<WsSink>& sink);

 private:
  std::mutex mu_;
  std::multimap<std::string, std::weak_ptr<WsSink>> by_user_;
  AuthService* auth_;
  Database* db_;
  EventHub* hub_;
};

}  // namespace logidata

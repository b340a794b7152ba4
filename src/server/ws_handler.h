// RunsWsHandler: the /ws protocol. A client first sends {"type":"auth","token":<access JWT>,
// "organization"?:<id>}, then {"type":"subscribe","channel":"run:<id>"|"runs"} (and
// "unsubscribe"). Subscriptions are checked against the caller's organizations; events come from
// the EventHub. Thread-safe; each connection's calls are serialised by the server.
#pragma once

#include "auth/auth_service.h"
#include "metadata/database.h"
#include "server/event_hub.h"
#include "server/http_server.h"

namespace logidata {

class RunsWsHandler final : public WsHandler {
 public:
  RunsWsHandler(AuthService* auth, Database* db, EventHub* hub) : auth_(auth), db_(db), hub_(hub) {}
  std::unique_ptr<WsConnection> Open(std::shared_ptr<WsSink> sink, const HttpRequest& upgrade) override;

 private:
  AuthService* auth_;
  Database* db_;
  EventHub* hub_;
};

}  // namespace logidata

#include "server/ws_handler.h"

#include <map>

#include "common/json_text.h"
#include "metadata/run_store.h"

namespace logidata {
namespace {

class RunsWsConnection final : public WsConnection {
 public:
  RunsWsConnection(RunsWsHandler* handler, AuthService* auth, Database* db, EventHub* hub,
                   std::shared_ptr<WsSink> sink)
      : handler_(handler), auth_(auth), db_(db), hub_(hub), sink_(std::move(sink)) {}
  ~RunsWsConnection() override { OnClose(); }

  void OnMessage(const std::string& text) override {
    auto parsed = ParseJsonText(text);  // depth-limited: a message must not overflow the stack
    if (!parsed.ok()) return Error("invalid JSON at " + parsed.status().message());
    const nlohmann::json msg = std::move(parsed).value();
    if (!msg.is_object() || !msg.contains("type") || !msg["type"].is_string()) {
      return Error("messages must be JSON objects with a \"type\"");
    }
    std::string type = msg["type"];
    if (type == "auth") return Auth(msg);
    if (user_id_.empty()) return Error("send {\"type\":\"auth\",\"token\":…} first", true);
    if (type == "subscribe" || type == "unsubscribe") {
      if (!msg.contains("channel") || !msg["channel"].is_string()) return Error("\"channel\" must be a string");
      std::string channel = msg["channel"];
      return type == "subscribe" ? Subscribe(channel) : Unsubscribe(channel);
    }
    if (type == "ping") return sink_->Send(R"({"type":"pong"})");
    Error("unknown message type '" + type.substr(0, 40) + "'");
  }

  void OnClose() override {
    for (auto& [channel, token] : subscriptions_) hub_->Unsubscribe(token);
    subscriptions_.clear();
  }

 private:
  void Error(const std::string& message, bool close = false) {
    sink_->Send(nlohmann::json{{"type", "error"}, {"message", message}}.dump());
    if (close) sink_->Close();
  }

  void Auth(const nlohmann::json& msg) {
    if (!msg.contains("token") || !msg["token"].is_string()) return Error("\"token\" must be a string", true);
    auto user = auth_->VerifyAccessToken(msg["token"].get<std::string>());
    if (!user.ok()) return Error(user.status().message(), true);
    auto memberships = auth_->Memberships(*user);
    if (!memberships.ok() || memberships->empty()) return Error("no organization", true);
    std::string wanted = msg.value("organization", "");
    org_id_.clear();
    for (const auto& m : *memberships) {
      if (wanted.empty() || m.org_id == wanted) {
        org_id_ = m.org_id;
        break;
      }
    }
    if (org_id_.empty()) return Error("organization not found", true);
    orgs_.clear();
    for (const auto& m : *memberships) orgs_.push_back(m.org_id);
    user_id_ = *user;
    handler_->Track(user_id_, sink_);
    sink_->Send(nlohmann::json{{"type", "auth.ok"}, {"user_id", user_id_}, {"organization", org_id_}}.dump());
  }

  void Subscribe(const std::string& channel) {
    if (subscriptions_.size() >= 100) return Error("too many subscriptions");
    if (subscriptions_.count(channel)) return;
    std::string hub_channel;
    nlohmann::json snapshot = nullptr;
    if (channel == "runs") {
      hub_channel = "runs:" + org_id_;
    } else if (channel.rfind("run:", 0) == 0 && channel.size() > 4 && channel.size() < 100) {
      std::string run_id = channel.substr(4);
      for (const std::string& org : orgs_) {
        auto run = LoadRunJson(*db_, org, run_id);
        if (run.ok()) {
          snapshot = *run;
          break;
        }
      }
      if (snapshot.is_null()) return Error("run not found");
      hub_channel = channel;
    } else {
      return Error("unknown channel; use \"runs\" or \"run:<id>\"");
    }
    std::weak_ptr<WsSink> weak = sink_;
    subscriptions_[channel] = hub_->Subscribe(hub_channel, [weak](const std::string& message) {
      if (auto sink = weak.lock()) sink->Send(message);
    });
    sink_->Send(nlohmann::json{{"type", "subscribed"}, {"channel", channel}}.dump());
    if (!snapshot.is_null()) sink_->Send(nlohmann::json{{"type", "run.status"}, {"run", snapshot}}.dump());
  }

  void Unsubscribe(const std::string& channel) {
    auto it = subscriptions_.find(channel);
    if (it == subscriptions_.end()) return;
    hub_->Unsubscribe(it->second);
    subscriptions_.erase(it);
    sink_->Send(nlohmann::json{{"type", "unsubscribed"}, {"channel", channel}}.dump());
  }

  RunsWsHandler* handler_;
  AuthService* auth_;
  Database* db_;
  EventHub* hub_;
  std::shared_ptr<WsSink> sink_;
  std::string user_id_, org_id_;
  std::vector<std::string> orgs_;
  std::map<std::string, int64_t> subscriptions_;
};

}  // namespace

std::unique_ptr<WsConnection> RunsWsHandler::Open(std::shared_ptr<WsSink> sink, const HttpRequest&) {
  return std::make_unique<RunsWsConnection>(this, auth_, db_, hub_, std::move(sink));
}

void RunsWsHandler::Track(const std::string& user_id, const std::shared_ptr<WsSink>& sink) {
  std::lock_guard lock(mu_);
  // Drop entries of connections that are gone, so the map stays as small as the live set.
  for (auto it = by_user_.begin(); it != by_user_.end();) it = it->second.expired() ? by_user_.erase(it) : std::next(it);
  by_user_.emplace(user_id, sink);
}

void RunsWsHandler::CloseUser(const std::string& user_id) {
  std::vector<std::shared_ptr<WsSink>> sinks;
  {
    std::lock_guard lock(mu_);
    auto [first, last] = by_user_.equal_range(user_id);
    for (auto it = first; it != last; ++it) {
      if (auto sink = it->second.lock()) sinks.push_back(std::move(sink));
    }
    by_user_.erase(first, last);
  }
  for (auto& sink : sinks) {
    sink->Send(R"({"type":"error","message":"session revoked; sign in again"})");
    sink->Close();
  }
}

}  // namespace logidata

// EngineCall: what one engine call (preview, check, profile, natural-language proposal) holds
// while it runs on behalf of an organization — the organization's slot in the TenantCallGate, its
// sandboxed files, its connections (under its egress policy) and the deadline — and the
// EngineScope the engine sees. One per request; not shared between threads.
#pragma once

#include <chrono>
#include <memory>

#include "auth/secret_box.h"
#include "io/tenant_files.h"
#include "metadata/connection_store.h"
#include "metadata/org_egress_store.h"
#include "server/engine_bridge.h"
#include "server/route_support.h"
#include "server/tenant_call_gate.h"

namespace logidata {

// What one engine call holds while it runs: the organization's slot, its files, its connections
// and the deadline.
class EngineCall {
 public:
  static Result<std::unique_ptr<EngineCall>> Begin(const ApiServices& s, const Caller& c) {
    auto pass = s.engine_calls->Enter(c.org_id);
    if (!pass) {
      return Status::Unavailable("this organization already has the most previews and checks running at once; "
                                 "try again when one finishes");
    }
    LD_ASSIGN_OR_RETURN(auto files, TenantFiles::Open(*s.files, c.org_id));
    return std::unique_ptr<EngineCall>(new EngineCall(s, c, std::move(*pass), std::move(files)));
  }

  const EngineScope& scope() const { return scope_; }
  // A preview stopped by the deadline says so, instead of a bare "cancelled".
  Status Explain(const Status& st) const {
    if (!deadline_.expired() || st.ok()) return st;
    return Status::Unavailable("stopped after the time limit of " + std::to_string(limit_.count() / 1000) +
                               " s for previews and checks; preview fewer rows or a node closer to the sources");
  }

 private:
  EngineCall(const ApiServices& s, const Caller& c, TenantCallGate::Pass pass, std::unique_ptr<TenantFiles> files)
      : pass_(std::move(pass)),
        files_(std::move(files)),
        connections_(s.db, s.secrets, c.org_id, s.egress),
        limit_(s.engine_calls->time_limit()),
        deadline_(limit_) {
    scope_.connections = &connections_;
    scope_.sandbox = &files_->sandbox();
    scope_.fs = files_->fs();
    scope_.base_dir = files_->home();
    scope_.cancel = deadline_.flag();
  }

  TenantCallGate::Pass pass_;
  std::unique_ptr<TenantFiles> files_;
  DbConnectionResolver connections_;
  std::chrono::milliseconds limit_;
  CallDeadline deadline_;
  EngineScope scope_;
};

// The failure, with "Retry-After: 1" when it is retryable (the organization is busy).
inline HttpResponse BusyOrFail(const Status& st) {
  HttpResponse r = Fail(st);
  if (st.code() == StatusCode::kUnavailable) r.headers.emplace_back("Retry-After", "1");
  return r;
}

}  // namespace logidata

#include "metadata/migrations.h"

namespace logidata {

const std::vector<Migration>& MetadataMigrations() {
  // Portable types only: TEXT, BIGINT, DOUBLE PRECISION. Timestamps are ISO-8601 UTC text with
  // milliseconds, which sort correctly as text on both backends. Ids are random hex text.
  static const std::vector<Migration> kMigrations = {
      {1,
       "initial schema",
       {
           "CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL, "
           "password_hash TEXT NOT NULL, is_active BIGINT NOT NULL DEFAULT 1, failed_logins BIGINT NOT NULL "
           "DEFAULT 0, locked_until TEXT, must_change_password BIGINT NOT NULL DEFAULT 0, created_at TEXT NOT NULL)",
           "CREATE TABLE organizations (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL)",
           "CREATE TABLE memberships (org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE, "
           "user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE, role TEXT NOT NULL, created_at TEXT NOT "
           "NULL, PRIMARY KEY (org_id, user_id))",
           "CREATE INDEX memberships_user ON memberships(user_id)",
           "CREATE TABLE refresh_tokens (id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id) ON DELETE "
           "CASCADE, family_id TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, expires_at TEXT NOT NULL, revoked "
           "BIGINT NOT NULL DEFAULT 0, used BIGINT NOT NULL DEFAULT 0, created_at TEXT NOT NULL)",
           "CREATE INDEX refresh_tokens_family ON refresh_tokens(family_id)",
           "CREATE TABLE api_keys (id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE "
           "CASCADE, name TEXT NOT NULL, role TEXT NOT NULL, key_hash TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL, "
           "created_by TEXT, created_at TEXT NOT NULL, last_used_at TEXT, revoked BIGINT NOT NULL DEFAULT 0)",
           "CREATE TABLE connections (id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id) ON "
           "DELETE CASCADE, name TEXT NOT NULL, type TEXT NOT NULL, host TEXT NOT NULL DEFAULT '', port BIGINT NOT "
           "NULL DEFAULT 0, database_name TEXT NOT NULL DEFAULT '', user_name TEXT NOT NULL DEFAULT '', secret_enc "
           "TEXT, options TEXT NOT NULL DEFAULT '{}', created_at TEXT NOT NULL, updated_at TEXT NOT NULL, "
           "UNIQUE (org_id, name))",
           "CREATE TABLE pipelines (id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id) ON "
           "DELETE CASCADE, name TEXT NOT NULL, description TEXT NOT NULL DEFAULT '', version BIGINT NOT NULL, "
           "document TEXT NOT NULL, schedule_cron TEXT, schedule_tz TEXT, schedule_enabled BIGINT NOT NULL "
           "DEFAULT 0, next_fire_at TEXT, created_by TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)",
           "CREATE INDEX pipelines_org ON pipelines(org_id, updated_at)",
           "CREATE INDEX pipelines_schedule ON pipelines(schedule_enabled, next_fire_at)",
           "CREATE TABLE pipeline_versions (pipeline_id TEXT NOT NULL REFERENCES pipelines(id) ON DELETE CASCADE, "
           "version BIGINT NOT NULL, document TEXT NOT NULL, author TEXT, created_at TEXT NOT NULL, PRIMARY KEY "
           "(pipeline_id, version))",
           "CREATE TABLE runs (id TEXT PRIMARY KEY, org_id TEXT NOT NULL, pipeline_id TEXT NOT NULL, "
           "pipeline_version BIGINT NOT NULL, status TEXT NOT NULL, trigger_kind TEXT NOT NULL, parameters TEXT NOT "
           "NULL DEFAULT '{}', created_by TEXT, created_at TEXT NOT NULL, started_at TEXT, finished_at TEXT, "
           "heartbeat_at TEXT, worker TEXT, error TEXT, failed_node TEXT, rows_processed BIGINT NOT NULL DEFAULT 0, "
           "cancel_requested BIGINT NOT NULL DEFAULT 0, retry_of TEXT)",
           "CREATE INDEX runs_org ON runs(org_id, created_at)",
           "CREATE INDEX runs_pipeline ON runs(pipeline_id, created_at)",
           "CREATE INDEX runs_status ON runs(status, created_at)",
           "CREATE TABLE run_logs (run_id TEXT NOT NULL, seq BIGINT NOT NULL, ts TEXT NOT NULL, level TEXT NOT "
           "NULL, node_id TEXT NOT NULL DEFAULT '', message TEXT NOT NULL, PRIMARY KEY (run_id, seq))",
           "CREATE TABLE node_metrics (run_id TEXT NOT NULL, node_id TEXT NOT NULL, status TEXT NOT NULL, rows_in "
           "BIGINT NOT NULL DEFAULT 0, rows_out BIGINT NOT NULL DEFAULT 0, bytes_out BIGINT NOT NULL DEFAULT 0, "
           "wall_seconds DOUBLE PRECISION NOT NULL DEFAULT 0, peak_memory_bytes BIGINT NOT NULL DEFAULT 0, error "
           "TEXT NOT NULL DEFAULT '', PRIMARY KEY (run_id, node_id))",
           "CREATE TABLE audit_log (id TEXT PRIMARY KEY, org_id TEXT, actor TEXT, action TEXT NOT NULL, "
           "object_type TEXT NOT NULL, object_id TEXT, before_json TEXT, after_json TEXT, ts TEXT NOT NULL)",
           "CREATE INDEX audit_org ON audit_log(org_id, ts)",
           "CREATE TABLE notification_settings (id TEXT PRIMARY KEY, org_id TEXT NOT NULL, pipeline_id TEXT, "
           "channel TEXT NOT NULL, target TEXT NOT NULL, events TEXT NOT NULL, created_at TEXT NOT NULL)",
           "CREATE TABLE module_templates (id TEXT PRIMARY KEY, org_id TEXT NOT NULL, name TEXT NOT NULL, "
           "module_key TEXT NOT NULL, config TEXT NOT NULL, created_by TEXT, created_at TEXT NOT NULL)",
           "CREATE TABLE data_previews (id TEXT PRIMARY KEY, org_id TEXT NOT NULL, pipeline_id TEXT, node_id TEXT "
           "NOT NULL, result TEXT NOT NULL, created_at TEXT NOT NULL)",
           "CREATE TABLE pipeline_state (pipeline_id TEXT NOT NULL, state_key TEXT NOT NULL, state_value TEXT NOT "
           "NULL, updated_at TEXT NOT NULL, PRIMARY KEY (pipeline_id, state_key))",
       }},
      // The notification, template and preview tables of version 1 were placeholders without
      // endpoints (always empty): they are replaced by their real shapes.
      {2,
       "notifications, module templates and saved previews",
       {
           "DROP TABLE notification_settings",
           "CREATE TABLE notification_settings (id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES "
           "organizations(id) ON DELETE CASCADE, pipeline_id TEXT, name TEXT NOT NULL, channel TEXT NOT NULL, "
           "recipients TEXT NOT NULL DEFAULT '[]', url_enc TEXT, url_masked TEXT NOT NULL DEFAULT '', secret_enc "
           "TEXT, events TEXT NOT NULL, enabled BIGINT NOT NULL DEFAULT 1, created_by TEXT, created_at TEXT NOT "
           "NULL, updated_at TEXT NOT NULL)",
           "CREATE INDEX notification_settings_org ON notification_settings(org_id, pipeline_id)",
           "DROP TABLE module_templates",
           "CREATE TABLE module_templates (id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id) "
           "ON DELETE CASCADE, name TEXT NOT NULL, module_key TEXT NOT NULL, description TEXT NOT NULL DEFAULT '', "
           "config TEXT NOT NULL, created_by TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, UNIQUE "
           "(org_id, name))",
           "DROP TABLE data_previews",
           "CREATE TABLE data_previews (id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id) ON "
           "DELETE CASCADE, pipeline_id TEXT NOT NULL, node_id TEXT NOT NULL, pipeline_version BIGINT NOT NULL, "
           "row_count BIGINT NOT NULL DEFAULT 0, truncated BIGINT NOT NULL DEFAULT 0, result TEXT NOT NULL, "
           "created_by TEXT, created_at TEXT NOT NULL)",
           "CREATE INDEX data_previews_node ON data_previews(pipeline_id, node_id, created_at)",
       }},
      // Accounts and keys: access tokens carry the user's token_version (bumped on logout, password
      // change, deactivation, member removal, so older tokens stop working), API keys may expire,
      // admins invite users, and server-wide secrets (the JWT signing key) live apart from the
      // master key, encrypted under it.
      {3,
       "token revocation, API key expiry, invitations, server keys",
       {
           "ALTER TABLE users ADD COLUMN token_version BIGINT NOT NULL DEFAULT 0",
           "ALTER TABLE api_keys ADD COLUMN expires_at TEXT",
           "CREATE TABLE invitations (id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id) ON "
           "DELETE CASCADE, email TEXT NOT NULL, role TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, invited_by "
           "TEXT, created_at TEXT NOT NULL, expires_at TEXT NOT NULL, accepted_at TEXT, accepted_by TEXT, revoked "
           "BIGINT NOT NULL DEFAULT 0)",
           "CREATE INDEX invitations_org ON invitations(org_id, created_at)",
           "CREATE TABLE server_keys (name TEXT PRIMARY KEY, value_enc TEXT NOT NULL, created_at TEXT NOT NULL)",
       }},
      {4,
       "organization egress allow-lists",
       {
           "CREATE TABLE org_egress (org_id TEXT PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE, "
           "allow_cidrs TEXT NOT NULL DEFAULT '[]', updated_by TEXT, updated_at TEXT NOT NULL)",
       }},
      // The run state machine (scheduler/run_executor.h): attempts, fenced leases (a worker's writes
      // carry lease_token and are refused once the run moved on), retry timing, the per-pipeline
      // concurrency limit and priority copied from the pipeline's run policy when the run is queued,
      // and one row per attempt.
      {5,
       "run attempts, leases, retries, concurrency and priority",
       {
           "ALTER TABLE runs ADD COLUMN attempt BIGINT NOT NULL DEFAULT 1",
           "ALTER TABLE runs ADD COLUMN max_attempts BIGINT NOT NULL DEFAULT 1",
           "ALTER TABLE runs ADD COLUMN max_concurrency BIGINT NOT NULL DEFAULT 1000000",
           "ALTER TABLE runs ADD COLUMN priority BIGINT NOT NULL DEFAULT 0",
           "ALTER TABLE runs ADD COLUMN not_before TEXT",
           "ALTER TABLE runs ADD COLUMN lease_token TEXT",
           "ALTER TABLE runs ADD COLUMN lease_expires_at TEXT",
           "CREATE INDEX runs_pipeline_status ON runs(pipeline_id, status)",
           "ALTER TABLE node_metrics ADD COLUMN attempt BIGINT NOT NULL DEFAULT 1",
           "CREATE TABLE run_attempts (run_id TEXT NOT NULL, attempt BIGINT NOT NULL, worker TEXT, status TEXT NOT "
           "NULL, started_at TEXT NOT NULL, finished_at TEXT, error TEXT, PRIMARY KEY (run_id, attempt))",
       }},
      // Triggers beside the cron schedule: inbound webhooks (the token is stored as its SHA-256, the
      // optional HMAC key encrypted) and runs after another pipeline's success. trigger_fires holds
      // one row per (trigger, source run) so a success fires its followers once, even with two leaders.
      {7,
       "pipeline triggers: webhooks and on-success",
       {
           "CREATE TABLE pipeline_triggers (id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id) ON "
           "DELETE CASCADE, pipeline_id TEXT NOT NULL REFERENCES pipelines(id) ON DELETE CASCADE, kind TEXT NOT NULL, "
           "upstream_pipeline_id TEXT REFERENCES pipelines(id) ON DELETE CASCADE, token_hash TEXT, hmac_secret_enc TEXT, "
           "parameters TEXT NOT NULL DEFAULT '{}', created_by TEXT, created_at TEXT NOT NULL)",
           "CREATE INDEX pipeline_triggers_upstream ON pipeline_triggers(kind, upstream_pipeline_id)",
           "CREATE TABLE trigger_fires (trigger_id TEXT NOT NULL REFERENCES pipeline_triggers(id) ON DELETE CASCADE, "
           "source_run_id TEXT NOT NULL, run_id TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (trigger_id, "
           "source_run_id))",
       }},
      // Retention: an organization may keep run logs, node metrics and saved previews for a number
      // of days; the schedule leader purges older ones (metadata/retention_store.h). NULL = forever.
      {8,
       "organization retention settings",
       {
           "CREATE TABLE org_retention (org_id TEXT PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE, "
           "retention_days BIGINT, updated_by TEXT, updated_at TEXT NOT NULL)",
       }},
      // When each node started and finished (wall clock), for the run page's timeline; NULL for
      // metrics written before, and for a node that has not started or finished yet.
      {9,
       "node start and finish times",
       {
           "ALTER TABLE node_metrics ADD COLUMN started_at TEXT",
           "ALTER TABLE node_metrics ADD COLUMN finished_at TEXT",
       }},
      // Schema drift (pipeline/schema_drift.h): the sources' columns each run saw, and what changed
      // since the previous successful run; NULL for runs before, and for runs that never bound.
      {10,
       "source schemas and schema drift of runs",
       {
           "ALTER TABLE runs ADD COLUMN source_schemas TEXT",
           "ALTER TABLE runs ADD COLUMN schema_drift TEXT",
       }},
      // Anomaly detection (anomaly/anomaly_detector.h): what each run measured per node and column,
      // the history later runs compare with, and the anomaly report of the run; NULL for runs
      // before, and for runs with the check off. The history query (a pipeline's latest runs) is
      // served by runs_pipeline.
      {11,
       "run measurements and anomaly reports",
       {
           "ALTER TABLE runs ADD COLUMN measurements TEXT",
           "ALTER TABLE runs ADD COLUMN anomalies TEXT",
       }},
      // Natural-language assistance (src/assist): each organization's OpenAI-compatible endpoint,
      // its API key encrypted under the master key ring (associated data "assist_settings:<org>"),
      // whether prompts may carry sample rows, and how long a call may take.
      {12,
       "natural-language assistance endpoints",
       {
           "CREATE TABLE assist_settings (org_id TEXT PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE, "
           "base_url TEXT NOT NULL, model TEXT NOT NULL, api_key_enc TEXT, allow_sample_rows BIGINT NOT NULL DEFAULT 0, "
           "timeout_seconds BIGINT NOT NULL DEFAULT 60, updated_by TEXT, updated_at TEXT NOT NULL)",
       }},
  };
  return kMigrations;
}

Result<int64_t> RunMigrations(Database& db) {
  auto created = db.Query("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, description "
                          "TEXT NOT NULL, applied_at TEXT NOT NULL)");
  if (!created.ok() && created.status().code() != StatusCode::kAlreadyExists) {
    // Two PostgreSQL processes racing on CREATE TABLE IF NOT EXISTS may collide; the loser retries.
    created = db.Query("SELECT 1 FROM schema_migrations LIMIT 1");
    if (!created.ok()) return created.status();
  }
  int64_t current = 0;
  for (const Migration& m : MetadataMigrations()) {
    Status st = db.Transact([&](DbConnection& c) -> Status {
      if (db.dialect() == DbDialect::kPostgres) {
        auto lock = c.Query("SELECT pg_advisory_xact_lock(424242)");
        if (!lock.ok()) return lock.status();
      }
      auto seen = c.Query("SELECT version FROM schema_migrations WHERE version = ?", {m.version});
      if (!seen.ok()) return seen.status();
      if (!seen->rows.empty()) return Status::OK();
      for (const std::string& sql : m.statements) {
        auto r = c.Query(sql);
        if (!r.ok()) return r.status().WithContext("migration " + std::to_string(m.version));
      }
      auto rec = c.Query("INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
                         {m.version, m.description, NowIso8601()});
      return rec.ok() ? Status::OK() : rec.status();
    });
    LD_RETURN_IF_ERROR(st);
    current = m.version;
  }
  return current;
}

}  // namespace logidata

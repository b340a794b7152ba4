// Shapes of API answers (docs/api.md). Fields the server may omit are optional.
import type { Organization, User } from '../store/auth_store';

export interface Me {
  user: User & { must_change_password?: boolean };
  organizations: Organization[];
}

export type RunStatus =
  | 'queued'
  | 'running'
  | 'retrying' // an attempt failed; the next starts at not_before
  | 'succeeded'
  | 'failed'
  | 'cancelled'
  | 'timed_out'
  | 'skipped' // refused by the pipeline's concurrency policy "skip"
  | 'interrupted';

// Statuses a run never leaves (src/metadata/run_store.cc IsFinalRunStatus); queued, running and
// retrying runs are still live and are followed.
export const kFinalRunStatuses: ReadonlySet<string> = new Set(['succeeded', 'failed', 'cancelled', 'timed_out', 'skipped', 'interrupted']);

export interface RunSummary {
  id: string;
  status: RunStatus;
  finished_at?: string | null;
  started_at?: string | null;
}

export interface PipelineSummary {
  id: string;
  name: string;
  version: number;
  updated_at?: string;
  description?: string;
  last_run?: RunSummary | null;
  schedule?: { cron: string; enabled: boolean; next_fire_at?: string | null } | null;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  page_size: number;
}

export interface ValidationIssue {
  path: string;
  node_id?: string;
  message: string;
  severity: 'error' | 'warning' | string;
}

export interface ValidationResult {
  valid: boolean;
  issues: ValidationIssue[];
}

export interface NodeMetrics {
  node_id?: string;
  status?: string;
  rows_in?: number;
  rows_out?: number;
  bytes_out?: number;
  wall_seconds?: number;
  peak_memory_bytes?: number;
  error?: string | null;
  attempt?: number; // the run attempt these metrics belong to
  // Not recorded by the server today; the run timeline uses them when present.
  started_at?: string | null;
  finished_at?: string | null;
}

// One execution of a run by a worker (GET /runs/{id} "attempts"). A retried or re-queued run has
// several; "lost" means its worker stopped answering (lease expired).
export interface RunAttempt {
  attempt: number;
  worker?: string | null;
  status: string;
  started_at: string;
  finished_at?: string | null;
  error?: string | null;
}

export interface Run {
  id: string;
  pipeline_id: string;
  pipeline_name?: string;
  pipeline_version?: number;
  status: RunStatus;
  trigger?: string;
  parameters?: Record<string, unknown>;
  created_at?: string;
  started_at?: string | null;
  finished_at?: string | null;
  error?: string | null;
  failed_node?: string | null;
  rows_processed?: number;
  retry_of?: string | null;
  nodes?: Record<string, NodeMetrics>;
  attempt?: number; // the current attempt (while retrying: the next one)
  max_attempts?: number;
  priority?: number;
  not_before?: string | null; // a retrying run waits until then
  worker?: string | null;
  attempts?: RunAttempt[]; // only in GET /runs/{id}
  // Source columns changed since the last successful run (empty: none); null: not recorded.
  schema_drift?: SchemaDrift[] | null;
  // The run's measurements against the pipeline's history (src/anomaly); null: not checked.
  anomalies?: AnomalyReport | null;
}

export interface AnomalyReport {
  history_runs: number; // earlier successful runs compared with
  checked: number; // metrics judged
  not_enough_history: number; // metrics not judged yet
  min_history: number;
  threshold: number;
  policy?: 'warn' | 'fail';
  summary: string;
  items: AnomalyItem[]; // largest |score| first
}

export interface AnomalyItem {
  node_id: string;
  column: string | null; // null: a node-level metric (rows, duration_seconds)
  metric: 'rows' | 'duration_seconds' | 'null_rate' | 'distinct' | 'min' | 'max';
  observed: number;
  expected_low: number;
  expected_high: number;
  median: number;
  score: number;
  baseline: 'weekday_hour' | 'hour' | 'all';
  baseline_runs: number;
  history: number[]; // the baseline's values, oldest first
}

export interface SchemaDrift {
  node_id: string;
  added: { name: string; type: string }[];
  removed: { name: string; type: string }[];
  retyped: { name: string; from: string; to: string }[];
}

export interface LogEntry {
  seq: number;
  ts: string;
  level: string;
  node_id?: string | null;
  message: string;
}

export interface PreviewColumn {
  name: string;
  type: string;
}

export interface NodeSchema {
  node_id: string;
  inputs?: PreviewColumn[][];
  ports?: { port: string; schema: PreviewColumn[] }[];
  issues?: ValidationIssue[];
}

export interface ColumnProfile {
  name: string;
  type: string;
  count: number;
  nulls: number;
  distinct_estimate: number;
  min?: unknown;
  max?: unknown;
  histogram?: { labels: string[]; counts: number[] } | null;
}

export interface PreviewResult {
  schema: PreviewColumn[];
  rows: unknown[][];
  sample_rows?: number;
  exhausted: boolean;
  profiles?: ColumnProfile[];
  preview_id?: string; // set when the server saved this result (pipeline_id was sent)
}

// The profile of one node's output (POST /api/v1/pipelines/{id}/profile): every column's
// statistics, each estimate with its error bound in `accuracy`.
export interface ValueCount {
  value: string;
  count: number;
}

export interface ColumnStatistics {
  name: string;
  type: string;
  semantic_type: string;
  format: string | null;
  semantic_confidence: number;
  classified_values: number; // text: values the kinds and patterns were taken from
  kind_rates: Record<string, number>;
  count: number;
  nulls: number;
  null_rate: number;
  empty: number;
  empty_rate: number;
  padded: number;
  distinct: number;
  distinct_exact: boolean;
  distinct_relative_error: number;
  min: string | null;
  max: string | null;
  top_values: ValueCount[];
  top_values_max_error: number;
  numeric: {
    mean: number | null;
    stddev: number | null;
    zeros: number;
    negatives: number;
    nan: number;
    quantiles: Record<string, string>;
    quantile_rank_error: number;
    histogram: { labels: string[]; counts: number[]; estimated: boolean };
    outliers: { method: string; low_fence: string; high_fence: string; below: number; above: number; estimated: boolean; examples: string[] } | null;
  } | null;
  length: { min: number; max: number; mean: number } | null;
  patterns: ValueCount[];
  patterns_max_error: number;
  pii: { kind: string; likelihood: number; reason: string } | null;
  format_rates?: Record<string, number>;
  text_shape?: {
    case: { lower: number; upper: number; title: number; mixed: number };
    delimiters: Record<string, { once: number; twice: number }>;
    mojibake: { values: number; sequences: { seen: string; fixed: string }[] };
  } | null;
}

// A cleaning step proposed from a profile, with a ready node to insert after the profiled node
// (docs/api.md). `valid`: the validator accepts the pipeline with the node inserted.
export interface ProfileSuggestion {
  kind: string;
  columns: string[];
  title: string;
  reason: string;
  score: number;
  node: { id: string; type: 'transform'; module: string; name: string; config: Record<string, unknown> };
  valid: boolean;
  issues: ValidationIssue[];
}

export interface NodeProfile {
  node_id: string;
  profiled_node: string;
  rows: number;
  limited: boolean;
  seconds: number;
  columns: ColumnStatistics[];
  suggestions?: ProfileSuggestion[];
  accuracy: {
    distinct: { method: string; precision: number; relative_standard_error: number; exact_below: number };
    quantiles: { method: string; k: number; normalized_rank_error: number; confidence: number };
    [key: string]: unknown;
  };
}

// A preview result the server persisted (GET /pipelines/{id}/previews, /previews/{id}).
export interface SavedPreviewSummary {
  id: string;
  pipeline_id: string;
  node_id: string;
  pipeline_version: number;
  row_count: number;
  truncated: boolean;
  created_by?: string;
  created_at: string;
}

export interface SavedPreview extends SavedPreviewSummary {
  result: PreviewResult;
}

export type NotificationChannel = 'email' | 'webhook' | 'slack';
export type NotificationEvent = 'run.succeeded' | 'run.failed' | 'run.interrupted' | 'run.anomaly';

// URLs and signing secrets are write-only: the server answers url_masked / has_secret only.
export interface NotificationSetting {
  id: string;
  name: string;
  channel: NotificationChannel;
  pipeline_id: string | null;
  events: NotificationEvent[];
  to: string[];
  url_masked?: string | null;
  has_secret: boolean;
  enabled: boolean;
  created_at?: string;
  updated_at?: string;
}

export interface NotificationInput {
  name: string;
  channel: NotificationChannel;
  pipeline_id: string | null;
  events: NotificationEvent[];
  to?: string[];
  url?: string;
  secret?: string | null;
  enabled: boolean;
}

export interface NotificationTestResult {
  ok: boolean;
  error?: string | null;
}

export interface ModuleTemplate {
  id: string;
  name: string;
  module: string; // "kind.name"
  description: string;
  config: Record<string, unknown>;
  created_by?: string;
  created_at?: string;
  updated_at?: string;
}

export interface TemplateInput {
  name?: string;
  module?: string;
  description?: string;
  config?: Record<string, unknown>;
}

export interface ExpressionCheck {
  ok: boolean;
  type?: string;
  error?: { message: string; line?: number; column?: number } | null;
}

export interface Connection {
  id: string;
  name: string;
  type: string;
  host?: string;
  port?: number | null;
  database?: string;
  user?: string;
  options?: Record<string, unknown>;
  has_secret?: boolean;
  created_at?: string;
  updated_at?: string;
}

export interface ConnectionInput {
  name: string;
  type: string;
  host?: string;
  port?: number | null;
  database?: string;
  user?: string;
  secret?: string;
  options?: Record<string, unknown>;
}

export interface ConnectionTestResult {
  ok: boolean;
  message?: string;
  error?: string;
  latency_ms?: number;
}

export interface Member {
  user_id: string;
  email: string;
  name?: string;
  role: string;
  created_at?: string;
}

export interface ApiKey {
  id: string;
  name: string;
  role: string;
  prefix?: string;
  created_at?: string;
  last_used_at?: string | null;
  created_by_email?: string | null;
  expires_at?: string | null;
  expired?: boolean;
}

export interface Invitation {
  id: string;
  email: string;
  role: string;
  created_at: string;
  expires_at: string;
  invited_by_email?: string | null;
  token?: string; // only in the answer that creates it
  accept_path?: string;
}

export interface AuditEntry {
  id?: string | number;
  ts?: string;
  at?: string;
  actor?: string;
  actor_email?: string;
  action: string;
  object_type?: string;
  object_id?: string;
  detail?: unknown;
  before?: unknown;
  after?: unknown;
}

export interface PipelineVersion {
  version: number;
  created_at?: string;
  author?: string;
}

// GET/PUT /api/v1/organization/egress: CIDR blocks of internal addresses (loopback, private,
// link-local…) the organization's runs, previews, connection tests and webhooks may reach.
export interface EgressAllowList {
  allow: string[];
  server_allow: string[]; // the server's --allow-egress list, read-only here
}

// Natural-language assistance (docs/natural_language.md). GET /api/v1/assist/status: whether the
// organization has an endpoint; the editor shows the assistant only then.
export interface AssistStatus {
  enabled: boolean;
  allow_sample_rows: boolean;
}

// GET/PUT /api/v1/organization/assist (admins). The API key is write-only: `has_key` says one is stored.
export interface AssistSettings {
  configured: boolean;
  base_url?: string;
  model?: string;
  has_key?: boolean;
  allow_sample_rows?: boolean;
  timeout_seconds?: number;
  updated_by?: string;
  updated_at?: string;
}

export interface AssistSettingsInput {
  base_url: string;
  model: string;
  api_key?: string; // omitted: the stored key stays
  allow_sample_rows: boolean;
  timeout_seconds: number;
}

export type AssistKind = 'filter' | 'derive' | 'sql' | 'pipeline';

// What the model proposed (or a person edited), before the server checked it.
export interface AssistProposalFields {
  expression?: string;
  column?: string;
  query?: string;
  pipeline?: Record<string, unknown>;
}

// A proposal the server checked against the real schema: the node to add or change and the whole
// document with it applied. Nothing is saved until the user applies and saves it.
export interface AssistProposal {
  kind: AssistKind;
  explanation: string;
  model?: string;
  proposal: AssistProposalFields;
  node?: { id: string; type: string; module: string; name?: string; config: Record<string, unknown> };
  pipeline: Record<string, unknown>;
}

// The pipeline document: the versioned record the editor edits, the server stores and users
// import/export. Plain data, no classes. Every document that enters the app (API load, file
// import, local draft) passes through `parsePipelineDocument`, which migrates older formats up to
// `kCurrentFormat` and validates the shape, naming the JSON path of the first problem.

export type NodeKind = 'extract' | 'transform' | 'load';

export interface Position {
  x: number;
  y: number;
}

export interface PipelineNode {
  id: string;
  type: NodeKind;
  module: string; // name within its kind: "csv", "filter"
  name: string;
  config: Record<string, unknown>;
  position: Position;
  // Does not run, and neither does anything downstream of it (docs/pipeline-format.md).
  disabled?: boolean;
  // The node's own retries (of opening it and of the ELT task's script) and time limit.
  retry?: RetrySettings;
  timeout_seconds?: number;
}

export interface PipelineEdge {
  source: string;
  target: string;
  source_port: string;
  target_port: string;
}

export interface ParameterDef {
  type: string;
  default?: string;
  description?: string;
}

export interface Schedule {
  cron: string;
  timezone: string;
  enabled: boolean;
}

// How the orchestrator treats runs of the pipeline (src/pipeline/run_policy.h). Every field is
// optional; an absent one means the server's default (one attempt, no time limit, one run at a
// time queued, priority 0), so documents that never set them stay byte-for-byte the same.
export type ConcurrencyPolicy = 'queue' | 'skip' | 'cancel_older';

export interface RetrySettings {
  max_attempts?: number; // attempts in all, the first included (1..100)
  backoff_seconds?: number; // wait before the second attempt, doubled after each failure
  max_backoff_seconds?: number; // cap of the doubling
}

export interface ConcurrencySettings {
  limit?: number; // runs of this pipeline executing at once (1..10000)
  policy?: ConcurrencyPolicy; // when the limit is reached
}

// What a run does when its sources' columns changed since the last successful run
// (src/pipeline/schema_drift.h): the change is always recorded; `fail` also fails the run.
export type SchemaDriftPolicy = 'ignore' | 'fail' | 'evolve';
export const kSchemaDriftPolicies: SchemaDriftPolicy[] = ['ignore', 'fail', 'evolve'];

// Anomalies against the pipeline's run history (src/anomaly/anomaly_detector.h): `warn` records
// them and notifies (run.anomaly), `fail` also fails the run before its loaders publish, `off`
// does not measure. Sensitivity sets the detector's threshold (low 7, medium 4.5, high 3).
export type AnomalyPolicy = 'warn' | 'fail' | 'off';
export const kAnomalyPolicies: AnomalyPolicy[] = ['warn', 'fail', 'off'];
export type AnomalySensitivity = 'low' | 'medium' | 'high';
export const kAnomalySensitivities: AnomalySensitivity[] = ['low', 'medium', 'high'];
export interface AnomalySettings {
  policy?: AnomalyPolicy; // absent: warn
  sensitivity?: AnomalySensitivity; // absent: medium
}

export interface RunPolicy {
  retry?: RetrySettings;
  timeout_seconds?: number; // per attempt; 0 = no limit
  concurrency?: ConcurrencySettings;
  priority?: number; // higher runs are claimed first (-1000..1000)
  schema_drift?: SchemaDriftPolicy; // absent: ignore
  anomalies?: AnomalySettings; // absent: warn, medium
}

export interface PipelineDocument extends RunPolicy {
  id: string;
  name: string;
  version: number;
  release?: string; // the author's release label ("1.0.0")
  description: string;
  parameters: Record<string, ParameterDef>;
  nodes: PipelineNode[];
  edges: PipelineEdge[];
  schedule: Schedule | null;
  notifications: unknown[];
}

// Format history:
//   1 — early drafts: node `module` held the full key ("extract.csv"), edges were
//       {from: "node:port", to: "node:port"}, positions were `x`/`y` on the node.
//   2 — the server's format (pipeline_spec.h): `type` + `module`, `source`/`target` + ports,
//       `position: {x, y}`.
export const kCurrentFormat = 2;

type Json = Record<string, unknown>;

export class DocumentError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path || '/'}: ${message}`);
  }
}

interface Migration {
  from: number;
  up: (doc: Json) => Json;
  down: (doc: Json) => Json;
}

function splitRef(ref: unknown): [string, string] {
  const s = String(ref ?? '');
  const at = s.indexOf(':');
  return at < 0 ? [s, ''] : [s.slice(0, at), s.slice(at + 1)];
}

export const kMigrations: Migration[] = [
  {
    from: 1,
    up: (doc) => ({
      ...doc,
      format_version: 2,
      nodes: asArray(doc.nodes).map((raw) => {
        const n = raw as Json;
        const [kind, name] = String(n.module ?? '').includes('.')
          ? (String(n.module).split('.', 2) as [string, string])
          : [String(n.type ?? ''), String(n.module ?? '')];
        const { x, y, ...rest } = n;
        return { ...rest, type: kind, module: name, position: { x: Number(x ?? 0), y: Number(y ?? 0) } };
      }),
      edges: asArray(doc.edges).map((raw) => {
        const e = raw as Json;
        const [source, source_port] = splitRef(e.from);
        const [target, target_port] = splitRef(e.to);
        return { source, target, source_port, target_port };
      }),
    }),
    down: (doc) => ({
      ...doc,
      format_version: 1,
      nodes: asArray(doc.nodes).map((raw) => {
        const { position, type, module, ...rest } = raw as Json;
        const p = (position ?? {}) as Position;
        return { ...rest, module: `${String(type)}.${String(module)}`, x: p.x ?? 0, y: p.y ?? 0 };
      }),
      edges: asArray(doc.edges).map((raw) => {
        const e = raw as PipelineEdge;
        return { from: `${e.source}:${e.source_port}`, to: `${e.target}:${e.target_port}` };
      }),
    }),
  },
];

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

// Guesses the format of a document that does not say: format-1 edges use `from`/`to`.
export function detectFormat(doc: Json): number {
  if (typeof doc.format_version === 'number') return doc.format_version;
  const edges = asArray(doc.edges) as Json[];
  if (edges.some((e) => e && 'from' in e)) return 1;
  const nodes = asArray(doc.nodes) as Json[];
  if (nodes.some((n) => n && !('position' in n) && ('x' in n || String(n.module ?? '').includes('.')))) return 1;
  return kCurrentFormat;
}

export function migrateUp(doc: Json): Json {
  let format = detectFormat(doc);
  if (format > kCurrentFormat) {
    throw new DocumentError('/format_version', `format ${format} is newer than this editor (${kCurrentFormat})`);
  }
  let out = doc;
  while (format < kCurrentFormat) {
    const m = kMigrations.find((x) => x.from === format);
    if (!m) throw new DocumentError('/format_version', `no migration from format ${format}`);
    out = m.up(out);
    format += 1;
  }
  return out;
}

export function migrateDown(doc: Json, target: number): Json {
  let out = doc;
  for (let format = kCurrentFormat; format > target; format -= 1) {
    const m = kMigrations.find((x) => x.from === format - 1);
    if (!m) throw new DocumentError('/format_version', `no migration to format ${format - 1}`);
    out = m.down(out);
  }
  return out;
}

const kKinds: NodeKind[] = ['extract', 'transform', 'load'];

function str(v: unknown, path: string, required = true): string {
  if (v === undefined || v === null) {
    if (required) throw new DocumentError(path, 'is required');
    return '';
  }
  if (typeof v !== 'string') throw new DocumentError(path, 'must be a string');
  return v;
}

function num(v: unknown, path: string, fallback: number): number {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new DocumentError(path, 'must be a number');
  return v;
}

function obj(v: unknown, path: string): Json {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new DocumentError(path, 'must be an object');
  return v as Json;
}

// The bounds the engine enforces (run_policy.cc); the same messages, so the editor and the server
// name a bad value the same way.
const kRunPolicyLimits = {
  max_attempts: { min: 1, max: 100, integer: true },
  backoff_seconds: { min: 0, max: 86400, integer: false },
  max_backoff_seconds: { min: 0, max: 86400, integer: false },
  timeout_seconds: { min: 0, max: 7 * 86400, integer: false },
  limit: { min: 1, max: 10000, integer: true },
  priority: { min: -1000, max: 1000, integer: true },
} as const;

export const kConcurrencyPolicies: ConcurrencyPolicy[] = ['queue', 'skip', 'cancel_older'];

// The problems of one run-policy number: undefined when absent or valid.
export function runPolicyNumberIssue(key: keyof typeof kRunPolicyLimits, v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  const lim = kRunPolicyLimits[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) return lim.integer ? 'must be an integer' : 'must be a number';
  if (lim.integer && !Number.isInteger(v)) return 'must be an integer';
  if (v < lim.min || v > lim.max) return `must be between ${lim.min} and ${lim.max}`;
  return undefined;
}

function policyNumber(obj: Json, key: keyof typeof kRunPolicyLimits, path: string): number | undefined {
  const v = obj[key];
  const issue = runPolicyNumberIssue(key, v);
  if (issue) throw new DocumentError(`${path}/${key}`, issue);
  return v === undefined || v === null ? undefined : (v as number);
}

function knownKeys(obj: Json, keys: string[], path: string) {
  for (const k of Object.keys(obj)) if (!keys.includes(k)) throw new DocumentError(`${path}/${k}`, 'unknown field');
}

// Reads "retry" and "timeout_seconds" of the object at `path` (a document, or a node), keeping
// only those present.
export function validateRetryAndTimeout(obj: Json, path: string): Pick<RunPolicy, 'retry' | 'timeout_seconds'> {
  const out: Pick<RunPolicy, 'retry' | 'timeout_seconds'> = {};
  if (obj.retry !== undefined && obj.retry !== null) {
    if (typeof obj.retry !== 'object' || Array.isArray(obj.retry)) {
      throw new DocumentError(`${path}/retry`, 'must be an object {max_attempts, backoff_seconds, max_backoff_seconds}');
    }
    const r = obj.retry as Json;
    knownKeys(r, ['max_attempts', 'backoff_seconds', 'max_backoff_seconds'], `${path}/retry`);
    const retry: RetrySettings = {};
    for (const key of ['max_attempts', 'backoff_seconds', 'max_backoff_seconds'] as const) {
      const v = policyNumber(r, key, `${path}/retry`);
      if (v !== undefined) retry[key] = v;
    }
    out.retry = retry;
  }
  const timeout = policyNumber(obj, 'timeout_seconds', path);
  if (timeout !== undefined) out.timeout_seconds = timeout;
  return out;
}

// Reads the run-policy fields of a document, keeping only those present.
export function validateRunPolicy(doc: Json): RunPolicy {
  const out: RunPolicy = validateRetryAndTimeout(doc, '');
  if (doc.concurrency !== undefined && doc.concurrency !== null) {
    if (typeof doc.concurrency !== 'object' || Array.isArray(doc.concurrency)) {
      throw new DocumentError('/concurrency', 'must be an object {limit, policy}');
    }
    const c = doc.concurrency as Json;
    knownKeys(c, ['limit', 'policy'], '/concurrency');
    const concurrency: ConcurrencySettings = {};
    const limit = policyNumber(c, 'limit', '/concurrency');
    if (limit !== undefined) concurrency.limit = limit;
    if (c.policy !== undefined && c.policy !== null) {
      if (!kConcurrencyPolicies.includes(c.policy as ConcurrencyPolicy)) {
        throw new DocumentError('/concurrency/policy', 'must be queue, skip or cancel_older');
      }
      concurrency.policy = c.policy as ConcurrencyPolicy;
    }
    out.concurrency = concurrency;
  }
  const priority = policyNumber(doc, 'priority', '');
  if (priority !== undefined) out.priority = priority;
  if (doc.schema_drift !== undefined && doc.schema_drift !== null) {
    if (!kSchemaDriftPolicies.includes(doc.schema_drift as SchemaDriftPolicy)) {
      throw new DocumentError('/schema_drift', 'must be ignore, fail or evolve');
    }
    out.schema_drift = doc.schema_drift as SchemaDriftPolicy;
  }
  if (doc.anomalies !== undefined && doc.anomalies !== null) {
    if (typeof doc.anomalies !== 'object' || Array.isArray(doc.anomalies)) {
      throw new DocumentError('/anomalies', 'must be an object {policy, sensitivity}');
    }
    const a = doc.anomalies as Json;
    knownKeys(a, ['policy', 'sensitivity'], '/anomalies');
    const anomalies: AnomalySettings = {};
    if (a.policy !== undefined && a.policy !== null) {
      if (!kAnomalyPolicies.includes(a.policy as AnomalyPolicy)) throw new DocumentError('/anomalies/policy', 'must be warn, fail or off');
      anomalies.policy = a.policy as AnomalyPolicy;
    }
    if (a.sensitivity !== undefined && a.sensitivity !== null) {
      if (!kAnomalySensitivities.includes(a.sensitivity as AnomalySensitivity)) {
        throw new DocumentError('/anomalies/sensitivity', 'must be low, medium or high');
      }
      anomalies.sensitivity = a.sensitivity as AnomalySensitivity;
    }
    out.anomalies = anomalies;
  }
  return out;
}

// The run-policy fields of `doc` (for the settings dialog and the server body).
export function runPolicyOf(doc: RunPolicy): RunPolicy {
  const out: RunPolicy = {};
  if (doc.retry !== undefined) out.retry = doc.retry;
  if (doc.timeout_seconds !== undefined) out.timeout_seconds = doc.timeout_seconds;
  if (doc.concurrency !== undefined) out.concurrency = doc.concurrency;
  if (doc.priority !== undefined) out.priority = doc.priority;
  if (doc.schema_drift !== undefined) out.schema_drift = doc.schema_drift;
  if (doc.anomalies !== undefined) out.anomalies = doc.anomalies;
  return out;
}

// `doc` with its run policy replaced by `policy` (fields absent from `policy` are removed).
export function withRunPolicy(doc: PipelineDocument, policy: RunPolicy): PipelineDocument {
  const { retry: _r, timeout_seconds: _t, concurrency: _c, priority: _p, schema_drift: _s, anomalies: _a, ...rest } = doc;
  return { ...rest, ...runPolicyOf(policy) };
}

// Validates a current-format document and returns it normalised (defaults filled in).
export function validateDocument(raw: unknown): PipelineDocument {
  const doc = obj(raw, '');
  if (doc.nodes !== undefined && !Array.isArray(doc.nodes)) throw new DocumentError('/nodes', 'must be an array');
  if (doc.edges !== undefined && !Array.isArray(doc.edges)) throw new DocumentError('/edges', 'must be an array');
  const ids = new Set<string>();
  const nodes = asArray(doc.nodes).map((rawNode, i): PipelineNode => {
    const p = `/nodes/${i}`;
    const n = obj(rawNode, p);
    const id = str(n.id, `${p}/id`);
    if (!id) throw new DocumentError(`${p}/id`, 'must not be empty');
    if (ids.has(id)) throw new DocumentError(`${p}/id`, `duplicate node id "${id}"`);
    ids.add(id);
    const type = str(n.type, `${p}/type`) as NodeKind;
    if (!kKinds.includes(type)) throw new DocumentError(`${p}/type`, 'must be extract, transform or load');
    const pos = obj(n.position, `${p}/position`);
    if (n.disabled !== undefined && typeof n.disabled !== 'boolean') {
      throw new DocumentError(`${p}/disabled`, 'must be true or false');
    }
    const node: PipelineNode = {
      id,
      type,
      module: str(n.module, `${p}/module`),
      name: str(n.name, `${p}/name`, false),
      config: obj(n.config, `${p}/config`),
      position: { x: num(pos.x, `${p}/position/x`, 0), y: num(pos.y, `${p}/position/y`, 0) },
    };
    if (n.disabled === true) node.disabled = true;
    Object.assign(node, validateRetryAndTimeout(n, p));
    return node;
  });
  const edges = asArray(doc.edges).map((rawEdge, i): PipelineEdge => {
    const p = `/edges/${i}`;
    const e = obj(rawEdge, p);
    const source = str(e.source, `${p}/source`);
    const target = str(e.target, `${p}/target`);
    if (!ids.has(source)) throw new DocumentError(`${p}/source`, `unknown node "${source}"`);
    if (!ids.has(target)) throw new DocumentError(`${p}/target`, `unknown node "${target}"`);
    return {
      source,
      target,
      source_port: str(e.source_port, `${p}/source_port`, false),
      target_port: str(e.target_port, `${p}/target_port`, false),
    };
  });
  let schedule: Schedule | null = null;
  if (doc.schedule !== undefined && doc.schedule !== null) {
    const s = obj(doc.schedule, '/schedule');
    schedule = {
      cron: str(s.cron, '/schedule/cron'),
      timezone: str(s.timezone, '/schedule/timezone', false) || 'UTC',
      enabled: s.enabled === undefined ? true : Boolean(s.enabled),
    };
  }
  const params = obj(doc.parameters, '/parameters');
  const release = str(doc.release, '/release', false);
  return {
    id: str(doc.id, '/id', false),
    name: str(doc.name, '/name', false) || 'Untitled pipeline',
    version: num(doc.version, '/version', 1),
    ...(release ? { release } : {}),
    description: str(doc.description, '/description', false),
    parameters: params as Record<string, ParameterDef>,
    nodes,
    edges,
    schedule,
    notifications: asArray(doc.notifications),
    ...validateRunPolicy(doc),
  };
}

const kTypeAliases: Record<string, NodeKind> = { extractor: 'extract', transformer: 'transform', loader: 'load' };

// The design documents' spellings, rewritten as the engine does (src/pipeline/pipeline_format.h):
// release-string versions, a bare cron schedule, {on_failure, on_success} notifications, the type
// names extractor/transformer/loader, the cleaner's remove_duplicates + columns and an s3 bucket.
export function canonicalDialect(doc: Json): Json {
  const out: Json = { ...doc };
  if (typeof out.version === 'string') {
    out.release = out.version;
    out.version = 1;
  }
  if (typeof out.schedule === 'string') out.schedule = { cron: out.schedule, timezone: 'UTC', enabled: true };
  const n = out.notifications;
  if (n && typeof n === 'object' && !Array.isArray(n)) {
    const list: Json[] = [];
    for (const [key, to] of Object.entries(n as Json)) {
      const on = key === 'on_failure' ? 'failure' : key === 'on_success' ? 'success' : '';
      if (!on) throw new DocumentError(`/notifications/${key}`, 'unknown field (on_failure, on_success)');
      if (Array.isArray(to) && to.length > 0) list.push({ on: [on], channel: 'email', to });
    }
    out.notifications = list;
  }
  out.nodes = asArray(out.nodes).map((raw) => {
    if (!raw || typeof raw !== 'object') return raw;
    const node = { ...(raw as Json) };
    if (typeof node.type === 'string' && node.type in kTypeAliases) node.type = kTypeAliases[node.type];
    const config = node.config && typeof node.config === 'object' ? { ...(node.config as Json) } : null;
    if (config && node.type === 'transform' && node.module === 'cleaner' && config.remove_duplicates === true && !config.dedupe) {
      config.dedupe = { keys: Array.isArray(config.columns) ? config.columns : [] };
      delete config.remove_duplicates;
      delete config.columns;
    }
    if (config && node.type === 'load' && node.module === 's3' && typeof config.bucket === 'string' && !config.path) {
      const options: Json = { ...((config.options as Json) ?? {}) };
      for (const key of ['partition_by', 'compression', 'partition_time_column']) {
        if (key in config) {
          options[key] = config[key];
          delete config[key];
        }
      }
      config.path = `s3://${config.bucket}/${String(config.prefix ?? (out.id || 'data'))}`;
      config.connection = config.connection ?? config.bucket;
      config.options = options;
      delete config.bucket;
      delete config.prefix;
    }
    if (config) node.config = config;
    return node;
  });
  return out;
}

// Migrates then validates anything that claims to be a pipeline document.
export function parsePipelineDocument(raw: unknown): PipelineDocument {
  return validateDocument(canonicalDialect(migrateUp(obj(raw, ''))));
}

export function parsePipelineText(text: string): PipelineDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new DocumentError('', `not valid JSON (${(e as Error).message})`);
  }
  return parsePipelineDocument(raw);
}

// The document as the server expects it (pipeline_spec.h): no editor-only fields.
export function toServerJson(doc: PipelineDocument): Json {
  const out: Json = {
    name: doc.name,
    version: doc.version,
    ...(doc.release ? { release: doc.release } : {}),
    description: doc.description,
    parameters: doc.parameters,
    nodes: doc.nodes.map((n) => ({ ...n })),
    edges: doc.edges.map((e) => {
      const edge: Json = { source: e.source, target: e.target };
      if (e.source_port) edge.source_port = e.source_port;
      if (e.target_port) edge.target_port = e.target_port;
      return edge;
    }),
    schedule: doc.schedule,
    notifications: doc.notifications,
    ...runPolicyOf(doc),
  };
  if (doc.id) out.id = doc.id;
  return out;
}

// The export file: the server format plus the format version so future editors can migrate it.
export function toExportJson(doc: PipelineDocument): string {
  return JSON.stringify({ format_version: kCurrentFormat, ...toServerJson(doc) }, null, 2);
}

export function emptyDocument(name = 'Untitled pipeline'): PipelineDocument {
  return {
    id: '',
    name,
    version: 1,
    description: '',
    parameters: {},
    nodes: [],
    edges: [],
    schedule: null,
    notifications: [],
  };
}

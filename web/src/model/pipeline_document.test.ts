import { describe, expect, it } from 'vitest';
import {
  DocumentError,
  detectFormat,
  kCurrentFormat,
  migrateDown,
  migrateUp,
  parsePipelineDocument,
  parsePipelineText,
  runPolicyNumberIssue,
  runPolicyOf,
  toExportJson,
  toServerJson,
  validateDocument,
  withRunPolicy,
} from './pipeline_document';

const v2 = {
  id: 'orders',
  name: 'Orders',
  version: 3,
  nodes: [
    { id: 'src', type: 'extract', module: 'csv', name: 'Orders', config: { path: 'o.csv' }, position: { x: 1, y: 2 } },
    { id: 'out', type: 'load', module: 'csv', name: 'Out', config: {}, position: { x: 300, y: 2 } },
  ],
  edges: [{ source: 'src', target: 'out', source_port: 'out', target_port: 'in' }],
  schedule: { cron: '0 2 * * *', timezone: 'Europe/Paris', enabled: true },
};

const v1 = {
  name: 'Orders',
  nodes: [
    { id: 'src', module: 'extract.csv', name: 'Orders', config: { path: 'o.csv' }, x: 1, y: 2 },
    { id: 'out', module: 'load.csv', name: 'Out', config: {}, x: 300, y: 2 },
  ],
  edges: [{ from: 'src:out', to: 'out:in' }],
};

describe('format detection and migrations', () => {
  it.each([
    ['explicit version', { format_version: 1, nodes: [] }, 1],
    ['from/to edges', v1, 1],
    ['current shape', v2, kCurrentFormat],
    ['empty document', {}, kCurrentFormat],
  ])('detects %s', (_, doc, want) => {
    expect(detectFormat(doc as Record<string, unknown>)).toBe(want);
  });

  it('migrates format 1 up to the current format', () => {
    const doc = parsePipelineDocument(v1);
    expect(doc.nodes[0]).toMatchObject({ id: 'src', type: 'extract', module: 'csv', position: { x: 1, y: 2 } });
    expect(doc.nodes[1]).toMatchObject({ type: 'load', module: 'csv' });
    expect(doc.edges).toEqual([{ source: 'src', target: 'out', source_port: 'out', target_port: 'in' }]);
  });

  it('round-trips down and up again', () => {
    const up = migrateUp(v2 as Record<string, unknown>);
    const down = migrateDown(up, 1);
    expect(down.format_version).toBe(1);
    expect((down.edges as { from: string }[])[0].from).toBe('src:out');
    const again = validateDocument(migrateUp(down));
    expect(again.nodes).toEqual(validateDocument(v2).nodes);
    expect(again.edges).toEqual(validateDocument(v2).edges);
  });

  it('refuses documents from a newer editor', () => {
    expect(() => parsePipelineDocument({ format_version: 99 })).toThrow(/newer than this editor/);
  });
});

describe('validation names the JSON path', () => {
  it.each([
    ['nodes not an array', { nodes: {} }, '/nodes'],
    ['missing node id', { nodes: [{ type: 'extract', module: 'csv' }] }, '/nodes/0/id'],
    ['bad kind', { nodes: [{ id: 'a', type: 'source', module: 'csv' }] }, '/nodes/0/type'],
    ['duplicate id', { nodes: [{ id: 'a', type: 'extract', module: 'csv' }, { id: 'a', type: 'load', module: 'csv' }] }, '/nodes/1/id'],
    ['config not object', { nodes: [{ id: 'a', type: 'extract', module: 'csv', config: [] }] }, '/nodes/0/config'],
    ['position not number', { nodes: [{ id: 'a', type: 'extract', module: 'csv', position: { x: 'left' } }] }, '/nodes/0/position/x'],
    ['edge to unknown node', { nodes: [{ id: 'a', type: 'extract', module: 'csv' }], edges: [{ source: 'a', target: 'zz' }] }, '/edges/0/target'],
    ['schedule without cron', { schedule: { timezone: 'UTC' } }, '/schedule/cron'],
  ])('%s', (_, doc, path) => {
    try {
      validateDocument(doc);
      expect.unreachable('should have thrown');
    } catch (e) {
      expect(e).toBeInstanceOf(DocumentError);
      expect((e as DocumentError).path).toBe(path);
    }
  });

  it('fills defaults', () => {
    const d = validateDocument({ nodes: [{ id: 'a', type: 'extract', module: 'csv' }] });
    expect(d.name).toBe('Untitled pipeline');
    expect(d.version).toBe(1);
    expect(d.nodes[0]).toEqual({ id: 'a', type: 'extract', module: 'csv', name: '', config: {}, position: { x: 0, y: 0 } });
    expect(d.schedule).toBeNull();
  });

  it('reports JSON syntax errors', () => {
    expect(() => parsePipelineText('{"nodes": [')).toThrow(/not valid JSON/);
  });
});

describe('serialisation', () => {
  it('server JSON omits empty ports and has no format field', () => {
    const doc = validateDocument({ ...v2, edges: [{ source: 'src', target: 'out' }] });
    const json = toServerJson(doc);
    expect(json.format_version).toBeUndefined();
    expect(json.edges).toEqual([{ source: 'src', target: 'out' }]);
    expect(json.id).toBe('orders');
  });

  it('export carries the format version and parses back to the same document', () => {
    const doc = validateDocument(v2);
    const text = toExportJson(doc);
    expect(JSON.parse(text).format_version).toBe(kCurrentFormat);
    expect(parsePipelineText(text)).toEqual(doc);
  });
});

describe('run policy (retry, timeout, concurrency, priority)', () => {
  const withPolicy = {
    ...v2,
    retry: { max_attempts: 3, backoff_seconds: 5, max_backoff_seconds: 60 },
    timeout_seconds: 90,
    concurrency: { limit: 2, policy: 'cancel_older' },
    priority: -5,
    schema_drift: 'fail',
    anomalies: { policy: 'fail', sensitivity: 'high' },
  };

  it('round-trips through parse, server JSON and export', () => {
    const doc = parsePipelineDocument(withPolicy);
    expect(runPolicyOf(doc)).toEqual({
      retry: { max_attempts: 3, backoff_seconds: 5, max_backoff_seconds: 60 },
      timeout_seconds: 90,
      concurrency: { limit: 2, policy: 'cancel_older' },
      priority: -5,
      schema_drift: 'fail',
      anomalies: { policy: 'fail', sensitivity: 'high' },
    });
    const server = toServerJson(doc);
    expect(server).toMatchObject({ retry: withPolicy.retry, timeout_seconds: 90, concurrency: withPolicy.concurrency, priority: -5, schema_drift: 'fail', anomalies: { policy: 'fail', sensitivity: 'high' } });
    expect(parsePipelineText(toExportJson(doc))).toEqual(doc);
  });

  it('adds no fields to documents without a policy', () => {
    const server = toServerJson(parsePipelineDocument(v2));
    for (const key of ['retry', 'timeout_seconds', 'concurrency', 'priority', 'schema_drift', 'anomalies']) expect(server).not.toHaveProperty(key);
  });

  it('keeps partial objects as written', () => {
    const doc = parsePipelineDocument({ ...v2, retry: { max_attempts: 2 }, concurrency: { policy: 'skip' } });
    expect(toServerJson(doc)).toMatchObject({ retry: { max_attempts: 2 }, concurrency: { policy: 'skip' } });
    expect(toServerJson(doc).retry).toEqual({ max_attempts: 2 });
  });

  it.each([
    ['attempts zero', { retry: { max_attempts: 0 } }, '/retry/max_attempts: must be between 1 and 100'],
    ['attempts fractional', { retry: { max_attempts: 1.5 } }, '/retry/max_attempts: must be an integer'],
    ['backoff text', { retry: { backoff_seconds: '10' } }, '/retry/backoff_seconds: must be a number'],
    ['backoff cap too large', { retry: { max_backoff_seconds: 86401 } }, '/retry/max_backoff_seconds: must be between 0 and 86400'],
    ['retry unknown field', { retry: { attempts: 3 } }, '/retry/attempts: unknown field'],
    ['retry not an object', { retry: 3 }, '/retry: must be an object {max_attempts, backoff_seconds, max_backoff_seconds}'],
    ['negative timeout', { timeout_seconds: -1 }, '/timeout_seconds: must be between 0 and 604800'],
    ['limit zero', { concurrency: { limit: 0 } }, '/concurrency/limit: must be between 1 and 10000'],
    ['unknown policy', { concurrency: { policy: 'drop' } }, '/concurrency/policy: must be queue, skip or cancel_older'],
    ['concurrency unknown field', { concurrency: { max: 2 } }, '/concurrency/max: unknown field'],
    ['priority too high', { priority: 1001 }, '/priority: must be between -1000 and 1000'],
    ['priority fractional', { priority: 0.5 }, '/priority: must be an integer'],
    ['unknown schema drift policy', { schema_drift: 'adapt' }, '/schema_drift: must be ignore, fail or evolve'],
    ['anomalies not an object', { anomalies: 'warn' }, '/anomalies: must be an object {policy, sensitivity}'],
    ['anomalies unknown policy', { anomalies: { policy: 'stop' } }, '/anomalies/policy: must be warn, fail or off'],
    ['anomalies unknown sensitivity', { anomalies: { sensitivity: 2 } }, '/anomalies/sensitivity: must be low, medium or high'],
    ['anomalies unknown field', { anomalies: { threshold: 2 } }, '/anomalies/threshold: unknown field'],
  ])('refuses %s with the JSON path', (_, extra, message) => {
    expect(() => parsePipelineDocument({ ...v2, ...extra })).toThrow(DocumentError);
    expect(() => parsePipelineDocument({ ...v2, ...extra })).toThrow(message);
  });

  it('withRunPolicy replaces the whole policy and leaves the rest untouched', () => {
    const doc = parsePipelineDocument(withPolicy);
    const next = withRunPolicy(doc, { priority: 7 });
    expect(runPolicyOf(next)).toEqual({ priority: 7 });
    expect(next.nodes).toBe(doc.nodes);
    expect(next.schedule).toBe(doc.schedule);
    expect(runPolicyOf(withRunPolicy(next, {}))).toEqual({});
  });

  it.each([
    ['max_attempts', 1, undefined],
    ['max_attempts', 101, 'must be between 1 and 100'],
    ['timeout_seconds', 604800, undefined],
    ['timeout_seconds', Number.NaN, 'must be a number'],
    ['limit', 2.5, 'must be an integer'],
    ['priority', -1000, undefined],
  ] as const)('runPolicyNumberIssue(%s, %s)', (key, value, want) => {
    expect(runPolicyNumberIssue(key, value)).toBe(want);
  });
});

import { describe, expect, it } from 'vitest';
import { FlowEdgeCache, FlowNodeCache } from './to_flow';
import { applyChange } from '../../model/changes';
import { validateDocument } from '../../model/pipeline_document';

const doc = validateDocument({
  nodes: Array.from({ length: 50 }, (_, i) => ({ id: `n${i}`, type: i === 0 ? 'extract' : 'transform', module: i === 0 ? 'csv' : 'filter', position: { x: i * 10, y: 0 } })),
  edges: Array.from({ length: 49 }, (_, i) => ({ source: `n${i}`, target: `n${i + 1}`, source_port: 'out', target_port: 'in' })),
});
const none = new Set<string>();
const noErrors = new Map<string, string[]>();
const modules = new Map();

describe('flow caches', () => {
  it('a move replaces only the moved node; data objects survive', () => {
    const cache = new FlowNodeCache();
    const a = cache.build(doc, modules, none, noErrors, {}, null);
    const moved = applyChange(doc, { kind: 'moveNodes', positions: { n7: { x: 1, y: 2 } } });
    const b = cache.build(moved, modules, none, noErrors, {}, null);
    const changed = b.filter((n, i) => n !== a[i]).map((n) => n.id);
    expect(changed).toEqual(['n7']);
    expect(b[7].data).toBe(a[7].data);
    expect(b[7].position).toEqual({ x: 1, y: 2 });
  });

  it('keeps measured sizes on new node objects', () => {
    const cache = new FlowNodeCache();
    cache.build(doc, modules, none, noErrors, {}, null);
    cache.setMeasured('n3', { width: 200, height: 80 });
    const moved = applyChange(doc, { kind: 'moveNodes', positions: { n3: { x: 5, y: 5 } } });
    expect(cache.build(moved, modules, none, noErrors, {}, null)[3].measured).toEqual({ width: 200, height: 80 });
  });

  it('selection, errors and metrics change only the nodes concerned', () => {
    const cache = new FlowNodeCache();
    const a = cache.build(doc, modules, none, noErrors, {}, null);
    const b = cache.build(doc, modules, new Set(['n1']), new Map([['n2', ['bad']]]), { n3: { status: 'running' } }, null);
    expect(b.filter((n, i) => n !== a[i]).map((n) => n.id)).toEqual(['n1', 'n2', 'n3']);
    expect(b[1].selected).toBe(true);
    expect(b[2].data.errors).toEqual(['bad']);
    expect(b[3].data.metrics?.status).toBe('running');
  });

  it('edges keep identity unless their edge, metrics or selection change', () => {
    const cache = new FlowEdgeCache();
    const a = cache.build(doc, {}, none);
    const moved = applyChange(doc, { kind: 'moveNodes', positions: { n7: { x: 1, y: 2 } } });
    expect(cache.build(moved, {}, none).every((e, i) => e === a[i])).toBe(true);
    const c = cache.build(moved, { n4: { status: 'running', rows_out: 5 } }, new Set([a[0].id]));
    const changed = c.filter((e, i) => e !== a[i]).map((e) => e.id);
    expect(changed).toEqual([a[0].id, a[4].id]);
    expect(c[4].animated).toBe(true);
    expect(c[4].label).toBe('5');
  });
});

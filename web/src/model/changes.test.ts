import { describe, expect, it } from 'vitest';
import { applyChange, copySelection, freshNodeId, pasteChange } from './changes';
import { validateDocument } from './pipeline_document';
import { autoLayout, kColumnWidth } from './layout';

const doc = validateDocument({
  nodes: [
    { id: 'a', type: 'extract', module: 'csv', position: { x: 0, y: 0 } },
    { id: 'f', type: 'transform', module: 'filter', position: { x: 10, y: 10 } },
    { id: 'o', type: 'load', module: 'csv', position: { x: 20, y: 20 } },
  ],
  edges: [
    { source: 'a', target: 'f', source_port: 'out', target_port: 'in' },
    { source: 'f', target: 'o', source_port: 'out', target_port: 'in' },
  ],
});

describe('applyChange', () => {
  it('is pure and keeps untouched nodes by identity', () => {
    const next = applyChange(doc, { kind: 'moveNodes', positions: { f: { x: 99, y: 1 } } });
    expect(next).not.toBe(doc);
    expect(doc.nodes[1].position).toEqual({ x: 10, y: 10 });
    expect(next.nodes[1].position).toEqual({ x: 99, y: 1 });
    expect(next.nodes[0]).toBe(doc.nodes[0]);
    expect(next.nodes[2]).toBe(doc.nodes[2]);
  });

  it('removing nodes removes their edges and any listed edges', () => {
    const next = applyChange(doc, { kind: 'removeNodes', ids: ['f'] });
    expect(next.nodes.map((n) => n.id)).toEqual(['a', 'o']);
    expect(next.edges).toEqual([]);
  });

  it('adds and removes edges, ignoring duplicates', () => {
    const e = { source: 'a', target: 'o', source_port: 'out', target_port: 'in' };
    const added = applyChange(doc, { kind: 'addEdge', edge: e });
    expect(added.edges).toHaveLength(3);
    expect(applyChange(added, { kind: 'addEdge', edge: { ...e } })).toBe(added);
    expect(applyChange(added, { kind: 'removeEdges', edges: [e] }).edges).toEqual(doc.edges);
  });

  it('refuses duplicate node ids', () => {
    expect(() => applyChange(doc, { kind: 'addNode', node: { ...doc.nodes[0] } })).toThrow(/duplicate node id a/);
  });

  it('renames, configures, schedules', () => {
    let d = applyChange(doc, { kind: 'renameNode', id: 'a', name: 'Orders' });
    d = applyChange(d, { kind: 'setConfig', id: 'a', config: { path: 'x.csv' } });
    d = applyChange(d, { kind: 'setSchedule', schedule: { cron: '0 * * * *', timezone: 'UTC', enabled: true } });
    expect(d.nodes[0]).toMatchObject({ name: 'Orders', config: { path: 'x.csv' } });
    expect(d.schedule?.cron).toBe('0 * * * *');
  });
});

describe('clipboard', () => {
  it('copies inner edges only and pastes with fresh ids and offset', () => {
    const clip = copySelection(doc, ['f', 'o']);
    expect(clip.nodes.map((n) => n.id)).toEqual(['f', 'o']);
    expect(clip.edges).toEqual([{ source: 'f', target: 'o', source_port: 'out', target_port: 'in' }]);
    const change = pasteChange(doc, clip, { x: 40, y: 40 });
    expect(change.nodes.map((n) => n.id)).toEqual(['filter_1', 'csv_1']);
    expect(change.nodes[0].position).toEqual({ x: 50, y: 50 });
    expect(change.edges).toEqual([{ source: 'filter_1', target: 'csv_1', source_port: 'out', target_port: 'in' }]);
    const next = applyChange(doc, change);
    expect(next.nodes).toHaveLength(5);
    // The clipboard is a deep copy: editing the pasted node leaves the original alone.
    (change.nodes[0].config as Record<string, unknown>).x = 1;
    expect(doc.nodes[1].config).toEqual({});
  });

  it('freshNodeId skips taken ids', () => {
    expect(freshNodeId('csv', new Set(['csv_1', 'csv_2']))).toBe('csv_3');
    expect(freshNodeId('my-mod', new Set())).toBe('my_mod_1');
  });
});

describe('autoLayout', () => {
  it('places each node one column right of its deepest parent', () => {
    const d = validateDocument({
      nodes: ['a', 'b', 'j', 'o'].map((id) => ({ id, type: 'transform', module: 'm' })),
      edges: [
        { source: 'a', target: 'j' },
        { source: 'b', target: 'j' },
        { source: 'a', target: 'b' },
        { source: 'j', target: 'o' },
      ],
    });
    const pos = autoLayout(d);
    expect(pos.a.x).toBe(0);
    expect(pos.b.x).toBe(kColumnWidth);
    expect(pos.j.x).toBe(2 * kColumnWidth);
    expect(pos.o.x).toBe(3 * kColumnWidth);
  });

  it('spreads siblings vertically without overlap', () => {
    const d = validateDocument({
      nodes: ['s', 'x', 'y', 'z'].map((id) => ({ id, type: 'transform', module: 'm' })),
      edges: ['x', 'y', 'z'].map((t) => ({ source: 's', target: t })),
    });
    const pos = autoLayout(d);
    const ys = ['x', 'y', 'z'].map((id) => pos[id].y);
    expect(new Set(ys).size).toBe(3);
    expect(ys.reduce((a, b) => a + b, 0)).toBe(0);
  });
});

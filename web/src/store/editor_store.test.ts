import { beforeEach, describe, expect, it } from 'vitest';
import { isDirty, useEditorStore } from './editor_store';
import { validateDocument } from '../model/pipeline_document';

const base = validateDocument({
  id: 'p1',
  nodes: [
    { id: 'a', type: 'extract', module: 'csv', position: { x: 0, y: 0 } },
    { id: 'b', type: 'load', module: 'csv', position: { x: 300, y: 0 } },
  ],
  edges: [{ source: 'a', target: 'b', source_port: 'out', target_port: 'in' }],
});

const st = () => useEditorStore.getState();

describe('editor store', () => {
  beforeEach(() => st().load(base));

  it('loads clean and becomes dirty after an edit; undo makes it clean again', () => {
    expect(isDirty(st())).toBe(false);
    st().apply({ kind: 'renameNode', id: 'a', name: 'Orders' });
    expect(isDirty(st())).toBe(true);
    st().undo();
    expect(st().doc).toBe(base);
    expect(isDirty(st())).toBe(false);
    st().redo();
    expect(st().doc.nodes[0].name).toBe('Orders');
  });

  it('a drag gesture is one undo step', () => {
    st().beginGesture();
    for (let i = 1; i <= 30; i += 1) st().apply({ kind: 'moveNodes', positions: { a: { x: i, y: i } } }, { commit: false });
    expect(st().doc.nodes[0].position).toEqual({ x: 30, y: 30 });
    expect(st().past).toHaveLength(1);
    st().undo();
    expect(st().doc.nodes[0].position).toEqual({ x: 0, y: 0 });
  });

  it('a new edit clears the redo stack', () => {
    st().apply({ kind: 'renameNode', id: 'a', name: 'x' });
    st().undo();
    expect(st().future).toHaveLength(1);
    st().apply({ kind: 'renameNode', id: 'a', name: 'y' });
    expect(st().future).toHaveLength(0);
  });

  it('copy, paste and delete work on the selection', () => {
    st().select(['a', 'b']);
    st().copy();
    st().paste();
    expect(st().doc.nodes.map((n) => n.id)).toEqual(['a', 'b', 'csv_1', 'csv_2']);
    expect(st().doc.edges).toHaveLength(2);
    expect(st().selection).toEqual(['csv_1', 'csv_2']);
    st().paste();
    const third = st().doc.nodes.slice(4);
    expect(third.map((n) => n.position)).toEqual([
      { x: 80, y: 80 },
      { x: 380, y: 80 },
    ]);
    st().deleteSelection();
    expect(st().doc.nodes).toHaveLength(4);
    expect(st().selection).toEqual([]);
  });

  it('undo drops selected nodes that no longer exist', () => {
    st().select(['a']);
    st().copy();
    st().paste();
    expect(st().selection).toEqual(['csv_1']);
    st().undo();
    expect(st().selection).toEqual([]);
  });

  it('markSaved makes the current document the baseline', () => {
    st().apply({ kind: 'setMeta', name: 'New name' });
    st().markSaved({ ...st().doc, version: 2 });
    expect(isDirty(st())).toBe(false);
    expect(st().doc.version).toBe(2);
  });

  it('merges run metrics per node and resets them for a new run', () => {
    st().setRun('r1', 'running');
    st().mergeMetrics({ a: { status: 'running', rows_out: 10 } });
    st().mergeMetrics({ a: { rows_out: 20 }, b: { status: 'queued' } });
    expect(st().nodeMetrics).toEqual({ a: { status: 'running', rows_out: 20 }, b: { status: 'queued' } });
    st().setRun('r1', 'succeeded');
    expect(st().nodeMetrics.a.rows_out).toBe(20);
    st().setRun('r2', 'queued');
    expect(st().nodeMetrics).toEqual({});
  });
});

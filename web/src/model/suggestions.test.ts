import { describe, expect, it } from 'vitest';
import type { ProfileSuggestion } from '../api/types';
import { applyChange } from './changes';
import { validateDocument } from './pipeline_document';
import { beforeAfter, suggestionChange } from './suggestions';

const doc = validateDocument({
  nodes: [
    { id: 'src', type: 'extract', module: 'csv', position: { x: 0, y: 0 } },
    { id: 'trim_name', type: 'transform', module: 'filter', position: { x: 10, y: 10 } },
    { id: 'out', type: 'load', module: 'csv', position: { x: 20, y: 20 } },
    { id: 'bad', type: 'load', module: 'csv', position: { x: 30, y: 30 } },
  ],
  edges: [
    { source: 'src', target: 'trim_name', source_port: 'out', target_port: 'in' },
    { source: 'trim_name', target: 'out', source_port: 'out', target_port: 'in' },
    { source: 'trim_name', target: 'bad', source_port: 'rejects', target_port: 'in' },
  ],
});

const trim: ProfileSuggestion = {
  kind: 'trim',
  columns: ['name'],
  title: 'Trim spaces in name',
  reason: '3 of 10 values have leading or trailing whitespace',
  score: 0.7,
  node: { id: 'trim_name', type: 'transform', module: 'cleaner', name: 'Trim spaces in name', config: { operations: [{ op: 'trim', columns: ['name'] }] } },
  valid: true,
  issues: [],
};

describe('suggestionChange', () => {
  it('inserts the node after the profiled node, moving its main output edges and keeping other ports', () => {
    const change = suggestionChange(doc, 'trim_name', trim);
    expect(change.node.id).toBe('trim_name_1'); // the suggested id is taken
    expect(change.node.position).toEqual({ x: 50, y: 130 });
    const next = applyChange(doc, change);
    expect(next.nodes.map((n) => n.id)).toEqual(['src', 'trim_name', 'out', 'bad', 'trim_name_1']);
    expect(next.edges).toEqual([
      { source: 'src', target: 'trim_name', source_port: 'out', target_port: 'in' },
      { source: 'trim_name_1', target: 'out', source_port: 'out', target_port: 'in' },
      { source: 'trim_name', target: 'bad', source_port: 'rejects', target_port: 'in' },
      { source: 'trim_name', target: 'trim_name_1', source_port: 'out', target_port: 'in' },
    ]);
    // The config is a copy: editing the node never edits the suggestion.
    expect(next.nodes[4].config).toEqual(trim.node.config);
    expect(next.nodes[4].config).not.toBe(trim.node.config);
  });

  it('keeps a free suggested id and rejects an unknown anchor', () => {
    const change = suggestionChange(doc, 'src', { ...trim, node: { ...trim.node, id: 'clean' } });
    expect(change.node.id).toBe('clean');
    expect(() => applyChange(doc, { ...change, after: 'nope' })).toThrow(/no node nope/);
  });
});

describe('beforeAfter', () => {
  const before = {
    schema: [
      { name: 'id', type: 'int64' },
      { name: 'email', type: 'string' },
    ],
    rows: [
      [1, ' A@X.COM'],
      [2, 'b@x.com'],
      [3, null],
    ],
  };
  const after = {
    schema: [
      { name: 'id', type: 'int64' },
      { name: 'email', type: 'string' },
      { name: 'email_valid', type: 'bool' },
    ],
    rows: [
      [1, 'a@x.com', true],
      [2, 'b@x.com', true],
      [3, null, null],
    ],
  };

  it('pairs rows by position over the suggested and the new columns and counts changed rows', () => {
    const view = beforeAfter(before, after, ['email']);
    expect(view.columns).toEqual([
      { name: 'email', before: 'string', after: 'string' },
      { name: 'email_valid', before: null, after: 'bool' },
    ]);
    expect(view.rows[0]).toEqual({ before: [' A@X.COM', undefined], after: ['a@x.com', true], changed: true });
    expect(view.rows[2].changed).toBe(false); // NULL before, NULL and a NULL flag after
    expect(view.changedRows).toBe(2);
    expect([view.beforeRows, view.afterRows]).toEqual([3, 3]);
  });

  it('shows fewer rows after a dedupe and stops at the limit', () => {
    const deduped = { schema: before.schema, rows: [before.rows[0]] };
    const view = beforeAfter(before, deduped, ['id'], 2);
    expect(view.rows).toHaveLength(2);
    expect(view.rows[1]).toEqual({ before: [2], after: [undefined], changed: true });
    expect([view.beforeRows, view.afterRows]).toEqual([3, 1]);
  });
});

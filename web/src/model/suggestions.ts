// Applying a profile's suggestion: the change that inserts its node after the profiled node, and
// the before/after view of the preview sample (the profiled node's rows beside the new node's).
// Plain TypeScript; the server ranks the suggestions and checks each node with the validator.
import type { ProfileSuggestion } from '../api/types';
import { insertBelowChange, type Change } from './changes';
import type { PipelineDocument } from './pipeline_document';

// The change inserting `s`'s node after `after`, below it on the canvas, under a fresh id when
// the suggested one is taken.
export function suggestionChange(doc: PipelineDocument, after: string, s: ProfileSuggestion): Extract<Change, { kind: 'insertAfter' }> {
  return insertBelowChange(doc, after, {
    id: s.node.id,
    type: 'transform',
    module: s.node.module,
    name: s.node.name || s.title,
    config: structuredClone(s.node.config),
  });
}

export interface SampleRows {
  schema: { name: string; type: string }[];
  rows: unknown[][];
}

export interface BeforeAfterColumn {
  name: string;
  before: string | null; // type before; null: the column is new
  after: string | null; // type after; null: the column is gone
}

export interface BeforeAfter {
  columns: BeforeAfterColumn[];
  // Per row position: the values before and after, one per column (undefined: no such column or row).
  rows: { before: unknown[]; after: unknown[]; changed: boolean }[];
  beforeRows: number;
  afterRows: number;
  changedRows: number; // among the paired rows, those where a shown value differs
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

// The suggestion's columns, then columns the new node added, side by side over the first
// `limit` rows, paired by position (a dedupe or a row filter shifts later rows).
export function beforeAfter(before: SampleRows, after: SampleRows, columns: string[], limit = 50): BeforeAfter {
  const beforeIndex = new Map(before.schema.map((c, i) => [c.name, i]));
  const afterIndex = new Map(after.schema.map((c, i) => [c.name, i]));
  const names = [...columns];
  for (const c of after.schema) if (!beforeIndex.has(c.name) && !names.includes(c.name)) names.push(c.name);
  const shown: BeforeAfterColumn[] = names.map((name) => ({
    name,
    before: beforeIndex.has(name) ? before.schema[beforeIndex.get(name)!].type : null,
    after: afterIndex.has(name) ? after.schema[afterIndex.get(name)!].type : null,
  }));
  const n = Math.min(limit, Math.max(before.rows.length, after.rows.length));
  const rows: BeforeAfter['rows'] = [];
  let changedRows = 0;
  for (let r = 0; r < n; r += 1) {
    const b = names.map((name) => (beforeIndex.has(name) ? before.rows[r]?.[beforeIndex.get(name)!] : undefined));
    const a = names.map((name) => (afterIndex.has(name) ? after.rows[r]?.[afterIndex.get(name)!] : undefined));
    const changed = names.some((_, i) => !same(b[i], a[i]));
    if (changed) changedRows += 1;
    rows.push({ before: b, after: a, changed });
  }
  return { columns: shown, rows, beforeRows: before.rows.length, afterRows: after.rows.length, changedRows };
}

// The run page's schema-drift diff: one row per changed column of each source, in the order
// added, removed, retyped, as the server recorded it (src/pipeline/schema_drift.h).
import type { SchemaDrift } from '../api/types';

export interface DriftRow {
  node: string;
  change: 'added' | 'removed' | 'retyped';
  column: string;
  before: string; // type before ('' when added)
  after: string; // type after ('' when removed)
}

export function driftRows(drift: SchemaDrift[] | null | undefined): DriftRow[] {
  const rows: DriftRow[] = [];
  for (const d of drift ?? []) {
    for (const c of d.added) rows.push({ node: d.node_id, change: 'added', column: c.name, before: '', after: c.type });
    for (const c of d.removed) rows.push({ node: d.node_id, change: 'removed', column: c.name, before: c.type, after: '' });
    for (const c of d.retyped) rows.push({ node: d.node_id, change: 'retyped', column: c.name, before: c.from, after: c.to });
  }
  return rows;
}

// Auto-layout: a layered left-to-right layout. Each node goes to the column of its longest path
// from a source; within a column nodes are ordered by the mean row of their parents (one
// barycentre sweep), which untangles most ETL graphs. Pure; returns new positions only.
import type { PipelineDocument, Position } from './pipeline_document';
import { topologicalOrder } from './graph';

export const kColumnWidth = 260;
export const kRowHeight = 110;

export function autoLayout(doc: PipelineDocument): Record<string, Position> {
  const { order, cyclic } = topologicalOrder(doc);
  const parents = new Map<string, string[]>();
  for (const e of doc.edges) {
    if (!parents.has(e.target)) parents.set(e.target, []);
    parents.get(e.target)!.push(e.source);
  }
  const layer = new Map<string, number>();
  for (const id of [...order, ...cyclic]) {
    const ps = (parents.get(id) ?? []).filter((p) => layer.has(p));
    layer.set(id, ps.length ? Math.max(...ps.map((p) => layer.get(p)!)) + 1 : 0);
  }
  const columns: string[][] = [];
  for (const id of [...order, ...cyclic]) {
    const l = layer.get(id)!;
    (columns[l] ??= []).push(id);
  }
  const row = new Map<string, number>();
  columns.forEach((col, ci) => {
    if (ci > 0) {
      const key = (id: string) => {
        const ps = (parents.get(id) ?? []).filter((p) => row.has(p));
        return ps.length ? ps.reduce((s, p) => s + row.get(p)!, 0) / ps.length : Number.MAX_SAFE_INTEGER;
      };
      col.sort((a, b) => key(a) - key(b));
    }
    col.forEach((id, ri) => row.set(id, ri));
  });
  const out: Record<string, Position> = {};
  columns.forEach((col, ci) => {
    const offset = -((col.length - 1) * kRowHeight) / 2;
    col.forEach((id, ri) => {
      out[id] = { x: ci * kColumnWidth, y: Math.round(offset + ri * kRowHeight) };
    });
  });
  return out;
}

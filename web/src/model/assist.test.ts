import { describe, expect, it } from 'vitest';
import { assistChange, assistKindsFor, proposedDocument } from './assist';
import { applyChange } from './changes';
import type { PipelineDocument } from './pipeline_document';
import type { AssistProposal } from '../api/types';

const doc = {
  id: 'p',
  name: 'p',
  version: 1,
  nodes: [
    { id: 'src', type: 'extract', module: 'csv', name: 'Src', config: { path: 'a.csv' }, position: { x: 10, y: 20 } },
    { id: 'out', type: 'load', module: 'csv', name: 'Out', config: { path: 'b.csv' }, position: { x: 300, y: 20 } },
  ],
  edges: [{ source: 'src', target: 'out', source_port: 'out', target_port: 'in' }],
} as unknown as PipelineDocument;

describe('assist', () => {
  it('offers filters and columns after outputs, SQL for database extracts', () => {
    expect(assistKindsFor({ type: 'extract', module: 'csv' })).toEqual(['filter', 'derive']);
    expect(assistKindsFor({ type: 'extract', module: 'postgres' })).toEqual(['filter', 'derive', 'sql']);
    expect(assistKindsFor({ type: 'transform', module: 'filter' })).toEqual(['filter', 'derive']);
    expect(assistKindsFor({ type: 'load', module: 'csv' })).toEqual([]);
  });

  it('inserts a checked filter after the node, below it', () => {
    const p: AssistProposal = {
      kind: 'filter',
      explanation: '',
      proposal: { expression: 'amount > 1' },
      node: { id: 'filter_nl', type: 'transform', module: 'filter', name: 'Filter', config: { expression: 'amount > 1' } },
      pipeline: {},
    };
    const change = assistChange(doc, 'src', p)!;
    const next = applyChange(doc, change);
    const added = next.nodes.find((n) => n.id === 'filter_nl')!;
    expect(added.config).toEqual({ expression: 'amount > 1' });
    expect(added.position).toEqual({ x: 50, y: 140 });
    expect(next.edges.map((e) => `${e.source}->${e.target}`).sort()).toEqual(['filter_nl->out', 'src->filter_nl']);
    // Taken meanwhile: a fresh id.
    const again = assistChange(next, 'src', p)!;
    expect(again.kind === 'insertAfter' && again.node.id).toBe('filter_nl_1');
  });

  it('sets the extract node config for a SQL proposal', () => {
    const p: AssistProposal = {
      kind: 'sql',
      explanation: '',
      proposal: { query: 'SELECT 1' },
      node: { id: 'src', type: 'extract', module: 'postgres', config: { connection: 'w', query: 'SELECT 1' } },
      pipeline: {},
    };
    expect(assistChange(doc, 'src', p)).toEqual({ kind: 'setConfig', id: 'src', config: { connection: 'w', query: 'SELECT 1' } });
  });

  it('keeps the stored pipeline and lays out an unplaced proposal', () => {
    const proposed = {
      ...doc,
      id: '',
      version: 0,
      name: 'proposed',
      nodes: doc.nodes.map((n) => ({ ...n, position: { x: 0, y: 0 } })),
    } as PipelineDocument;
    const raw = { nodes: [{ id: 'src' }, { id: 'out' }] };
    const next = proposedDocument(proposed, raw, doc);
    expect([next.id, next.version, next.name]).toEqual(['p', 1, 'p']);
    const [a, b] = next.nodes.map((n) => n.position);
    expect(b.x).toBeGreaterThan(a.x);
    // Placed by the proposal: kept.
    const kept = proposedDocument(proposed, { nodes: [{ id: 'src', position: { x: 0, y: 0 } }] }, doc);
    expect(kept.nodes.map((n) => n.position)).toEqual([{ x: 0, y: 0 }, { x: 0, y: 0 }]);
  });
});

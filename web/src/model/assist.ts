// Natural-language proposals in the editor: which requests a node offers, and the change that
// applies a proposal the server checked. Plain TypeScript; the server checks every proposal (the
// model's and the user's edit of it) against the real schema before it is applied.
import type { AssistKind, AssistProposal } from '../api/types';
import { insertBelowChange, type Change } from './changes';
import { autoLayout } from './layout';
import type { PipelineDocument, PipelineNode } from './pipeline_document';

// Extract modules whose `query` is SQL the assistant may write.
const kSqlModules = new Set(['postgres', 'mysql', 'sqlite', 'clickhouse']);

export const kAssistKindLabels: Record<AssistKind, string> = {
  filter: 'Filter rows',
  derive: 'Add a column',
  sql: 'SQL query',
  pipeline: 'Whole pipeline',
};

// The requests a node offers: a filter or a derived column after any node with an output, and a
// SQL query for database extract nodes.
export function assistKindsFor(node: Pick<PipelineNode, 'type' | 'module'>): AssistKind[] {
  if (node.type === 'load') return [];
  const kinds: AssistKind[] = ['filter', 'derive'];
  if (node.type === 'extract' && kSqlModules.has(node.module)) kinds.push('sql');
  return kinds;
}

// The change applying a checked proposal about node `at`: a filter or derive node inserted after
// it (under a fresh id when the proposed one is taken meanwhile), or the extract node's new config.
export function assistChange(doc: PipelineDocument, at: string, p: AssistProposal): Change | null {
  if (!p.node) return null;
  if (p.kind === 'sql') return { kind: 'setConfig', id: at, config: structuredClone(p.node.config) };
  if (p.kind !== 'filter' && p.kind !== 'derive') return null;
  return insertBelowChange(doc, at, {
    id: p.node.id,
    type: 'transform',
    module: p.node.module,
    name: p.node.name ?? p.node.module,
    config: structuredClone(p.node.config),
  });
}

// A proposed whole pipeline as the editor's document: it stays the stored pipeline being edited
// (`current`'s id, version and name), and when the proposal placed no node on the canvas (models
// rarely do), its nodes are laid out left to right.
export function proposedDocument(proposed: PipelineDocument, raw: Record<string, unknown>, current: PipelineDocument): PipelineDocument {
  const rawNodes = Array.isArray(raw.nodes) ? (raw.nodes as unknown[]) : [];
  const placed = rawNodes.some((n) => typeof n === 'object' && n !== null && 'position' in n);
  const positions = placed ? {} : autoLayout(proposed);
  return {
    ...proposed,
    id: current.id,
    version: current.version,
    name: current.name || proposed.name,
    nodes: proposed.nodes.map((n) => (positions[n.id] ? { ...n, position: positions[n.id] } : n)),
  };
}

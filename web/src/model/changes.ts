// Canvas edits as plain change objects, applied by one pure function. The store records the
// documents before each committed change for undo/redo; the canvas never mutates a document.
import type { NodeKind, PipelineDocument, PipelineEdge, PipelineNode, Position, RetrySettings, Schedule } from './pipeline_document';

// A node's own run settings; an absent field is removed from the node (the default applies).
export interface NodeRunSettings {
  disabled?: boolean;
  retry?: RetrySettings;
  timeout_seconds?: number;
}

export type Change =
  | { kind: 'addNode'; node: PipelineNode }
  | { kind: 'removeNodes'; ids: string[]; edges?: PipelineEdge[] }
  | { kind: 'moveNodes'; positions: Record<string, Position> }
  | { kind: 'renameNode'; id: string; name: string }
  | { kind: 'setConfig'; id: string; config: Record<string, unknown> }
  | { kind: 'insertAfter'; after: string; node: PipelineNode }
  | { kind: 'addEdge'; edge: PipelineEdge }
  | { kind: 'removeEdges'; edges: PipelineEdge[] }
  | { kind: 'paste'; nodes: PipelineNode[]; edges: PipelineEdge[] }
  | { kind: 'setMeta'; name?: string; description?: string }
  | { kind: 'setSchedule'; schedule: Schedule | null }
  | { kind: 'setNodeRunSettings'; id: string; settings: NodeRunSettings }
  | { kind: 'replace'; doc: PipelineDocument };

export function sameEdge(a: PipelineEdge, b: PipelineEdge): boolean {
  return a.source === b.source && a.target === b.target && a.source_port === b.source_port && a.target_port === b.target_port;
}

export function edgeId(e: PipelineEdge): string {
  return `${e.source}:${e.source_port}->${e.target}:${e.target_port}`;
}

// Applies one change. Unchanged nodes keep their object identity (the canvas relies on it to
// skip re-rendering them).
export function applyChange(doc: PipelineDocument, change: Change): PipelineDocument {
  switch (change.kind) {
    case 'addNode':
      if (doc.nodes.some((n) => n.id === change.node.id)) throw new Error(`duplicate node id ${change.node.id}`);
      return { ...doc, nodes: [...doc.nodes, change.node] };
    case 'removeNodes': {
      const gone = new Set(change.ids);
      return {
        ...doc,
        nodes: doc.nodes.filter((n) => !gone.has(n.id)),
        edges: doc.edges.filter(
          (e) => !gone.has(e.source) && !gone.has(e.target) && !(change.edges ?? []).some((x) => sameEdge(e, x)),
        ),
      };
    }
    case 'insertAfter': {
      // The new node takes `after`'s main output; the edges that left it now leave the new node.
      if (doc.nodes.some((n) => n.id === change.node.id)) throw new Error(`duplicate node id ${change.node.id}`);
      if (!doc.nodes.some((n) => n.id === change.after)) throw new Error(`no node ${change.after}`);
      const id = change.node.id;
      const main = (e: PipelineEdge) => e.source === change.after && (e.source_port === 'out' || e.source_port === '');
      return {
        ...doc,
        nodes: [...doc.nodes, change.node],
        edges: [
          ...doc.edges.map((e) => (main(e) ? { ...e, source: id, source_port: 'out' } : e)),
          { source: change.after, target: id, source_port: 'out', target_port: 'in' },
        ],
      };
    }
    case 'moveNodes':
      return {
        ...doc,
        nodes: doc.nodes.map((n) => {
          const p = change.positions[n.id];
          return p && (p.x !== n.position.x || p.y !== n.position.y) ? { ...n, position: { x: p.x, y: p.y } } : n;
        }),
      };
    case 'renameNode':
      return { ...doc, nodes: doc.nodes.map((n) => (n.id === change.id ? { ...n, name: change.name } : n)) };
    case 'setConfig':
      return { ...doc, nodes: doc.nodes.map((n) => (n.id === change.id ? { ...n, config: change.config } : n)) };
    case 'addEdge':
      if (doc.edges.some((e) => sameEdge(e, change.edge))) return doc;
      return { ...doc, edges: [...doc.edges, change.edge] };
    case 'removeEdges':
      return { ...doc, edges: doc.edges.filter((e) => !change.edges.some((x) => sameEdge(e, x))) };
    case 'paste': {
      const ids = new Set(doc.nodes.map((n) => n.id));
      for (const n of change.nodes) if (ids.has(n.id)) throw new Error(`duplicate node id ${n.id}`);
      return { ...doc, nodes: [...doc.nodes, ...change.nodes], edges: [...doc.edges, ...change.edges] };
    }
    case 'setMeta':
      return {
        ...doc,
        name: change.name ?? doc.name,
        description: change.description ?? doc.description,
      };
    case 'setSchedule':
      return { ...doc, schedule: change.schedule };
    case 'setNodeRunSettings':
      return {
        ...doc,
        nodes: doc.nodes.map((n) => {
          if (n.id !== change.id) return n;
          const { disabled: _d, retry: _r, timeout_seconds: _t, ...rest } = n;
          const s = change.settings;
          return {
            ...rest,
            ...(s.disabled ? { disabled: true } : {}),
            ...(s.retry && Object.keys(s.retry).length ? { retry: s.retry } : {}),
            ...(s.timeout_seconds ? { timeout_seconds: s.timeout_seconds } : {}),
          };
        }),
      };
    case 'replace':
      return change.doc;
  }
}

// A fresh node id unique in `taken`: "<module>_<n>".
export function freshNodeId(module: string, taken: Set<string>): string {
  const base = module.replace(/[^a-zA-Z0-9_]/g, '_') || 'node';
  for (let i = 1; ; i += 1) {
    const id = `${base}_${i}`;
    if (!taken.has(id)) return id;
  }
}

// The change inserting `node` after `after`, below it on the canvas (40 px right, 120 px down),
// under a fresh id when its id is taken. Suggestions and natural-language proposals add nodes so.
export function insertBelowChange(
  doc: PipelineDocument,
  after: string,
  node: Omit<PipelineNode, 'position'>,
): Extract<Change, { kind: 'insertAfter' }> {
  const taken = new Set(doc.nodes.map((n) => n.id));
  const id = taken.has(node.id) ? freshNodeId(node.id, taken) : node.id;
  const anchor = doc.nodes.find((n) => n.id === after);
  const position = anchor ? { x: anchor.position.x + 40, y: anchor.position.y + 120 } : { x: 0, y: 0 };
  return { kind: 'insertAfter', after, node: { ...node, id, position } };
}

export function makeNode(
  kind: NodeKind,
  module: string,
  name: string,
  config: Record<string, unknown>,
  position: Position,
  taken: Set<string>,
): PipelineNode {
  return { id: freshNodeId(module, taken), type: kind, module, name, config, position };
}

// Copies `ids` and the edges among them; `pasteClipboard` gives them fresh ids, offset.
export interface Clipboard {
  nodes: PipelineNode[];
  edges: PipelineEdge[];
}

export function copySelection(doc: PipelineDocument, ids: string[]): Clipboard {
  const set = new Set(ids);
  return {
    nodes: doc.nodes.filter((n) => set.has(n.id)).map((n) => structuredClone(n)),
    edges: doc.edges.filter((e) => set.has(e.source) && set.has(e.target)).map((e) => ({ ...e })),
  };
}

export function pasteChange(doc: PipelineDocument, clip: Clipboard, offset: Position): Extract<Change, { kind: 'paste' }> {
  const taken = new Set(doc.nodes.map((n) => n.id));
  const rename = new Map<string, string>();
  const nodes = clip.nodes.map((n) => {
    const id = freshNodeId(n.module, taken);
    taken.add(id);
    rename.set(n.id, id);
    return { ...structuredClone(n), id, position: { x: n.position.x + offset.x, y: n.position.y + offset.y } };
  });
  const edges = clip.edges.map((e) => ({ ...e, source: rename.get(e.source)!, target: rename.get(e.target)! }));
  return { kind: 'paste', nodes, edges };
}

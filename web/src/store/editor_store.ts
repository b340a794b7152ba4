// Editor state for one open pipeline: the document, undo/redo history, selection, clipboard,
// server validation issues and the live status of the last run. Every edit goes through
// `apply(change)`; `apply(change, {commit: false})` is for continuous gestures (dragging) whose
// history entry is recorded once by `beginGesture`.
import { useRef } from 'react';
import { create } from 'zustand';
import { applyChange, copySelection, pasteChange, type Change, type Clipboard } from '../model/changes';
import { emptyDocument, type PipelineDocument } from '../model/pipeline_document';
import type { NodeMetrics, ValidationIssue } from '../api/types';

const kHistoryLimit = 200;

export interface EditorState {
  doc: PipelineDocument;
  saved: PipelineDocument; // last saved/loaded document; dirty = doc !== saved
  past: PipelineDocument[];
  future: PipelineDocument[];
  selection: string[]; // node ids
  clipboard: Clipboard | null;
  issues: ValidationIssue[];
  runId: string | null;
  runStatus: string | null;
  nodeMetrics: Record<string, NodeMetrics>;
  load: (doc: PipelineDocument) => void;
  markSaved: (doc: PipelineDocument) => void;
  apply: (change: Change, opts?: { commit?: boolean }) => void;
  beginGesture: () => void;
  undo: () => void;
  redo: () => void;
  select: (ids: string[]) => void;
  copy: () => void;
  cut: () => void;
  paste: () => void;
  deleteSelection: () => void;
  setIssues: (issues: ValidationIssue[]) => void;
  setRun: (runId: string | null, status: string | null) => void;
  mergeMetrics: (nodes: Record<string, NodeMetrics>) => void;
}

export const useEditorStore = create<EditorState>((set, get) => ({
  doc: emptyDocument(),
  saved: emptyDocument(),
  past: [],
  future: [],
  selection: [],
  clipboard: null,
  issues: [],
  runId: null,
  runStatus: null,
  nodeMetrics: {},
  load: (doc) =>
    set({ doc, saved: doc, past: [], future: [], selection: [], issues: [], runId: null, runStatus: null, nodeMetrics: {} }),
  markSaved: (doc) => set({ doc, saved: doc }),
  apply: (change, opts) => {
    const { doc, past } = get();
    const next = applyChange(doc, change);
    if (next === doc) return;
    if (opts?.commit === false) {
      set({ doc: next });
      return;
    }
    const trimmed = past.length >= kHistoryLimit ? past.slice(1) : past;
    let selection = get().selection;
    if (change.kind === 'removeNodes') selection = selection.filter((id) => !change.ids.includes(id));
    if (change.kind === 'paste') selection = change.nodes.map((n) => n.id);
    if (change.kind === 'insertAfter') selection = [change.node.id];
    set({ doc: next, past: [...trimmed, doc], future: [], selection });
  },
  beginGesture: () => {
    const { doc, past } = get();
    set({ past: [...past, doc].slice(-kHistoryLimit), future: [] });
  },
  undo: () => {
    const { past, doc, future } = get();
    if (!past.length) return;
    const prev = past[past.length - 1];
    const ids = new Set(prev.nodes.map((n) => n.id));
    set({ doc: prev, past: past.slice(0, -1), future: [doc, ...future], selection: get().selection.filter((id) => ids.has(id)) });
  },
  redo: () => {
    const { past, doc, future } = get();
    if (!future.length) return;
    const ids = new Set(future[0].nodes.map((n) => n.id));
    set({ doc: future[0], past: [...past, doc], future: future.slice(1), selection: get().selection.filter((id) => ids.has(id)) });
  },
  select: (ids) => {
    const cur = get().selection;
    if (cur.length === ids.length && cur.every((id, i) => id === ids[i])) return;
    set({ selection: ids });
  },
  copy: () => {
    const { doc, selection } = get();
    if (selection.length) set({ clipboard: copySelection(doc, selection) });
  },
  cut: () => {
    get().copy();
    get().deleteSelection();
  },
  paste: () => {
    const { clipboard, doc } = get();
    if (!clipboard || !clipboard.nodes.length) return;
    get().apply(pasteChange(doc, clipboard, { x: 40, y: 40 }));
    // A second paste lands further away instead of on top of the first.
    set({ clipboard: { ...clipboard, nodes: clipboard.nodes.map((n) => ({ ...n, position: { x: n.position.x + 40, y: n.position.y + 40 } })) } });
  },
  deleteSelection: () => {
    const { selection } = get();
    if (selection.length) get().apply({ kind: 'removeNodes', ids: selection });
  },
  setIssues: (issues) => set({ issues }),
  setRun: (runId, status) => set(runId === get().runId ? { runStatus: status } : { runId, runStatus: status, nodeMetrics: {} }),
  mergeMetrics: (nodes) => {
    const cur = get().nodeMetrics;
    const next = { ...cur };
    for (const [id, m] of Object.entries(nodes)) next[id] = { ...cur[id], ...m };
    set({ nodeMetrics: next });
  },
}));

export function isDirty(s: Pick<EditorState, 'doc' | 'saved'>): boolean {
  return s.doc !== s.saved;
}

// True when b differs from a at most in node positions (a drag). Nodes keep their config and
// name objects across moves, so reference checks suffice.
export function sameExceptPositions(a: PipelineDocument, b: PipelineDocument): boolean {
  if (a === b) return true;
  if (a.edges !== b.edges || a.nodes.length !== b.nodes.length || a.name !== b.name || a.schedule !== b.schedule) return false;
  if (a.id !== b.id || a.version !== b.version || a.description !== b.description) return false;
  for (let i = 0; i < a.nodes.length; i += 1) {
    const x = a.nodes[i];
    const y = b.nodes[i];
    if (x === y) continue;
    if (x.id !== y.id || x.type !== y.type || x.module !== y.module || x.name !== y.name || x.config !== y.config) return false;
  }
  return true;
}

// The document for everything except the canvas: it ignores moves, so dragging a node does
// not re-render the toolbar, the side panel or recompute validation.
export function useDocStructure(): PipelineDocument {
  const ref = useRef<PipelineDocument | null>(null);
  return useEditorStore((s) => {
    const prev = ref.current;
    if (prev && sameExceptPositions(prev, s.doc)) return prev;
    ref.current = s.doc;
    return s.doc;
  });
}

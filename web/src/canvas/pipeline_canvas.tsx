// The editor canvas: React Flow driven by the editor store. Every user gesture becomes a change
// object (model/changes.ts); React Flow's own change events are translated, never applied
// directly, so undo/redo and saving see one source of truth.
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type FinalConnectionState,
  type IsValidConnection,
  type NodeChange,
  type OnNodeDrag,
} from '@xyflow/react';
import { useCallback, useMemo, useRef, useState, type DragEvent } from 'react';
import { useEditorStore } from '../store/editor_store';
import { checkConnection } from '../model/graph';
import type { ModuleIndex } from '../model/modules';
import type { PipelineEdge, Position } from '../model/pipeline_document';
import { nodeTypes } from './nodes/node_types';
import { FlowEdgeCache, FlowNodeCache } from './nodes/to_flow';
import type { ModuleFlowNode } from './nodes/module_node';
import { kDragMime } from './palette/palette';
import { kKindColors } from './module_icon';

export interface PipelineCanvasProps {
  modules: ModuleIndex;
  errors: Map<string, string[]>;
  readOnly: boolean;
  highlighted?: string | null;
  onAddModule: (key: string, position: Position) => void;
  onMessage: (message: string) => void;
}

function toPipelineEdge(c: Connection | Edge): PipelineEdge {
  return { source: c.source, target: c.target, source_port: c.sourceHandle ?? '', target_port: c.targetHandle ?? '' };
}

export function PipelineCanvas({ modules, errors, readOnly, highlighted = null, onAddModule, onMessage }: PipelineCanvasProps) {
  const doc = useEditorStore((s) => s.doc);
  const selection = useEditorStore((s) => s.selection);
  const metrics = useEditorStore((s) => s.nodeMetrics);
  const { screenToFlowPosition } = useReactFlow();
  const cache = useRef(new FlowNodeCache());
  const edgeCache = useRef(new FlowEdgeCache());
  const dragging = useRef(false);
  const [selectedEdges, setSelectedEdges] = useState<Set<string>>(new Set());
  // Fit a loaded pipeline once; an empty one starts at 100 % so the first node is not blown up.
  const [fitOnOpen] = useState(() => doc.nodes.length > 0);

  const selectionSet = useMemo(() => new Set(selection), [selection]);
  const nodes = useMemo(
    () => cache.current.build(doc, modules, selectionSet, errors, metrics, highlighted),
    [doc, modules, selectionSet, errors, metrics, highlighted],
  );
  const edges = useMemo(() => edgeCache.current.build(doc, metrics, selectedEdges), [doc, metrics, selectedEdges]);

  const onNodesChange = useCallback(
    (changes: NodeChange<ModuleFlowNode>[]) => {
      const st = useEditorStore.getState();
      const positions: Record<string, Position> = {};
      let moved = false;
      let sel: Set<string> | null = null;
      for (const c of changes) {
        if (c.type === 'position' && c.position && !readOnly) {
          positions[c.id] = { x: Math.round(c.position.x), y: Math.round(c.position.y) };
          moved = true;
        } else if (c.type === 'select') {
          sel ??= new Set(st.selection);
          if (c.selected) sel.add(c.id);
          else sel.delete(c.id);
        } else if (c.type === 'dimensions' && c.dimensions) {
          cache.current.setMeasured(c.id, c.dimensions);
        }
      }
      // Mouse drags were given one undo step at drag start; keyboard moves (arrow keys on a
      // focused node) are one step each.
      if (moved) st.apply({ kind: 'moveNodes', positions }, { commit: !dragging.current });
      if (sel) st.select(st.doc.nodes.filter((n) => sel!.has(n.id)).map((n) => n.id));
    },
    [readOnly],
  );

  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    setSelectedEdges((prev) => {
      let next: Set<string> | null = null;
      for (const c of changes) {
        if (c.type !== 'select') continue;
        next ??= new Set(prev);
        if (c.selected) next.add(c.id);
        else next.delete(c.id);
      }
      return next ?? prev;
    });
  }, []);

  const onDelete = useCallback(
    ({ nodes: ns, edges: es }: { nodes: ModuleFlowNode[]; edges: Edge[] }) => {
      if (readOnly) return;
      const st = useEditorStore.getState();
      const gone = es.map(toPipelineEdge);
      if (ns.length) st.apply({ kind: 'removeNodes', ids: ns.map((n) => n.id), edges: gone });
      else if (gone.length) st.apply({ kind: 'removeEdges', edges: gone });
      setSelectedEdges(new Set());
    },
    [readOnly],
  );

  const onNodeDragStart: OnNodeDrag<ModuleFlowNode> = useCallback(() => {
    dragging.current = true;
    if (!readOnly) useEditorStore.getState().beginGesture();
  }, [readOnly]);
  const onNodeDragStop: OnNodeDrag<ModuleFlowNode> = useCallback(() => {
    dragging.current = false;
  }, []);

  const isValidConnection: IsValidConnection = useCallback(
    (c) => !readOnly && checkConnection(useEditorStore.getState().doc, modules, toPipelineEdge(c as Connection)).ok,
    [modules, readOnly],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      const st = useEditorStore.getState();
      const edge = toPipelineEdge(c);
      const verdict = checkConnection(st.doc, modules, edge);
      if (!verdict.ok) {
        onMessage(verdict.reason);
        return;
      }
      st.apply({ kind: 'addEdge', edge });
    },
    [modules, onMessage],
  );

  const onConnectEnd = useCallback(
    (_: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      if (state.isValid || !state.fromHandle || !state.toHandle) return;
      const from = state.fromHandle;
      const to = state.toHandle;
      const req =
        from.type === 'source'
          ? { source: from.nodeId, source_port: from.id ?? '', target: to.nodeId, target_port: to.id ?? '' }
          : { source: to.nodeId, source_port: to.id ?? '', target: from.nodeId, target_port: from.id ?? '' };
      if (from.type === to.type) {
        onMessage(from.type === 'source' ? 'connect an output to an input' : 'connect an input to an output');
        return;
      }
      const verdict = checkConnection(useEditorStore.getState().doc, modules, req);
      if (!verdict.ok) onMessage(verdict.reason);
    },
    [modules, onMessage],
  );

  const onDragOver = useCallback((e: DragEvent) => {
    if (e.dataTransfer.types.includes(kDragMime)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'move';
    }
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      const key = e.dataTransfer.getData(kDragMime);
      if (!key || readOnly) return;
      e.preventDefault();
      const p = screenToFlowPosition({ x: e.clientX, y: e.clientY });
      onAddModule(key, { x: Math.round(p.x - 100), y: Math.round(p.y - 30) });
    },
    [onAddModule, readOnly, screenToFlowPosition],
  );

  return (
    <ReactFlow
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      onNodesChange={onNodesChange}
      onEdgesChange={onEdgesChange}
      onDelete={onDelete}
      onNodeDragStart={onNodeDragStart}
      onNodeDragStop={onNodeDragStop}
      onConnect={onConnect}
      onConnectEnd={onConnectEnd}
      isValidConnection={isValidConnection}
      onDragOver={onDragOver}
      onDrop={onDrop}
      nodesDraggable={!readOnly}
      nodesConnectable={!readOnly}
      edgesFocusable={!readOnly}
      deleteKeyCode={readOnly ? null : ['Delete', 'Backspace']}
      multiSelectionKeyCode={['Meta', 'Control', 'Shift']}
      onlyRenderVisibleElements={doc.nodes.length > 150}
      fitView={fitOnOpen}
      fitViewOptions={{ maxZoom: 1 }}
      defaultViewport={{ x: 40, y: 40, zoom: 1 }}
      minZoom={0.05}
      proOptions={{ hideAttribution: true }}
      aria-label="Pipeline canvas"
    >
      <Background gap={16} />
      <Controls showInteractive={false} />
      <MiniMap pannable zoomable nodeColor={(n) => kKindColors[(n.data as { kind?: string }).kind ?? ''] ?? '#999'} ariaLabel="Mini map" />
    </ReactFlow>
  );
}

// Converts a pipeline document into React Flow nodes and edges. A cache keyed by node id keeps
// the previous flow node object when nothing it shows has changed, so memoised node
// components skip rendering — this is what keeps a 500-node canvas smooth while dragging one.
import type { Edge } from '@xyflow/react';
import type { PipelineDocument, PipelineEdge, PipelineNode } from '../../model/pipeline_document';
import { edgeId } from '../../model/changes';
import { inputPorts, outputPorts } from '../../model/graph';
import { moduleKey, type ModuleIndex } from '../../model/modules';
import type { NodeMetrics } from '../../api/types';
import type { ModuleFlowNode } from './module_node';

interface CacheEntry {
  node: PipelineNode;
  selected: boolean;
  errors: string[];
  metrics?: NodeMetrics;
  highlighted: boolean;
  modules: ModuleIndex;
  flow: ModuleFlowNode;
}

const kNoErrors: string[] = [];

export class FlowNodeCache {
  private entries = new Map<string, CacheEntry>();
  private measured = new Map<string, { width: number; height: number }>();

  // React Flow reports each node's rendered size; new node objects must carry it.
  setMeasured(id: string, dims: { width: number; height: number }) {
    this.measured.set(id, dims);
    const e = this.entries.get(id);
    if (e) e.flow.measured = dims;
  }

  build(
    doc: PipelineDocument,
    modules: ModuleIndex,
    selection: Set<string>,
    errors: Map<string, string[]>,
    metrics: Record<string, NodeMetrics>,
    highlighted: string | null,
  ): ModuleFlowNode[] {
    const next = new Map<string, CacheEntry>();
    const out = doc.nodes.map((node) => {
      const selected = selection.has(node.id);
      const errs = errors.get(node.id) ?? kNoErrors;
      const m = metrics[node.id];
      const hl = highlighted === node.id;
      const prev = this.entries.get(node.id);
      if (
        prev &&
        prev.node === node &&
        prev.selected === selected &&
        sameList(prev.errors, errs) &&
        prev.metrics === m &&
        prev.highlighted === hl &&
        prev.modules === modules
      ) {
        next.set(node.id, prev);
        return prev.flow;
      }
      const desc = modules.get(moduleKey(node.type, node.module));
      const sameData =
        prev && prev.node.name === node.name && prev.node.module === node.module && sameList(prev.errors, errs) && prev.metrics === m && prev.highlighted === hl && prev.modules === modules;
      const flow: ModuleFlowNode = {
        id: node.id,
        type: 'module',
        position: node.position,
        selected,
        data: sameData
          ? prev.flow.data
          : {
              nodeId: node.id,
              kind: node.type,
              module: node.module,
              label: node.name || desc?.name || node.module,
              icon: desc?.icon,
              inputs: inputPorts(node, modules),
              outputs: outputPorts(node, modules),
              errors: errs,
              metrics: m,
              highlighted: hl,
            },
      };
      // Keep measurements React Flow stored on the previous object.
      const dims = this.measured.get(node.id);
      if (dims) flow.measured = dims;
      next.set(node.id, { node, selected, errors: errs, metrics: m, highlighted: hl, modules, flow });
      return flow;
    });
    this.entries = next;
    for (const id of this.measured.keys()) if (!next.has(id)) this.measured.delete(id);
    return out;
  }
}

function sameList(a: string[], b: string[]): boolean {
  return a === b || (a.length === b.length && a.every((x, i) => x === b[i]));
}

// Edge objects keep their identity while their edge and source metrics are unchanged, so a
// drag re-renders only the edges attached to the moving node.
export class FlowEdgeCache {
  private entries = new Map<string, { edge: PipelineEdge; m?: NodeMetrics; selected: boolean; flow: Edge }>();

  build(doc: PipelineDocument, metrics: Record<string, NodeMetrics>, selected: Set<string>): Edge[] {
    const next = new Map<string, { edge: PipelineEdge; m?: NodeMetrics; selected: boolean; flow: Edge }>();
    const out = doc.edges.map((e) => {
      const id = edgeId(e);
      const m = metrics[e.source];
      const sel = selected.has(id);
      const prev = this.entries.get(id);
      const entry = prev && prev.edge === e && prev.m === m && prev.selected === sel ? prev : { edge: e, m, selected: sel, flow: toFlowEdge(e, m, sel) };
      next.set(id, entry);
      return entry.flow;
    });
    this.entries = next;
    return out;
  }
}

function toFlowEdge(e: PipelineEdge, m: NodeMetrics | undefined, selected: boolean): Edge {
  const edge: Edge = {
    id: edgeId(e),
    source: e.source,
    target: e.target,
    sourceHandle: e.source_port || null,
    targetHandle: e.target_port || null,
    animated: m?.status === 'running',
    label: m?.rows_out !== undefined ? `${m.rows_out.toLocaleString('en-US')}` : undefined,
  };
  if (selected) edge.selected = true;
  return edge;
}

export function toFlowEdges(doc: PipelineDocument, metrics: Record<string, NodeMetrics>): Edge[] {
  return doc.edges.map((e) => {
    const m = metrics[e.source];
    return {
      id: edgeId(e),
      source: e.source,
      target: e.target,
      sourceHandle: e.source_port || null,
      targetHandle: e.target_port || null,
      animated: m?.status === 'running',
      label: m?.rows_out !== undefined ? `${m.rows_out.toLocaleString('en-US')}` : undefined,
    };
  });
}

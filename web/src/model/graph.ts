// Graph rules for pipeline documents: which connections are allowed, topological order and
// client-side node checks. Pure functions over plain data.
import type { PipelineDocument, PipelineEdge, PipelineNode } from './pipeline_document';
import { moduleKey, type JsonSchema, type ModuleIndex, type PortDescriptor } from './modules';

export interface ConnectionRequest {
  source: string;
  target: string;
  source_port: string;
  target_port: string;
}

export type ConnectionVerdict = { ok: true } | { ok: false; reason: string };

export function outputPorts(node: PipelineNode, modules: ModuleIndex): PortDescriptor[] {
  if (node.type === 'load') return [];
  const m = modules.get(moduleKey(node.type, node.module));
  if (m) return m.outputs;
  return [{ name: 'out', description: '', variadic: false }];
}

export function inputPorts(node: PipelineNode, modules: ModuleIndex): PortDescriptor[] {
  if (node.type === 'extract') return [];
  const m = modules.get(moduleKey(node.type, node.module));
  if (m) return m.inputs;
  return [{ name: 'in', description: '', variadic: false }];
}

// True when `to` can already reach `from` (so from → to would close a cycle).
export function reaches(edges: PipelineEdge[], from: string, to: string): boolean {
  const out = new Map<string, string[]>();
  for (const e of edges) {
    if (!out.has(e.source)) out.set(e.source, []);
    out.get(e.source)!.push(e.target);
  }
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const n = stack.pop()!;
    if (n === to) return true;
    if (seen.has(n)) continue;
    seen.add(n);
    for (const next of out.get(n) ?? []) stack.push(next);
  }
  return false;
}

// Decides whether an edge may be added: ports exist and point the right way (outputs feed
// inputs), loaders have no outputs, extractors no inputs, a non-variadic input takes one edge,
// no duplicates, no self-loops and no cycles.
export function checkConnection(
  doc: PipelineDocument,
  modules: ModuleIndex,
  c: ConnectionRequest,
): ConnectionVerdict {
  const src = doc.nodes.find((n) => n.id === c.source);
  const dst = doc.nodes.find((n) => n.id === c.target);
  if (!src || !dst) return { ok: false, reason: 'unknown node' };
  if (c.source === c.target) return { ok: false, reason: 'a node cannot feed itself' };
  if (src.type === 'load') return { ok: false, reason: 'loaders have no outputs' };
  if (dst.type === 'extract') return { ok: false, reason: 'extractors have no inputs' };
  const outs = outputPorts(src, modules);
  const ins = inputPorts(dst, modules);
  const out = outs.find((p) => p.name === c.source_port);
  if (!out) return { ok: false, reason: `"${src.name || src.id}" has no output "${c.source_port}"` };
  const inp = ins.find((p) => p.name === c.target_port);
  if (!inp) return { ok: false, reason: `"${dst.name || dst.id}" has no input "${c.target_port}"` };
  const same = (e: PipelineEdge) => e.target === c.target && e.target_port === c.target_port;
  if (doc.edges.some((e) => same(e) && e.source === c.source && e.source_port === c.source_port)) {
    return { ok: false, reason: 'already connected' };
  }
  if (!inp.variadic && doc.edges.some(same)) {
    return { ok: false, reason: `input "${c.target_port}" already has a connection` };
  }
  if (reaches(doc.edges, c.target, c.source)) return { ok: false, reason: 'this connection would create a cycle' };
  return { ok: true };
}

// Kahn's algorithm; nodes on a cycle are left out of the order and returned in `cyclic`.
export function topologicalOrder(doc: PipelineDocument): { order: string[]; cyclic: string[] } {
  const indeg = new Map(doc.nodes.map((n) => [n.id, 0]));
  const out = new Map<string, string[]>();
  for (const e of doc.edges) {
    indeg.set(e.target, (indeg.get(e.target) ?? 0) + 1);
    if (!out.has(e.source)) out.set(e.source, []);
    out.get(e.source)!.push(e.target);
  }
  const queue = doc.nodes.filter((n) => indeg.get(n.id) === 0).map((n) => n.id);
  const order: string[] = [];
  while (queue.length) {
    const id = queue.shift()!;
    order.push(id);
    for (const t of out.get(id) ?? []) {
      const d = indeg.get(t)! - 1;
      indeg.set(t, d);
      if (d === 0) queue.push(t);
    }
  }
  const placed = new Set(order);
  return { order, cyclic: doc.nodes.filter((n) => !placed.has(n.id)).map((n) => n.id) };
}

// The nodes feeding `nodeId` (direct parents), in port order.
export function upstreamOf(doc: PipelineDocument, nodeId: string): string[] {
  return doc.edges.filter((e) => e.target === nodeId).map((e) => e.source);
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

// Problems the editor can see without the server: unknown modules, missing required config,
// unconnected inputs, wrong JSON types. Keyed by node id.
export function localIssues(doc: PipelineDocument, modules: ModuleIndex): Map<string, string[]> {
  const issues = new Map<string, string[]>();
  const add = (id: string, msg: string) => {
    if (!issues.has(id)) issues.set(id, []);
    issues.get(id)!.push(msg);
  };
  for (const n of doc.nodes) {
    const m = modules.get(moduleKey(n.type, n.module));
    if (!m) {
      if (modules.size > 0) add(n.id, `unknown module ${n.type}.${n.module}`);
      continue;
    }
    const schema: JsonSchema = m.config_schema ?? {};
    for (const req of schema.required ?? []) {
      if (isEmpty(n.config[req])) add(n.id, `${schema.properties?.[req]?.title ?? req} is required`);
    }
    for (const [key, prop] of Object.entries(schema.properties ?? {})) {
      const v = n.config[key];
      if (isEmpty(v)) continue;
      const t = Array.isArray(prop.type) ? prop.type[0] : prop.type;
      const bad =
        (t === 'string' && typeof v !== 'string') ||
        ((t === 'number' || t === 'integer') && typeof v !== 'number') ||
        (t === 'boolean' && typeof v !== 'boolean') ||
        (t === 'array' && !Array.isArray(v)) ||
        (t === 'integer' && typeof v === 'number' && !Number.isInteger(v));
      if (bad) add(n.id, `${prop.title ?? key} must be ${t === 'integer' ? 'an integer' : `a ${t}`}`);
      else if (prop.enum && !prop.enum.includes(v)) add(n.id, `${prop.title ?? key} must be one of ${prop.enum.join(', ')}`);
    }
    const ins = m.inputs;
    for (const p of ins) {
      if (!doc.edges.some((e) => e.target === n.id && (e.target_port === p.name || (!e.target_port && p === ins[0])))) {
        add(n.id, `input "${p.name}" is not connected`);
      }
    }
  }
  const { cyclic } = topologicalOrder(doc);
  for (const id of cyclic) add(id, 'is part of a cycle');
  return issues;
}

// Fills empty edge ports with the module's first output / first input so every edge names
// its ports (the canvas draws edges between named handles).
export function withExplicitPorts(doc: PipelineDocument, modules: ModuleIndex): PipelineDocument {
  if (!doc.edges.some((e) => !e.source_port || !e.target_port)) return doc;
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  return {
    ...doc,
    edges: doc.edges.map((e) => {
      if (e.source_port && e.target_port) return e;
      const s = byId.get(e.source);
      const t = byId.get(e.target);
      return {
        ...e,
        source_port: e.source_port || (s ? outputPorts(s, modules)[0]?.name : '') || 'out',
        target_port: e.target_port || (t ? inputPorts(t, modules)[0]?.name : '') || 'in',
      };
    }),
  };
}

// The node and everything upstream of it. Preview, schema and expression checks send only this
// part, so an unfinished node elsewhere (a loader without a path) does not block them.
export function upstreamSubgraph(doc: PipelineDocument, nodeId: string): PipelineDocument {
  const keep = new Set<string>([nodeId]);
  const stack = [nodeId];
  while (stack.length) {
    const id = stack.pop()!;
    for (const e of doc.edges) {
      if (e.target === id && !keep.has(e.source)) {
        keep.add(e.source);
        stack.push(e.source);
      }
    }
  }
  return {
    ...doc,
    nodes: doc.nodes.filter((n) => keep.has(n.id)),
    edges: doc.edges.filter((e) => keep.has(e.source) && keep.has(e.target)),
  };
}

import { describe, expect, it } from 'vitest';
import { checkConnection, localIssues, topologicalOrder, upstreamSubgraph, withExplicitPorts } from './graph';
import { indexModules, type ModuleDescriptor } from './modules';
import { validateDocument } from './pipeline_document';

function mod(kind: ModuleDescriptor['kind'], name: string, inputs: string[], outputs: string[], extra: Partial<ModuleDescriptor> = {}): ModuleDescriptor {
  return {
    key: `${kind}.${name}`,
    kind,
    name,
    version: '1.0.0',
    summary: '',
    description: '',
    category: 'x',
    icon: '',
    inputs: inputs.map((n) => ({ name: n.replace('*', ''), description: '', variadic: n.endsWith('*') })),
    outputs: outputs.map((n) => ({ name: n, description: '', variadic: false })),
    config_schema: {},
    ...extra,
  };
}

const modules = indexModules([
  mod('extract', 'csv', [], ['out'], { config_schema: { type: 'object', required: ['path'], properties: { path: { type: 'string' }, header: { type: 'boolean' } } } }),
  mod('transform', 'filter', ['in'], ['out', 'rejects']),
  mod('transform', 'join', ['left', 'right'], ['out']),
  mod('transform', 'union', ['in*'], ['out']),
  mod('load', 'csv', ['in'], []),
]);

const doc = validateDocument({
  nodes: [
    { id: 'a', type: 'extract', module: 'csv', config: { path: 'a.csv' } },
    { id: 'b', type: 'extract', module: 'csv', config: { path: 'b.csv' } },
    { id: 'f', type: 'transform', module: 'filter' },
    { id: 'g', type: 'transform', module: 'filter' },
    { id: 'j', type: 'transform', module: 'join' },
    { id: 'u', type: 'transform', module: 'union' },
    { id: 'out', type: 'load', module: 'csv' },
  ],
  edges: [
    { source: 'a', target: 'f', source_port: 'out', target_port: 'in' },
    { source: 'f', target: 'g', source_port: 'out', target_port: 'in' },
    { source: 'a', target: 'u', source_port: 'out', target_port: 'in' },
  ],
});

describe('checkConnection', () => {
  it.each([
    ['extract to transform', ['b', 'out', 'j', 'left'], true, ''],
    ['rejects port is an output', ['f', 'rejects', 'j', 'right'], true, ''],
    ['variadic input takes many', ['b', 'out', 'u', 'in'], true, ''],
    ['loader has no outputs', ['out', 'out', 'f', 'in'], false, 'loaders have no outputs'],
    ['extractor has no inputs', ['f', 'out', 'b', 'in'], false, 'extractors have no inputs'],
    ['self loop', ['f', 'out', 'f', 'in'], false, 'cannot feed itself'],
    ['taken input wins over cycle', ['g', 'out', 'f', 'in'], false, 'already has a connection'],
    ['downstream into variadic input', ['g', 'out', 'u', 'in'], true, ''],
    ['unknown output port', ['a', 'nope', 'j', 'left'], false, 'has no output "nope"'],
    ['input used as output', ['j', 'left', 'out', 'in'], false, 'has no output "left"'],
    ['output used as input', ['a', 'out', 'f', 'out'], false, 'has no input "out"'],
    ['single input already taken', ['b', 'out', 'f', 'in'], false, 'already has a connection'],
    ['duplicate edge', ['a', 'out', 'f', 'in'], false, 'already connected'],
    ['unknown node', ['zz', 'out', 'f', 'in'], false, 'unknown node'],
  ])('%s', (_, [source, source_port, target, target_port], ok, reason) => {
    const v = checkConnection(doc, modules, { source, source_port, target, target_port });
    expect(v.ok).toBe(ok);
    if (!v.ok) expect(v.reason).toContain(reason);
  });

  it('rejects a connection that closes a cycle', () => {
    const d = validateDocument({
      nodes: [
        { id: 'x', type: 'transform', module: 'union' },
        { id: 'y', type: 'transform', module: 'filter' },
      ],
      edges: [{ source: 'x', target: 'y', source_port: 'out', target_port: 'in' }],
    });
    const v = checkConnection(d, modules, { source: 'y', source_port: 'out', target: 'x', target_port: 'in' });
    expect(v).toEqual({ ok: false, reason: 'this connection would create a cycle' });
  });
});

describe('graph helpers', () => {
  it('orders topologically and reports cycles', () => {
    const { order, cyclic } = topologicalOrder(doc);
    expect(order.indexOf('a')).toBeLessThan(order.indexOf('f'));
    expect(order.indexOf('f')).toBeLessThan(order.indexOf('g'));
    expect(cyclic).toEqual([]);
    const cyc = validateDocument({
      nodes: [
        { id: 'p', type: 'transform', module: 'filter' },
        { id: 'q', type: 'transform', module: 'filter' },
      ],
      edges: [
        { source: 'p', target: 'q' },
        { source: 'q', target: 'p' },
      ],
    });
    expect(topologicalOrder(cyc).cyclic.sort()).toEqual(['p', 'q']);
  });

  it('fills missing ports from the descriptors', () => {
    const d = validateDocument({
      nodes: [
        { id: 'a', type: 'extract', module: 'csv' },
        { id: 'j', type: 'transform', module: 'join' },
      ],
      edges: [{ source: 'a', target: 'j' }],
    });
    expect(withExplicitPorts(d, modules).edges[0]).toEqual({ source: 'a', target: 'j', source_port: 'out', target_port: 'left' });
  });

  it('finds local issues per node', () => {
    const d = validateDocument({
      nodes: [
        { id: 'a', type: 'extract', module: 'csv', config: { header: 'yes' } },
        { id: 'j', type: 'transform', module: 'join' },
        { id: 'm', type: 'transform', module: 'mystery' },
      ],
      edges: [{ source: 'a', target: 'j', source_port: 'out', target_port: 'left' }],
    });
    const issues = localIssues(d, modules);
    expect(issues.get('a')).toEqual(['path is required', 'header must be a boolean']);
    expect(issues.get('j')).toEqual(['input "right" is not connected']);
    expect(issues.get('m')).toEqual(['unknown module transform.mystery']);
  });
});

describe('upstreamSubgraph', () => {
  it('keeps the node and its ancestors only', () => {
    const sub = upstreamSubgraph(doc, 'g');
    expect(sub.nodes.map((n) => n.id)).toEqual(['a', 'f', 'g']);
    expect(sub.edges).toHaveLength(2);
    expect(upstreamSubgraph(doc, 'b').nodes.map((n) => n.id)).toEqual(['b']);
  });
});

// The canvas node for one pipeline node: icon, module, name, input/output ports as handles,
// validation errors and — after a run — status and row counts. Memoised: React Flow re-renders
// only nodes whose data object changed.
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import Tooltip from '@mui/material/Tooltip';
import ErrorOutlineIcon from '@mui/icons-material/ErrorOutlineOutlined';
import { iconFor, kKindColors } from '../module_icon';
import { kStatusColors } from '../../app/theme';
import { formatCount, formatDuration } from '../../components/format';
import type { PortDescriptor } from '../../model/modules';
import type { NodeMetrics } from '../../api/types';

export interface ModuleNodeData extends Record<string, unknown> {
  nodeId: string;
  kind: string;
  module: string;
  label: string;
  icon?: string;
  inputs: PortDescriptor[];
  outputs: PortDescriptor[];
  errors: string[];
  metrics?: NodeMetrics;
  highlighted?: boolean;
}

export type ModuleFlowNode = Node<ModuleNodeData, 'module'>;

function portTop(i: number, n: number): string {
  return `${((i + 1) * 100) / (n + 1)}%`;
}

function ModuleNodeView({ data, selected }: NodeProps<ModuleFlowNode>) {
  const Icon = iconFor(data.icon, data.kind, data.module);
  const color = kKindColors[data.kind] ?? '#555';
  const status = data.metrics?.status;
  const border = data.highlighted ? kStatusColors.failed : status ? (kStatusColors[status] ?? color) : data.errors.length ? '#d32f2f' : color;
  return (
    <div
      className="ld-node"
      data-testid={`node-${data.nodeId}`}
      data-status={status ?? ''}
      role="group"
      aria-label={`${data.kind} ${data.module}: ${data.label}`}
      style={{
        width: 200,
        background: '#fff',
        border: `2px solid ${border}`,
        borderRadius: 8,
        // No resting shadow: with hundreds of nodes, software rasterisation of shadows dominates
        // the cost of a drag frame.
        outline: selected ? `3px solid ${color}55` : undefined,
        fontSize: 12,
        position: 'relative',
      }}
    >
      {data.inputs.map((p, i) => (
        <Handle
          key={`in-${p.name}`}
          type="target"
          position={Position.Left}
          id={p.name}
          style={{ top: portTop(i, data.inputs.length), width: 10, height: 10, background: '#fff', border: `2px solid ${color}` }}
          title={`${p.name}${p.variadic ? ' (many)' : ''}${p.description ? ` — ${p.description}` : ''}`}
          aria-label={`input ${p.name}`}
        />
      ))}
      <div style={{ display: 'flex', alignItems: 'center', gap: 6, padding: '6px 8px', background: `${color}14`, borderRadius: '6px 6px 0 0' }}>
        <Icon style={{ fontSize: 18, color }} />
        <span style={{ color, fontWeight: 600, textTransform: 'uppercase', fontSize: 10, letterSpacing: 0.5 }}>
          {data.kind} · {data.module}
        </span>
        {data.errors.length > 0 && (
          <Tooltip title={data.errors.join('\n')}>
            <ErrorOutlineIcon style={{ fontSize: 16, color: "#d32f2f", marginLeft: "auto" }} aria-label={`${data.errors.length} problems`} />
          </Tooltip>
        )}
      </div>
      <div style={{ padding: '6px 8px', fontWeight: 600, fontSize: 13, whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}>
        {data.label}
      </div>
      {data.errors.length > 0 && !status && (
        <div data-testid="node-error" style={{ padding: '0 8px 6px', color: '#d32f2f', fontSize: 11, whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}>
          {data.errors[0]}
        </div>
      )}
      {status && (
        <div style={{ padding: '0 8px 6px', display: 'flex', gap: 6, alignItems: 'center', fontSize: 11 }}>
          <span data-testid="node-status" style={{ background: kStatusColors[status] ?? '#777', color: '#fff', borderRadius: 4, padding: '0 5px', fontWeight: 600 }}>
            {status}
          </span>
          <span data-testid="node-rows">
            {data.kind === 'load' ? `${formatCount(data.metrics?.rows_in)} rows in` : `${formatCount(data.metrics?.rows_out)} rows`}
          </span>
          {data.metrics?.wall_seconds !== undefined && status !== 'pending' && status !== 'queued' && <span style={{ color: '#666' }}>{formatDuration(data.metrics.wall_seconds)}</span>}
        </div>
      )}
      {data.outputs.map((p, i) => (
        <Handle
          key={`out-${p.name}`}
          type="source"
          position={Position.Right}
          id={p.name}
          style={{ top: portTop(i, data.outputs.length), width: 10, height: 10, background: color, border: '2px solid #fff' }}
          title={`${p.name}${p.description ? ` — ${p.description}` : ''}`}
          aria-label={`output ${p.name}`}
        />
      ))}
    </div>
  );
}

export const ModuleNode = memo(ModuleNodeView);

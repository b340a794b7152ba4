// Column pickers fed by the output schema of the node's upstream node(s). Free text is allowed
// (the schema may not be known yet, e.g. before the file exists).
import Autocomplete from '@mui/material/Autocomplete';
import Chip from '@mui/material/Chip';
import TextField from '@mui/material/TextField';
import { useQuery } from '@tanstack/react-query';
import { Pipelines, Preview } from '../api/endpoints';
import { toServerJson } from '../model/pipeline_document';
import { upstreamOf, upstreamSubgraph } from '../model/graph';
import type { PreviewColumn } from '../api/types';
import type { FieldSpec } from '../model/schema_form';
import { useFormContext, type FormContextValue } from './form_context';

// The node's input columns: the server types the node's inputs from the upstream part of the
// document; if that fails (e.g. this node's own config is incomplete), each upstream node's
// output is taken from a one-row preview.
async function upstreamColumns(ctx: FormContextValue): Promise<PreviewColumn[]> {
  const out: PreviewColumn[] = [];
  const add = (cols: PreviewColumn[]) => {
    for (const c of cols) if (!out.some((o) => o.name === c.name)) out.push(c);
  };
  try {
    const r = await Pipelines.schema(ctx.pipelineId, toServerJson(upstreamSubgraph(ctx.doc, ctx.nodeId)), ctx.nodeId);
    for (const cols of r.inputs ?? []) add(cols ?? []);
    if (out.length) return out;
  } catch {
    // fall through to previews
  }
  for (const up of upstreamOf(ctx.doc, ctx.nodeId)) {
    add((await Preview.fetch(toServerJson(upstreamSubgraph(ctx.doc, up)), up, 0, 1)).schema ?? []);
  }
  return out;
}

function useUpstreamColumns() {
  const ctx = useFormContext();
  const ups = ctx ? upstreamOf(ctx.doc, ctx.nodeId) : [];
  // Keyed on the upstream nodes' content so editing this node does not refetch.
  const key = ctx ? JSON.stringify(ctx.doc.nodes.filter((n) => ups.includes(n.id)).map((n) => [n.id, n.config])) + JSON.stringify(ctx.doc.edges) : '';
  return useQuery({
    queryKey: ['upstream-columns', ctx?.nodeId, key],
    queryFn: () => upstreamColumns(ctx!),
    enabled: !!ctx && ups.length > 0,
    staleTime: 30_000,
    retry: false,
  });
}

export function ColumnPicker({ spec, value, onChange }: { spec: FieldSpec; value: unknown; onChange: (v: unknown) => void }) {
  const ctx = useFormContext();
  const cols = useUpstreamColumns();
  const options = (cols.data ?? []).map((c) => c.name);
  const types = new Map((cols.data ?? []).map((c) => [c.name, c.type]));
  return (
    <Autocomplete
      freeSolo
      options={options}
      value={typeof value === 'string' ? value : ''}
      onInputChange={(_, v, reason) => {
        if (reason !== 'reset') onChange(v === '' ? undefined : v);
      }}
      onChange={(_, v) => onChange(v ?? undefined)}
      disabled={ctx?.readOnly}
      renderOption={(props, o) => (
        <li {...props} key={o}>
          {o}&nbsp;<span style={{ color: '#888', fontSize: 11 }}>{types.get(o)}</span>
        </li>
      )}
      renderInput={(params) => (
        <TextField
          {...params}
          label={spec.label}
          required={spec.required}
          helperText={cols.error ? 'Upstream columns unavailable' : spec.description}
          slotProps={{ ...params.slotProps, htmlInput: { ...params.slotProps.htmlInput, 'data-field': spec.name } }}
        />
      )}
    />
  );
}

export function ColumnsPicker({ spec, value, onChange }: { spec: FieldSpec; value: unknown; onChange: (v: unknown) => void }) {
  const ctx = useFormContext();
  const cols = useUpstreamColumns();
  const options = (cols.data ?? []).map((c) => c.name);
  const list = Array.isArray(value) ? (value as string[]) : [];
  return (
    <Autocomplete
      multiple
      freeSolo
      options={options}
      value={list}
      onChange={(_, v) => onChange(v.length ? v : undefined)}
      disabled={ctx?.readOnly}
      renderValue={(vals, getItemProps) => vals.map((v, i) => <Chip size="small" label={v} {...getItemProps({ index: i })} key={v} />)}
      renderInput={(params) => (
        <TextField
          {...params}
          label={spec.label}
          required={spec.required}
          helperText={spec.description || 'Type a name and press Enter'}
          slotProps={{ ...params.slotProps, htmlInput: { ...params.slotProps.htmlInput, 'data-field': spec.name } }}
        />
      )}
    />
  );
}

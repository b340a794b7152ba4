// Picks a saved connection for a `connection` field: only connections of a type the module uses
// (its name, e.g. postgres, or a type its descriptor lists, e.g. secret for mask keys) when there
// are any, otherwise all of them.
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import { useQuery } from '@tanstack/react-query';
import { Connections, Modules } from '../api/endpoints';
import type { Connection } from '../api/types';
import type { FieldSpec } from '../model/schema_form';
import { useFormContext } from './form_context';

// The connections offered to a module named `moduleName` whose descriptors list `types`.
export function connectionChoices(all: readonly Connection[], moduleName: string, types: readonly string[]): readonly Connection[] {
  const wanted = new Set([moduleName, ...types]);
  const matching = all.filter((c) => wanted.has(c.type));
  return matching.length ? matching : all;
}

export function ConnectionPicker({ spec, value, onChange }: { spec: FieldSpec; value: unknown; onChange: (v: unknown) => void }) {
  const ctx = useFormContext();
  const list = useQuery({ queryKey: ['connections'], queryFn: Connections.list });
  const modules = useQuery({ queryKey: ['modules'], queryFn: Modules.list, staleTime: 5 * 60_000 });
  const all = list.data ?? [];
  const module = ctx?.moduleName ?? '';
  // Extract and load modules share names (extract.postgres, load.postgres): take every match.
  const types = (modules.data ?? []).filter((m) => m.name === module).flatMap((m) => m.connection_types ?? []);
  const shown = connectionChoices(all, module, types);
  const current = typeof value === 'string' ? value : '';
  return (
    <TextField
      select
      label={spec.label}
      required={spec.required}
      value={current}
      onChange={(e) => onChange(e.target.value || undefined)}
      helperText={list.error ? 'Cannot load connections' : spec.description || (all.length ? '' : 'No connections yet — add one on the Connections page')}
      disabled={ctx?.readOnly}
      fullWidth
      slotProps={{ htmlInput: { 'data-field': spec.name } }}
    >
      <MenuItem value="">
        <em>None</em>
      </MenuItem>
      {current && !shown.some((c) => c.id === current || c.name === current) && <MenuItem value={current}>{current}</MenuItem>}
      {shown.map((c) => (
        <MenuItem key={c.id} value={c.name}>
          {c.name} <span style={{ color: '#888', marginLeft: 6 }}>({c.type})</span>
        </MenuItem>
      ))}
    </TextField>
  );
}

// Picks a saved connection for a `connection` field; connections whose type matches the
// module come first.
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import { useQuery } from '@tanstack/react-query';
import { Connections } from '../api/endpoints';
import type { FieldSpec } from '../model/schema_form';
import { useFormContext } from './form_context';

export function ConnectionPicker({ spec, value, onChange }: { spec: FieldSpec; value: unknown; onChange: (v: unknown) => void }) {
  const ctx = useFormContext();
  const list = useQuery({ queryKey: ['connections'], queryFn: Connections.list });
  const all = list.data ?? [];
  const module = ctx?.moduleName ?? '';
  const matching = all.filter((c) => c.type === module);
  const shown = matching.length ? matching : all;
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

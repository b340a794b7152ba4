// A form generated from a module's JSON Schema (model/schema_form.ts decides the fields).
// Controlled: `value` is the node's config, `onChange` receives a new config object.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormHelperText from '@mui/material/FormHelperText';
import IconButton from '@mui/material/IconButton';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import Autocomplete from '@mui/material/Autocomplete';
import Chip from '@mui/material/Chip';
import DeleteIcon from '@mui/icons-material/Delete';
import { useEffect, useState } from 'react';
import type { JsonSchema } from '../model/modules';
import { parseFieldInput, schemaFields, setField, type FieldSpec } from '../model/schema_form';
import { ExpressionField } from './expression_field';
import { ColumnPicker, ColumnsPicker } from './column_picker';
import { ConnectionPicker } from './connection_picker';
import { useFormContext } from './form_context';

type Config = Record<string, unknown>;

interface FieldProps {
  spec: FieldSpec;
  value: unknown;
  onChange: (v: unknown) => void;
  readOnly?: boolean;
}

function TextLike({ spec, value, onChange, readOnly }: FieldProps) {
  const shown = value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value, null, 2) : String(value);
  const [text, setText] = useState(shown);
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    setText(shown);
    setError(undefined);
  }, [shown]);
  const numeric = spec.kind === 'number' || spec.kind === 'integer';
  const placeholder = spec.default !== undefined ? `default: ${typeof spec.default === 'object' ? JSON.stringify(spec.default) : String(spec.default)}` : undefined;
  return (
    <TextField
      label={spec.label}
      required={spec.required}
      value={text}
      placeholder={placeholder}
      type={numeric ? 'number' : 'text'}
      multiline={spec.kind === 'text' || spec.kind === 'json'}
      minRows={spec.kind === 'text' || spec.kind === 'json' ? 3 : undefined}
      fullWidth
      disabled={readOnly}
      error={!!error}
      helperText={error ?? spec.description}
      onChange={(e) => {
        setText(e.target.value);
        const r = parseFieldInput(spec.kind, e.target.value);
        setError(r.error);
        if (!r.error) onChange(r.value);
      }}
      slotProps={{
        htmlInput: {
          'data-field': spec.name,
          min: spec.min,
          max: spec.max,
          step: spec.kind === 'integer' ? 1 : 'any',
          style: spec.kind === 'json' || spec.kind === 'text' ? { fontFamily: 'monospace' } : undefined,
        },
      }}
    />
  );
}

function FieldEditor(props: FieldProps) {
  const { spec, value, onChange, readOnly } = props;
  switch (spec.kind) {
    case 'boolean':
      return (
        <Box>
          <FormControlLabel
            control={
              <Checkbox
                checked={value === undefined ? Boolean(spec.default) : Boolean(value)}
                onChange={(e) => onChange(e.target.checked)}
                disabled={readOnly}
                slotProps={{ input: { 'data-field': spec.name } as object }}
              />
            }
            label={spec.label}
          />
          {spec.description && <FormHelperText sx={{ mt: -0.5 }}>{spec.description}</FormHelperText>}
        </Box>
      );
    case 'enum':
      return (
        <TextField
          select
          label={spec.label}
          required={spec.required}
          value={value === undefined ? (spec.default ?? '') : value}
          onChange={(e) => onChange(e.target.value === '' ? undefined : spec.options?.find((o) => String(o) === String(e.target.value)))}
          helperText={spec.description}
          fullWidth
          disabled={readOnly}
          slotProps={{ htmlInput: { 'data-field': spec.name } }}
        >
          {!spec.required && (
            <MenuItem value="">
              <em>Default</em>
            </MenuItem>
          )}
          {(spec.options ?? []).map((o) => (
            <MenuItem key={String(o)} value={o as string}>
              {String(o)}
            </MenuItem>
          ))}
        </TextField>
      );
    case 'expression':
      return <ExpressionField spec={spec} value={value} onChange={onChange} />;
    case 'connection':
      return <ConnectionPicker spec={spec} value={value} onChange={onChange} />;
    case 'column':
      return <ColumnPicker spec={spec} value={value} onChange={onChange} />;
    case 'columns':
      return <ColumnsPicker spec={spec} value={value} onChange={onChange} />;
    case 'string-list': {
      const list = Array.isArray(value) ? (value as string[]) : [];
      return (
        <Autocomplete
          multiple
          freeSolo
          options={[]}
          value={list}
          disabled={readOnly}
          onChange={(_, v) => onChange(v.length ? v : undefined)}
          renderValue={(vals, getItemProps) => vals.map((v, i) => <Chip size="small" label={v} {...getItemProps({ index: i })} key={`${v}-${i}`} />)}
          renderInput={(params) => (
            <TextField
              {...params}
              label={spec.label}
              required={spec.required}
              helperText={spec.description || 'Type a value and press Enter'}
              slotProps={{ ...params.slotProps, htmlInput: { ...params.slotProps.htmlInput, 'data-field': spec.name } }}
            />
          )}
        />
      );
    }
    case 'object':
      return (
        <Paper variant="outlined" sx={{ p: 1.5 }}>
          <Typography variant="subtitle2" component="h4" sx={{ mb: 1 }}>
            {spec.label}
          </Typography>
          <FieldList fields={spec.children ?? []} value={(value as Config) ?? {}} onChange={(v) => onChange(Object.keys(v).length ? v : undefined)} readOnly={readOnly} />
        </Paper>
      );
    case 'object-list': {
      const list = Array.isArray(value) ? (value as Config[]) : [];
      const update = (next: Config[]) => onChange(next.length ? next : undefined);
      return (
        <Box role="group" aria-label={spec.label}>
          <Typography variant="subtitle2" component="h4">
            {spec.label}
            {spec.required ? ' *' : ''}
          </Typography>
          {spec.description && <FormHelperText>{spec.description}</FormHelperText>}
          {list.map((item, i) => (
            <Paper key={i} variant="outlined" sx={{ p: 1.5, mt: 1, position: 'relative' }} data-testid={`${spec.name}-item`}>
              <FieldList fields={spec.children ?? []} value={item ?? {}} onChange={(v) => update(list.map((x, j) => (j === i ? v : x)))} readOnly={readOnly} />
              {!readOnly && (
                <IconButton aria-label={`Remove ${spec.label} ${i + 1}`} onClick={() => update(list.filter((_, j) => j !== i))} sx={{ position: 'absolute', top: 2, right: 2 }}>
                  <DeleteIcon fontSize="small" />
                </IconButton>
              )}
            </Paper>
          ))}
          {!readOnly && (
            <Button sx={{ mt: 1 }} onClick={() => update([...list, defaultsOf(spec.children ?? [])])}>
              Add {spec.label.replace(/s$/, '').toLowerCase()}
            </Button>
          )}
        </Box>
      );
    }
    default:
      return <TextLike {...props} />;
  }
}

function defaultsOf(fields: FieldSpec[]): Config {
  const out: Config = {};
  for (const f of fields) if (f.default !== undefined) out[f.name] = f.default;
  return out;
}

function FieldList({ fields, value, onChange, readOnly }: { fields: FieldSpec[]; value: Config; onChange: (v: Config) => void; readOnly?: boolean }) {
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1.5 }}>
      {fields.map((f) => (
        <FieldEditor key={f.name} spec={f} value={value[f.name]} readOnly={readOnly} onChange={(v) => onChange(setField(value, f.name, v))} />
      ))}
    </Box>
  );
}

export function SchemaForm({ schema, value, onChange }: { schema: JsonSchema; value: Config; onChange: (v: Config) => void }) {
  const ctx = useFormContext();
  const fields = schemaFields(schema);
  if (!fields.length) return <Typography variant="body2" sx={{ color: 'text.secondary' }}>This module has no settings.</Typography>;
  return <FieldList fields={fields} value={value} onChange={onChange} readOnly={ctx?.readOnly} />;
}

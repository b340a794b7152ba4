// An expression editor checked by the server as you type (debounced): shows the result type or
// the error with its line and column.
import TextField from '@mui/material/TextField';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Preview } from '../api/endpoints';
import { errorMessage } from '../api/problem';
import { toServerJson } from '../model/pipeline_document';
import { upstreamSubgraph } from '../model/graph';
import { useDebounced } from './use_debounced';
import { useFormContext } from './form_context';
import type { FieldSpec } from '../model/schema_form';

export function ExpressionField({ spec, value, onChange }: { spec: FieldSpec; value: unknown; onChange: (v: unknown) => void }) {
  const ctx = useFormContext();
  const [text, setText] = useState(typeof value === 'string' ? value : '');
  useEffect(() => setText(typeof value === 'string' ? value : ''), [value]);
  const debounced = useDebounced(text, 350);
  // The check types the expression against the node's input, so it depends on upstream nodes
  // but not on this node's own config (which changes with every keystroke).
  const upstreamKey = ctx ? JSON.stringify(ctx.doc.edges.filter((e) => e.target === ctx.nodeId)) : '';
  const check = useQuery({
    queryKey: ['expression-check', ctx?.nodeId, upstreamKey, debounced],
    queryFn: () => Preview.checkExpression(debounced, ctx ? toServerJson(upstreamSubgraph(ctx.doc, ctx.nodeId)) : {}, ctx?.nodeId ?? ''),
    enabled: !!ctx && debounced.trim() !== '',
    staleTime: 60_000,
    retry: false,
  });
  let helper = spec.description;
  let error = false;
  if (text.trim() && debounced === text) {
    if (check.isFetching) helper = 'Checking…';
    else if (check.error) {
      helper = `Cannot check: ${errorMessage(check.error)}`;
    } else if (check.data && !check.data.ok) {
      const e = check.data.error;
      helper = e ? `${e.line ? `line ${e.line}, column ${e.column}: ` : ''}${e.message}` : 'invalid expression';
      error = true;
    } else if (check.data?.ok) helper = `✓ valid${check.data.type ? ` — ${check.data.type}` : ''}`;
  }
  return (
    <TextField
      label={spec.label}
      required={spec.required}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        onChange(e.target.value === '' ? undefined : e.target.value);
      }}
      multiline
      minRows={2}
      fullWidth
      error={error}
      helperText={helper}
      disabled={ctx?.readOnly}
      slotProps={{ htmlInput: { spellCheck: false, 'data-field': spec.name, style: { fontFamily: 'monospace' } }, formHelperText: { role: error ? 'alert' : undefined } as object }}
    />
  );
}

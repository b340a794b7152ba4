// The run page's schema-drift diff: the source columns added, removed or retyped since the
// pipeline's last successful run, one row each, for review. Shown only when the run recorded a
// change; the pipeline's `schema_drift` policy decided whether the run went on.
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import type { SchemaDrift } from '../api/types';
import { driftRows } from '../model/schema_drift';

const cell = { padding: '2px 10px', borderBottom: '1px solid #eee', textAlign: 'left' } as const;
const kColors = { added: '#2e7d32', removed: '#c62828', retyped: '#8a5a00' } as const;

export function SchemaDriftPanel({ drift, failed }: { drift: SchemaDrift[] | null | undefined; failed: boolean }) {
  const rows = driftRows(drift);
  if (!rows.length) return null;
  return (
    <Alert severity={failed ? 'error' : 'warning'} data-testid="schema-drift" sx={{ '& .MuiAlert-message': { width: '100%' } }}>
      <AlertTitle>Schema drift since the last successful run</AlertTitle>
      <table style={{ borderCollapse: 'collapse', fontSize: 13 }} aria-label="Schema drift">
        <thead>
          <tr>
            {['source', 'change', 'column', 'before', 'after'].map((h) => (
              <th key={h} style={cell}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.node}/${r.column}/${r.change}`} data-testid="schema-drift-row">
              <td style={cell}>{r.node}</td>
              <td style={{ ...cell, color: kColors[r.change], fontWeight: 600 }}>{r.change}</td>
              <td style={{ ...cell, fontFamily: 'monospace' }}>{r.column}</td>
              <td style={{ ...cell, fontFamily: 'monospace' }}>{r.before}</td>
              <td style={{ ...cell, fontFamily: 'monospace' }}>{r.after}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {failed
        ? 'The pipeline fails on schema drift: review the change, fix the source or run once with the policy set to ignore to accept it.'
        : 'Recorded; the pipeline ignores schema drift, so the run went on. Run settings can make it fail instead.'}
    </Alert>
  );
}

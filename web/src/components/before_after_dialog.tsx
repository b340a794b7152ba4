// Before and after an applied suggestion, on the preview sample: the profiled node's rows beside
// the new node's, for the columns the suggestion changes and the columns it adds; changed values
// are highlighted. Keep closes the dialog; Undo removes the node again.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import LinearProgress from '@mui/material/LinearProgress';
import Typography from '@mui/material/Typography';
import { useQuery } from '@tanstack/react-query';
import { Preview } from '../api/endpoints';
import { beforeAfter } from '../model/suggestions';
import { ProblemAlert } from './problem_alert';

const kRows = 50;
const cell = { padding: '2px 6px', borderBottom: '1px solid #eee', whiteSpace: 'pre', maxWidth: 220, overflow: 'hidden', textOverflow: 'ellipsis' } as const;

function show(v: unknown): string {
  if (v === undefined) return '';
  if (v === null) return '∅';
  // Strings quoted, so that padding shows.
  return typeof v === 'string' || typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export function BeforeAfterDialog({
  pipeline,
  beforeNode,
  afterNode,
  title,
  columns,
  onClose,
  onUndo,
}: {
  pipeline: unknown; // the document with the new node (its upstream part)
  beforeNode: string;
  afterNode: string;
  title: string;
  columns: string[];
  onClose: () => void;
  onUndo: () => void;
}) {
  const query = useQuery({
    queryKey: ['before-after', beforeNode, afterNode, JSON.stringify(pipeline)],
    queryFn: async () => {
      const [before, after] = await Promise.all([
        Preview.fetch(pipeline, beforeNode, 0, kRows),
        Preview.fetch(pipeline, afterNode, 0, kRows),
      ]);
      return beforeAfter(before, after, columns, kRows);
    },
    retry: false,
    staleTime: Infinity,
  });
  const view = query.data;
  return (
    <Dialog open onClose={onClose} maxWidth="lg" fullWidth aria-label="Before and after">
      <DialogTitle>Before and after · {title}</DialogTitle>
      <DialogContent>
        {query.isLoading && <LinearProgress aria-label="Loading before and after" />}
        {query.error ? <ProblemAlert error={query.error} /> : null}
        {view && (
          <>
            <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }} data-testid="before-after-summary">
              {`${view.changedRows} of the first ${view.rows.length} rows change · rows: ${view.beforeRows} before, ${view.afterRows} after (first ${kRows} of the preview sample, paired by position)`}
            </Typography>
            <Box sx={{ overflow: 'auto', maxHeight: '60vh' }}>
              <table style={{ borderCollapse: 'collapse', fontSize: 12 }} aria-label="Before and after rows">
                <thead>
                  <tr>
                    {view.columns.map((c) => (
                      <th key={c.name} colSpan={2} style={{ ...cell, textAlign: 'left' }}>
                        {c.name}{' '}
                        <span style={{ color: '#888', fontWeight: 400 }}>
                          {c.before ?? 'new'} → {c.after ?? 'gone'}
                        </span>
                      </th>
                    ))}
                  </tr>
                  <tr style={{ color: '#777' }}>
                    {view.columns.map((c) => [
                      <th key={`${c.name}-b`} style={cell}>before</th>,
                      <th key={`${c.name}-a`} style={cell}>after</th>,
                    ])}
                  </tr>
                </thead>
                <tbody>
                  {view.rows.map((r, i) => (
                    <tr key={i} data-testid="before-after-row">
                      {view.columns.map((c, j) => {
                        const changed = show(r.before[j]) !== show(r.after[j]) && !(r.before[j] === undefined && r.after[j] === null);
                        return [
                          <td key={`${c.name}-b`} style={cell}>{show(r.before[j])}</td>,
                          <td key={`${c.name}-a`} style={{ ...cell, background: changed ? '#e8f5e9' : undefined }} data-changed={changed || undefined}>
                            {show(r.after[j])}
                          </td>,
                        ];
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </Box>
          </>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onUndo}>Undo</Button>
        <Button variant="contained" onClick={onClose}>
          Keep
        </Button>
      </DialogActions>
    </Dialog>
  );
}

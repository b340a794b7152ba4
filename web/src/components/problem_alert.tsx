// Shows an API error: the problem title and detail, and each field error with its JSON path.
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import { ApiError } from '../api/problem';

export function ProblemAlert({ error, onClose }: { error: unknown; onClose?: () => void }) {
  if (!error) return null;
  if (error instanceof ApiError) {
    const p = error.problem;
    return (
      <Alert severity="error" onClose={onClose} role="alert">
        <AlertTitle>{p.title}{p.status ? ` (${p.status})` : ''}</AlertTitle>
        {p.detail}
        {p.errors?.length ? (
          <ul style={{ margin: '4px 0 0', paddingLeft: 18 }}>
            {p.errors.map((e, i) => (
              <li key={i}>
                <code>{e.field}</code>: {e.message}
              </li>
            ))}
          </ul>
        ) : null}
      </Alert>
    );
  }
  return (
    <Alert severity="error" onClose={onClose} role="alert">
      {error instanceof Error ? error.message : String(error)}
    </Alert>
  );
}

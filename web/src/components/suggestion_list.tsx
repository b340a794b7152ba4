// The suggestions of a profile, best first: each with its reason, its score and the node it
// would add; Apply inserts that node after the profiled node in one click (the editor then shows
// before and after). A suggestion the validator rejects here shows why and cannot be applied.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import type { ProfileSuggestion } from '../api/types';

export function SuggestionList({
  suggestions,
  onApply,
}: {
  suggestions: ProfileSuggestion[];
  onApply?: (s: ProfileSuggestion) => void; // absent: read-only (no editing rights, or no editor)
}) {
  if (!suggestions.length) {
    return (
      <Typography variant="body2" color="text.secondary" sx={{ my: 0.5 }} data-testid="suggestions-empty">
        No suggestions: nothing in this profile calls for a cleaning step.
      </Typography>
    );
  }
  return (
    <Box component="ol" aria-label="Suggestions" sx={{ m: 0, pl: 2.5, fontSize: 12 }}>
      {suggestions.map((s, i) => (
        <Box component="li" key={`${s.kind}-${s.node.id}-${i}`} data-testid="suggestion" sx={{ py: 0.5, borderBottom: '1px solid #eee' }}>
          <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
            <b data-testid="suggestion-title">{s.title}</b>
            <Chip size="small" variant="outlined" label={`${s.node.module} · ${Math.round(s.score * 100)}`} title="module of the new node · score (0–100)" />
            <Box sx={{ flexGrow: 1 }} />
            {onApply && (
              <Tooltip title={s.valid ? `Insert '${s.node.id}' after this node` : s.issues.map((x) => x.message).join('; ')}>
                <span>
                  <Button size="small" variant="outlined" disabled={!s.valid} onClick={() => onApply(s)} aria-label={`Apply: ${s.title}`}>
                    Apply
                  </Button>
                </span>
              </Tooltip>
            )}
          </Box>
          <Typography variant="caption" component="div" color="text.secondary" data-testid="suggestion-reason">
            {s.reason}
          </Typography>
          {!s.valid && (
            <Typography variant="caption" component="div" color="error">
              Not valid here: {s.issues.map((x) => x.message).join('; ')}
            </Typography>
          )}
        </Box>
      ))}
    </Box>
  );
}

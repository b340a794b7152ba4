// Profile of one node: every row the node emits (up to a limit) profiled by the server in one
// pass — per column the semantic type (with its date format), null and empty rates, distinct
// count, range and quartiles, a histogram or top-values chart, the commonest pattern, outliers
// and a PII flag. Estimates are marked "~" and the accuracy is stated under the table. Above it,
// the suggestions the server derived from the profile, each applicable in one click.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import LinearProgress from '@mui/material/LinearProgress';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Profile } from '../api/endpoints';
import type { NodeProfile, ProfileSuggestion } from '../api/types';
import { columnView } from '../model/profile_view';
import { MiniHistogram } from './mini_histogram';
import { ProblemAlert } from './problem_alert';
import { SuggestionList } from './suggestion_list';
import { formatCount } from './format';

const kRowChoices = [10_000, 100_000, 1_000_000, 10_000_000];

const cell = { padding: '3px 8px', borderBottom: '1px solid #eee', verticalAlign: 'top', whiteSpace: 'nowrap' } as const;

export function ProfilePanel({
  pipelineId,
  nodeId,
  unsavedPipeline,
  onApplySuggestion,
}: {
  pipelineId?: string;
  nodeId: string;
  // Inserts a suggestion's node after `profiledNode`; absent: suggestions are read-only.
  onApplySuggestion?: (profiledNode: string, s: ProfileSuggestion) => void;
  // The edited document when it differs from the stored one (profiling it needs the developer role).
  unsavedPipeline?: unknown;
}) {
  const [rows, setRows] = useState(100_000);
  const [profile, setProfile] = useState<NodeProfile | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const generation = useRef(0);

  const load = useCallback(async () => {
    if (!pipelineId) return;
    const gen = ++generation.current;
    setLoading(true);
    setError(null);
    try {
      const p = await Profile.node(pipelineId, nodeId, rows, unsavedPipeline);
      if (gen === generation.current) setProfile(p);
    } catch (e) {
      if (gen === generation.current) setError(e);
    } finally {
      if (gen === generation.current) setLoading(false);
    }
    // The unsaved document is read when profiling starts, not on every edit.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [pipelineId, nodeId, rows]);

  useEffect(() => {
    void load();
  }, [load]);

  if (!pipelineId) {
    return (
      <Typography sx={{ p: 1 }} color="text.secondary">
        Save the pipeline to profile its nodes.
      </Typography>
    );
  }
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', height: '100%', minHeight: 0 }} aria-label={`Profile of ${nodeId}`} component="section">
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, px: 1, py: 0.5 }}>
        <TextField select size="small" label="Rows" value={rows} onChange={(e) => setRows(Number(e.target.value))} sx={{ width: 170 }}>
          {kRowChoices.map((n) => (
            <MenuItem key={n} value={n}>
              {`up to ${formatCount(n)}`}
            </MenuItem>
          ))}
        </TextField>
        <Button onClick={() => void load()} disabled={loading}>
          Profile again
        </Button>
        <Typography variant="body2" color="text.secondary" data-testid="profile-summary">
          {profile
            ? `${formatCount(profile.rows)} rows of ${profile.profiled_node}${profile.limited ? ' (limited)' : ' (all rows)'} in ${profile.seconds.toFixed(2)} s`
            : ''}
        </Typography>
      </Box>
      {loading && <LinearProgress aria-label="Profiling" />}
      {error ? <ProblemAlert error={error} /> : null}
      {profile && (
        <Box sx={{ flex: 1, minHeight: 0, overflow: 'auto', px: 1 }}>
          {profile.suggestions && (
            <Box component="section" aria-label="Suggestions from the profile" sx={{ mb: 1 }}>
              <Typography variant="subtitle2" component="h3">
                Suggestions ({profile.suggestions.length})
              </Typography>
              <SuggestionList
                suggestions={profile.suggestions}
                onApply={onApplySuggestion ? (s) => onApplySuggestion(profile.profiled_node, s) : undefined}
              />
            </Box>
          )}
          <table style={{ borderCollapse: 'collapse', fontSize: 12 }} aria-label={`Column profile of ${nodeId}`}>
            <thead>
              <tr style={{ textAlign: 'left', color: '#555' }}>
                {['column', 'semantic type', 'nulls', 'empty', 'distinct', 'min … max', 'quartiles', 'distribution', 'pattern', 'outliers', 'PII'].map((h) => (
                  <th key={h} style={cell}>
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {profile.columns.map((c) => {
                const v = columnView(c);
                return (
                  <tr key={c.name} data-testid="profile-row">
                    <td style={cell}>
                      <b>{v.name}</b> <span style={{ color: '#888' }}>{v.type}</span>
                    </td>
                    <td style={cell} data-testid="profile-semantic">
                      {v.semantic}
                    </td>
                    <td style={cell}>{v.nulls}</td>
                    <td style={cell}>{v.empty}</td>
                    <td style={cell} title={c.distinct_exact ? 'exact' : `HyperLogLog estimate, ±${(c.distinct_relative_error * 100).toFixed(2)} % standard error`}>
                      {v.distinct}
                    </td>
                    <td style={{ ...cell, maxWidth: 220, overflow: 'hidden', textOverflow: 'ellipsis' }} title={v.range}>
                      {v.range}
                    </td>
                    <td style={cell}>{v.quartiles}</td>
                    <td style={cell} title={v.bars.title}>
                      <MiniHistogram counts={v.bars.counts} labels={v.bars.labels} width={110} height={22} />
                    </td>
                    <td style={{ ...cell, fontFamily: 'monospace' }}>{v.pattern}</td>
                    <td style={cell}>{v.outliers}</td>
                    <td style={cell}>
                      {v.pii ? (
                        <Tooltip title={v.piiReason}>
                          <Chip size="small" color="warning" label={v.pii} data-testid="profile-pii" />
                        </Tooltip>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <Typography variant="caption" color="text.secondary" component="p" sx={{ my: 0.5 }}>
            ~ distinct counts: HyperLogLog, ±{(profile.accuracy.distinct.relative_standard_error * 100).toFixed(2)} % standard error (exact below{' '}
            {profile.accuracy.distinct.exact_below}). Quantiles: KLL sketch, ±{(profile.accuracy.quantiles.normalized_rank_error * 100).toFixed(2)} % in rank.
            Histograms and outlier counts are estimated from the quantile sketch.
          </Typography>
        </Box>
      )}
    </Box>
  );
}

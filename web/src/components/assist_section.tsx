// "Ask in words": the natural-language assistant of the node panel. The user describes a filter,
// a column or (for database extracts) a SQL query; the server asks the organization's model and
// checks the answer against the node's real schema; the proposal is shown in editable fields and
// applied only when the user clicks Apply (after the server checked the edited text again). Shown
// only when the organization has an endpoint (GET /api/v1/assist/status).
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import TextField from '@mui/material/TextField';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Assist } from '../api/endpoints';
import type { AssistKind, AssistProposal, AssistProposalFields } from '../api/types';
import { assistChange, assistKindsFor, kAssistKindLabels } from '../model/assist';
import { toServerJson } from '../model/pipeline_document';
import { useEditorStore } from '../store/editor_store';
import { ProblemAlert } from './problem_alert';

export const assistStatusQuery = { queryKey: ['assist-status'], queryFn: Assist.status, staleTime: 60_000 };

export function AssistSection(props: { nodeId: string; nodeType: string; nodeModule: string; onApplied: (nodeId: string) => void }) {
  const { nodeId, nodeType, nodeModule, onApplied } = props;
  const status = useQuery(assistStatusQuery);
  const kinds = assistKindsFor({ type: nodeType as never, module: nodeModule });
  const [kind, setKind] = useState<AssistKind>('filter');
  const [request, setRequest] = useState('');
  const [proposal, setProposal] = useState<AssistProposal | null>(null);
  const [fields, setFields] = useState<AssistProposalFields>({});
  const [busy, setBusy] = useState<'propose' | 'apply' | null>(null);
  const [error, setError] = useState<unknown>(null);
  if (!status.data?.enabled || kinds.length === 0) return null;
  const current = kinds.includes(kind) ? kind : kinds[0];
  const serverDoc = () => toServerJson(useEditorStore.getState().doc);

  const propose = async () => {
    setBusy('propose');
    setError(null);
    setProposal(null);
    try {
      const p = await Assist.propose(current, request.trim(), serverDoc(), nodeId);
      setProposal(p);
      setFields({ ...p.proposal });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  const apply = async () => {
    if (!proposal) return;
    setBusy('apply');
    setError(null);
    try {
      // The edited text is checked again: what is applied is always what the server accepted.
      const checked = await Assist.check(proposal.kind, fields, serverDoc(), nodeId);
      const store = useEditorStore.getState();
      const change = assistChange(store.doc, nodeId, checked);
      if (!change) throw new Error('this proposal cannot be applied to the node');
      store.apply(change);
      setProposal(null);
      setRequest('');
      onApplied(change.kind === 'insertAfter' ? change.node.id : nodeId);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  const field = (name: keyof AssistProposalFields, label: string, multiline = false) => (
    <TextField
      label={label}
      size="small"
      value={(fields[name] as string | undefined) ?? ''}
      onChange={(e) => setFields({ ...fields, [name]: e.target.value })}
      multiline={multiline}
      minRows={multiline ? 2 : undefined}
      slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: 'monospace' } } }}
    />
  );
  return (
    <Box component="section" aria-label="Ask in words" sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}>
      <Typography variant="subtitle2" component="h3">
        Ask in words
      </Typography>
      <ToggleButtonGroup
        size="small"
        exclusive
        value={current}
        onChange={(_, v: AssistKind | null) => {
          if (v) {
            setKind(v);
            setProposal(null);
          }
        }}
        aria-label="What to propose"
      >
        {kinds.map((k) => (
          <ToggleButton key={k} value={k}>
            {kAssistKindLabels[k]}
          </ToggleButton>
        ))}
      </ToggleButtonGroup>
      <TextField
        label="Describe it"
        size="small"
        multiline
        minRows={2}
        value={request}
        onChange={(e) => setRequest(e.target.value)}
        placeholder={current === 'filter' ? 'e.g. orders over 100 that shipped' : current === 'derive' ? 'e.g. the amount with 20% tax' : 'e.g. only this year’s orders'}
      />
      <Button variant="outlined" onClick={propose} disabled={busy !== null || request.trim() === ''}>
        {busy === 'propose' ? 'Asking…' : 'Propose'}
      </Button>
      <Typography variant="caption" color="text.secondary">
        {status.data.allow_sample_rows
          ? 'The model sees the columns, their statistics and a few sample rows.'
          : 'The model sees the columns and their statistics, never the rows.'}
      </Typography>
      <ProblemAlert error={error} onClose={() => setError(null)} />
      {proposal && (
        <Box data-testid="assist-proposal" sx={{ display: 'flex', flexDirection: 'column', gap: 1, p: 1, border: 1, borderColor: 'divider', borderRadius: 1 }}>
          <Alert severity="info" sx={{ py: 0 }}>
            Checked against the schema. Edit it before applying if needed.
          </Alert>
          {proposal.explanation && (
            <Typography variant="body2" data-testid="assist-explanation">
              {proposal.explanation}
            </Typography>
          )}
          {proposal.kind === 'filter' && field('expression', 'Condition', true)}
          {proposal.kind === 'derive' && (
            <>
              {field('column', 'Column name')}
              {field('expression', 'Expression', true)}
            </>
          )}
          {proposal.kind === 'sql' && field('query', 'SQL query', true)}
          <Box sx={{ display: 'flex', gap: 1 }}>
            <Button variant="contained" onClick={apply} disabled={busy !== null}>
              {busy === 'apply' ? 'Checking…' : 'Apply'}
            </Button>
            <Button onClick={() => setProposal(null)} disabled={busy !== null}>
              Discard
            </Button>
          </Box>
        </Box>
      )}
    </Box>
  );
}

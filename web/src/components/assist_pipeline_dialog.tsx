// "Describe a pipeline": the natural-language assistant for a whole small pipeline. The server asks
// the organization's model and validates the proposed document; the user reads and edits its JSON,
// and Apply (after the server validated the edited JSON again) replaces the editor's document as
// one undoable change. Nothing is saved until the user saves.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { Assist } from '../api/endpoints';
import type { AssistProposal } from '../api/types';
import { toServerJson } from '../model/pipeline_document';
import { useEditorStore } from '../store/editor_store';
import { ProblemAlert } from './problem_alert';

export function AssistPipelineDialog(props: { open: boolean; onClose: () => void; onApply: (pipeline: Record<string, unknown>) => void }) {
  const [request, setRequest] = useState('');
  const [proposal, setProposal] = useState<AssistProposal | null>(null);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const current = () => toServerJson(useEditorStore.getState().doc);
  const close = () => {
    setProposal(null);
    setError(null);
    props.onClose();
  };
  const propose = async () => {
    setBusy(true);
    setError(null);
    setProposal(null);
    try {
      const p = await Assist.propose('pipeline', request.trim(), current());
      setProposal(p);
      setText(JSON.stringify(p.proposal.pipeline ?? p.pipeline, null, 2));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const apply = async () => {
    setBusy(true);
    setError(null);
    try {
      let edited: Record<string, unknown>;
      try {
        edited = JSON.parse(text) as Record<string, unknown>;
      } catch (e) {
        throw new Error(`The proposed pipeline is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
      }
      const checked = await Assist.check('pipeline', { pipeline: edited }, current());
      props.onApply(checked.pipeline);
      setRequest('');
      close();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={props.open} onClose={close} aria-labelledby="assist-pipeline-title" fullWidth maxWidth="md">
      <DialogTitle id="assist-pipeline-title">Describe a pipeline</DialogTitle>
      <DialogContent sx={{ display: 'flex', flexDirection: 'column', gap: 1.5, pt: '8px !important' }}>
        <Typography variant="body2" color="text.secondary">
          The model sees the module catalogue and your words, not your data. The proposal is validated before it is shown and
          again after your edits; applying it replaces the document in the editor (undo restores it).
        </Typography>
        <TextField
          label="Describe the pipeline"
          multiline
          minRows={2}
          value={request}
          onChange={(e) => setRequest(e.target.value)}
          placeholder="e.g. read orders.csv, keep orders over 100, write big_orders.csv"
        />
        <Box>
          <Button variant="outlined" onClick={propose} disabled={busy || request.trim() === ''}>
            {busy && !proposal ? 'Asking…' : 'Propose'}
          </Button>
        </Box>
        <ProblemAlert error={error} onClose={() => setError(null)} />
        {proposal && (
          <>
            {proposal.explanation && <Typography variant="body2">{proposal.explanation}</Typography>}
            <TextField
              label="Proposed pipeline (JSON)"
              multiline
              minRows={8}
              maxRows={20}
              value={text}
              onChange={(e) => setText(e.target.value)}
              slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: 'monospace', fontSize: 12 } } }}
            />
          </>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={close}>Cancel</Button>
        <Button variant="contained" onClick={apply} disabled={busy || !proposal}>
          Apply
        </Button>
      </DialogActions>
    </Dialog>
  );
}

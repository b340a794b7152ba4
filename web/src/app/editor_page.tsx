// The pipeline editor: palette, canvas, node settings, data preview and the toolbar (save with
// versions, validate, run with live status, schedule, undo/redo, clipboard, layout, fit view).
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import Divider from '@mui/material/Divider';
import IconButton from '@mui/material/IconButton';
import Snackbar from '@mui/material/Snackbar';
import TextField from '@mui/material/TextField';
import Tooltip from '@mui/material/Tooltip';
import UndoIcon from '@mui/icons-material/Undo';
import RedoIcon from '@mui/icons-material/Redo';
import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import ContentPasteIcon from '@mui/icons-material/ContentPaste';
import DeleteIcon from '@mui/icons-material/Delete';
import AccountTreeIcon from '@mui/icons-material/AccountTree';
import AutoAwesomeIcon from '@mui/icons-material/AutoAwesome';
import FitScreenIcon from '@mui/icons-material/FitScreen';
import KeyboardIcon from '@mui/icons-material/Keyboard';
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Modules, Pipelines, Runs } from '../api/endpoints';
import { subscribe } from '../api/run_socket';
import { kFinalRunStatuses, type Run } from '../api/types';
import { useCanEdit } from '../store/auth_store';
import { isDirty, useDocStructure, useEditorStore } from '../store/editor_store';
import { autoLayout } from '../model/layout';
import { localIssues, upstreamSubgraph, withExplicitPorts } from '../model/graph';
import { makeNode } from '../model/changes';
import { defaultConfig, indexModules, type ModuleDescriptor } from '../model/modules';
import {
  emptyDocument,
  parsePipelineDocument,
  runPolicyOf,
  toExportJson,
  toServerJson,
  withRunPolicy,
  type PipelineDocument,
  type Position,
} from '../model/pipeline_document';
import { PipelineCanvas } from '../canvas/pipeline_canvas';
import { Palette } from '../canvas/palette/palette';
import { ProblemAlert } from '../components/problem_alert';
import { StatusChip } from '../components/status_chip';
import { PreviewPanel } from '../components/preview_panel';
import { BeforeAfterDialog } from '../components/before_after_dialog';
import { suggestionChange } from '../model/suggestions';
import { AssistPipelineDialog } from '../components/assist_pipeline_dialog';
import { assistStatusQuery } from '../components/assist_section';
import { proposedDocument } from '../model/assist';
import type { ProfileSuggestion } from '../api/types';
import { downloadText } from '../components/format';
import { errorMessage } from '../api/problem';
import { NodeConfigPanel } from './node_config_panel';
import { RunParametersDialog, ScheduleDialog, ShortcutsDialog, VersionsDialog } from './editor_dialogs';
import { describeRunPolicy, RunSettingsDialog } from './run_settings_dialog';
import { navigate, setNavigationGuard } from './router';

const kTerminal = kFinalRunStatuses;
const kNoModules: ModuleDescriptor[] = [];

function isTyping(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  if (!t) return false;
  return t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName) || t.getAttribute('role') === 'combobox';
}

export function EditorPage({ pipelineId }: { pipelineId: string }) {
  return (
    <ReactFlowProvider>
      <Editor pipelineId={pipelineId} />
    </ReactFlowProvider>
  );
}

function Editor({ pipelineId }: { pipelineId: string }) {
  const isNew = pipelineId === 'new';
  const canEdit = useCanEdit();
  const readOnly = !canEdit;
  const qc = useQueryClient();
  const modulesQuery = useQuery({ queryKey: ['modules'], queryFn: Modules.list, staleTime: 5 * 60_000 });
  const modules = modulesQuery.data ?? kNoModules;
  const moduleIndex = useMemo(() => indexModules(modules), [modules]);
  const pipelineQuery = useQuery({
    queryKey: ['pipeline', pipelineId],
    queryFn: () => Pipelines.get(pipelineId),
    enabled: !isNew,
    staleTime: Infinity,
  });

  const doc = useDocStructure();
  const dirty = useEditorStore(isDirty);
  const selection = useEditorStore((s) => s.selection);
  const serverIssues = useEditorStore((s) => s.issues);
  const runId = useEditorStore((s) => s.runId);
  const runStatus = useEditorStore((s) => s.runStatus);
  const canUndo = useEditorStore((s) => s.past.length > 0);
  const canRedo = useEditorStore((s) => s.future.length > 0);
  const { fitView, screenToFlowPosition } = useReactFlow();

  const [loadError, setLoadError] = useState<unknown>(null);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [previewNode, setPreviewNode] = useState<string | null>(null);
  // The suggestion just applied: its node, shown before and after on the preview sample.
  const [applied, setApplied] = useState<{ before: string; after: string; suggestion: ProfileSuggestion } | null>(null);
  const applySuggestion = useCallback((profiledNode: string, s: ProfileSuggestion) => {
    const st = useEditorStore.getState();
    const change = suggestionChange(st.doc, profiledNode, s);
    st.apply(change);
    setPreviewNode(change.node.id);
    setApplied({ before: profiledNode, after: change.node.id, suggestion: s });
  }, []);
  const [dialog, setDialog] = useState<'schedule' | 'versions' | 'shortcuts' | 'params' | 'run-settings' | 'assist' | null>(null);
  // Natural-language assistance: shown only when the organization has an endpoint.
  const assistEnabled = useQuery(assistStatusQuery).data?.enabled === true;
  // The run policy is read field by field: useDocStructure compares structure only.
  const retry = useEditorStore((s) => s.doc.retry);
  const timeoutSeconds = useEditorStore((s) => s.doc.timeout_seconds);
  const concurrency = useEditorStore((s) => s.doc.concurrency);
  const priority = useEditorStore((s) => s.doc.priority);
  const schemaDrift = useEditorStore((s) => s.doc.schema_drift);
  const anomalies = useEditorStore((s) => s.doc.anomalies);
  const runPolicy = useMemo(
    () => runPolicyOf({ retry, timeout_seconds: timeoutSeconds, concurrency, priority, schema_drift: schemaDrift, anomalies }),
    [retry, timeoutSeconds, concurrency, priority, schemaDrift, anomalies],
  );
  const runPolicySummary = describeRunPolicy(runPolicy);
  const [loaded, setLoaded] = useState(false);
  const loadedFor = useRef<string | null>(null);
  const loadStart = useRef(performance.now());

  // Opening another pipeline in the same editor: show the spinner until it is loaded (the first
  // save of a new pipeline also changes the id, but keeps the open document).
  useEffect(() => {
    if (loadedFor.current && loadedFor.current !== pipelineId && useEditorStore.getState().doc.id !== pipelineId) {
      loadedFor.current = null;
      setLoaded(false);
    }
  }, [pipelineId]);

  // Load the document once modules are known (ports of old edges are filled from them).
  useEffect(() => {
    if (!modulesQuery.isSuccess && !modulesQuery.isError) return;
    // A first save moves the URL from "new" to the stored id: keep the open document and history.
    if (loadedFor.current && loadedFor.current !== pipelineId && useEditorStore.getState().doc.id === pipelineId) {
      loadedFor.current = pipelineId;
      return;
    }
    if (loadedFor.current === pipelineId) return;
    if (isNew) {
      loadedFor.current = pipelineId;
      useEditorStore.getState().load(emptyDocument());
      setLoaded(true);
      return;
    }
    if (pipelineQuery.data) {
      try {
        const parsed = parsePipelineDocument(pipelineQuery.data);
        useEditorStore.getState().load(withExplicitPorts({ ...parsed, id: parsed.id || pipelineId }, indexModules(modulesQuery.data ?? [])));
        loadedFor.current = pipelineId;
        setLoaded(true);
      } catch (e) {
        setLoadError(e);
      }
    } else if (pipelineQuery.error) setLoadError(pipelineQuery.error);
  }, [isNew, pipelineId, pipelineQuery.data, pipelineQuery.error, modulesQuery.isSuccess, modulesQuery.isError, modulesQuery.data]);

  // Open time for the scale test: from mount to the first frame with every node rendered.
  useEffect(() => {
    if (!loaded) return;
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        const w = window as unknown as { __ldEditorOpenMs?: number };
        w.__ldEditorOpenMs = Math.round(performance.now() - loadStart.current);
        document.body.dataset.editorReady = '1';
      }),
    );
    return () => {
      delete document.body.dataset.editorReady;
    };
  }, [loaded]);

  // Unsaved-changes guard for in-app navigation and for closing the tab.
  useEffect(() => {
    setNavigationGuard(() => !isDirty(useEditorStore.getState()) || window.confirm('You have unsaved changes. Leave without saving?'));
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (isDirty(useEditorStore.getState())) {
        e.preventDefault();
        e.returnValue = '';
      }
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      setNavigationGuard(null);
      window.removeEventListener('beforeunload', onBeforeUnload);
    };
  }, []);

  const errors = useMemo(() => {
    const m = localIssues(doc, moduleIndex);
    for (const i of serverIssues) {
      if (!i.node_id || !doc.nodes.some((n) => n.id === i.node_id)) continue;
      const list = m.get(i.node_id) ?? [];
      if (!list.includes(i.message)) m.set(i.node_id, [...list, i.message]);
    }
    return m;
  }, [doc, moduleIndex, serverIssues]);
  const globalIssues = serverIssues.filter((i) => !i.node_id);

  const addModule = useCallback(
    (key: string, position?: Position) => {
      const m = moduleIndex.get(key);
      if (!m || readOnly) return;
      const st = useEditorStore.getState();
      const pos = position ?? (() => {
        const p = screenToFlowPosition({ x: window.innerWidth / 2, y: window.innerHeight / 2 });
        return { x: Math.round(p.x - 100 + (st.doc.nodes.length % 5) * 20), y: Math.round(p.y - 30 + (st.doc.nodes.length % 5) * 20) };
      })();
      const node = makeNode(m.kind, m.name, m.name.charAt(0).toUpperCase() + m.name.slice(1), defaultConfig(m.config_schema ?? {}), pos, new Set(st.doc.nodes.map((n) => n.id)));
      st.apply({ kind: 'addNode', node });
      st.select([node.id]);
    },
    [moduleIndex, readOnly, screenToFlowPosition],
  );

  const save = useCallback(async (): Promise<PipelineDocument | null> => {
    const st = useEditorStore.getState();
    const current = st.doc;
    setBusy('save');
    setError(null);
    try {
      const body = toServerJson(current);
      const stored = current.id ? await Pipelines.update(current.id, body) : await Pipelines.create(body);
      const saved = withExplicitPorts(parsePipelineDocument(stored ?? body), moduleIndex);
      const merged: PipelineDocument = { ...current, id: saved.id || current.id, version: saved.version };
      // Keep edits made while the request was in flight.
      if (useEditorStore.getState().doc === current) useEditorStore.getState().markSaved(merged);
      else useEditorStore.setState({ saved: merged, doc: { ...useEditorStore.getState().doc, id: merged.id, version: merged.version } });
      void qc.invalidateQueries({ queryKey: ['pipelines'] });
      qc.setQueryData(['pipeline', merged.id], toServerJson(merged));
      setMessage(`Saved version ${merged.version}`);
      if (!current.id && merged.id) navigate({ name: 'editor', id: merged.id }, { replace: true, force: true });
      return merged;
    } catch (e) {
      setError(e);
      return null;
    } finally {
      setBusy(null);
    }
  }, [moduleIndex, qc]);

  const validate = useCallback(async () => {
    setBusy('validate');
    setError(null);
    try {
      const r = await Pipelines.validate(toServerJson(useEditorStore.getState().doc));
      useEditorStore.getState().setIssues(r.issues ?? []);
      setMessage(r.valid ? 'Pipeline is valid' : `${(r.issues ?? []).length} problem(s) found`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  }, []);

  const run = useCallback(async (parameters?: Record<string, string>) => {
    if (!parameters && Object.keys(useEditorStore.getState().doc.parameters ?? {}).length > 0) {
      setDialog('params');
      return;
    }
    let current = useEditorStore.getState().doc;
    if (isDirty(useEditorStore.getState()) || !current.id) {
      const saved = await save();
      if (!saved) return;
      current = saved;
    }
    setBusy('run');
    setError(null);
    try {
      const r = await Pipelines.run(current.id, parameters ?? {});
      useEditorStore.getState().setRun(r.id, r.status ?? 'queued');
      setMessage('Run started');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  }, [save]);

  // Follow the current run live: WebSocket events, plus a slow poll in case events are missed.
  useEffect(() => {
    if (!runId) return;
    let done = false;
    const st = useEditorStore.getState;
    const apply = (r: Run) => {
      if (r.id !== runId) return;
      st().setRun(runId, r.status);
      if (r.nodes) st().mergeMetrics(r.nodes);
      if (kTerminal.has(r.status) && !done) {
        done = true;
        void Runs.nodes(runId)
          .then((ns) => st().mergeMetrics(Object.fromEntries(ns.filter((n) => n.node_id).map((n) => [n.node_id!, n]))))
          .catch(() => undefined);
        void qc.invalidateQueries({ queryKey: ['pipelines'] });
        void qc.invalidateQueries({ queryKey: ['runs'] });
      }
    };
    const unsubscribe = subscribe(`run:${runId}`, (m) => {
      if (m.type === 'run.status') apply((m as { run: Run }).run);
      else if (m.type === 'node.progress' && (m as { run_id: string }).run_id === runId) st().mergeMetrics((m as { nodes: Record<string, object> }).nodes);
    });
    const poll = setInterval(() => {
      if (done) return;
      Runs.get(runId).then(apply).catch(() => undefined);
    }, 2000);
    Runs.get(runId).then(apply).catch(() => undefined);
    return () => {
      unsubscribe();
      clearInterval(poll);
    };
  }, [runId, qc]);

  const layout = useCallback(() => {
    const st = useEditorStore.getState();
    st.apply({ kind: 'moveNodes', positions: autoLayout(st.doc) });
    requestAnimationFrame(() => fitView({ duration: 200 }));
  }, [fitView]);

  const exportJson = useCallback(() => {
    const d = useEditorStore.getState().doc;
    downloadText(`${d.name.replace(/[^\w.-]+/g, '_') || 'pipeline'}.json`, toExportJson(d));
  }, []);

  // Keyboard shortcuts (ignored while typing in a field; React Flow handles Delete itself).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e)) return;
      const mod = e.ctrlKey || e.metaKey;
      const st = useEditorStore.getState();
      const k = e.key.toLowerCase();
      if (mod && k === 's') {
        e.preventDefault();
        if (!readOnly) void save();
      } else if (mod && k === 'z' && !e.shiftKey) {
        e.preventDefault();
        if (!readOnly) st.undo();
      } else if (mod && (k === 'y' || (k === 'z' && e.shiftKey))) {
        e.preventDefault();
        if (!readOnly) st.redo();
      } else if (mod && k === 'c') {
        st.copy();
      } else if (mod && k === 'x' && !readOnly) {
        st.cut();
      } else if (mod && k === 'v' && !readOnly) {
        e.preventDefault();
        st.paste();
      } else if (mod && k === 'a') {
        e.preventDefault();
        st.select(st.doc.nodes.map((n) => n.id));
      } else if (mod && k === 'enter' && !readOnly) {
        e.preventDefault();
        void run();
      } else if (!mod && e.shiftKey && k === 'l' && !readOnly) {
        layout();
      } else if (!mod && e.shiftKey && e.key === '!') {
        void fitView({ duration: 200 });
      } else if (!mod && e.key === '?') {
        setDialog('shortcuts');
      } else if (!mod && k === 'p' && st.selection.length === 1) {
        setPreviewNode(st.selection[0]);
      } else if (e.key === 'Escape') {
        st.select([]);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [fitView, layout, readOnly, run, save]);

  if (loadError) {
    return (
      <Box sx={{ p: 3 }}>
        <ProblemAlert error={loadError} />
        <Button sx={{ mt: 2 }} onClick={() => navigate({ name: 'pipelines' }, { force: true })}>
          Back to pipelines
        </Button>
      </Box>
    );
  }
  if (!loaded) {
    return (
      <Box sx={{ display: 'grid', placeItems: 'center', height: '100%' }}>
        <CircularProgress aria-label="Loading pipeline" />
      </Box>
    );
  }

  const selectedId = selection.length === 1 ? selection[0] : null;
  const previewLabel = doc.nodes.find((n) => n.id === previewNode)?.name || previewNode || '';
  // Saved previews are used only for a stored pipeline without unsaved changes.
  const savedPreviewKey = doc.id && !dirty ? { pipelineId: doc.id, version: doc.version } : undefined;
  const failedNode = runStatus === 'failed' ? (Object.entries(useEditorStore.getState().nodeMetrics).find(([, m]) => m.status === 'failed')?.[0] ?? null) : null;

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', height: '100%' }}>
      <Box role="toolbar" aria-label="Pipeline tools" sx={{ display: 'flex', alignItems: 'center', gap: 0.5, px: 1, py: 0.5, borderBottom: 1, borderColor: 'divider', bgcolor: '#fff', flexWrap: 'wrap' }}>
        <TextField
          label="Pipeline name"
          value={doc.name}
          disabled={readOnly}
          onChange={(e) => useEditorStore.getState().apply({ kind: 'setMeta', name: e.target.value })}
          sx={{ width: 240 }}
        />
        <Chip size="small" label={doc.id ? `v${doc.version}` : 'new'} sx={{ mx: 0.5 }} />
        {dirty && <Chip size="small" color="warning" label="unsaved" data-testid="unsaved" />}
        <Divider orientation="vertical" flexItem sx={{ mx: 0.5 }} />
        {!readOnly && (
          <>
            <Button variant="contained" onClick={() => void save()} disabled={busy !== null}>
              {busy === 'save' ? 'Saving…' : 'Save'}
            </Button>
            <Button onClick={() => void validate()} disabled={busy !== null}>
              Validate
            </Button>
            <Button color="success" variant="outlined" onClick={() => void run()} disabled={busy !== null || (runStatus !== null && !kTerminal.has(runStatus))}>
              Run
            </Button>
            <Button onClick={() => setDialog('schedule')}>Schedule{doc.schedule?.enabled ? ` (${doc.schedule.cron})` : ''}</Button>
          </>
        )}
        <Button onClick={() => setDialog('run-settings')} data-testid="run-settings-button" title={runPolicySummary || 'Default run settings'}>
          Run settings{runPolicySummary ? ` (${runPolicySummary})` : ''}
        </Button>
        <Button onClick={() => setDialog('versions')} disabled={!doc.id}>
          Versions
        </Button>
        <Button onClick={exportJson}>Export</Button>
        {doc.id && <Button onClick={() => navigate({ name: 'runs', pipelineId: doc.id })}>Runs</Button>}
        {doc.id && <Button onClick={() => navigate({ name: 'notifications', pipelineId: doc.id })}>Notifications</Button>}
        <Divider orientation="vertical" flexItem sx={{ mx: 0.5 }} />
        {!readOnly && (
          <>
            <Tooltip title="Undo (Ctrl+Z)">
              <span>
                <IconButton aria-label="Undo" disabled={!canUndo} onClick={() => useEditorStore.getState().undo()}>
                  <UndoIcon fontSize="small" />
                </IconButton>
              </span>
            </Tooltip>
            <Tooltip title="Redo (Ctrl+Shift+Z)">
              <span>
                <IconButton aria-label="Redo" disabled={!canRedo} onClick={() => useEditorStore.getState().redo()}>
                  <RedoIcon fontSize="small" />
                </IconButton>
              </span>
            </Tooltip>
            <Tooltip title="Copy (Ctrl+C)">
              <span>
                <IconButton aria-label="Copy" disabled={!selection.length} onClick={() => useEditorStore.getState().copy()}>
                  <ContentCopyIcon fontSize="small" />
                </IconButton>
              </span>
            </Tooltip>
            <Tooltip title="Paste (Ctrl+V)">
              <IconButton aria-label="Paste" onClick={() => useEditorStore.getState().paste()}>
                <ContentPasteIcon fontSize="small" />
              </IconButton>
            </Tooltip>
            <Tooltip title="Delete (Del)">
              <span>
                <IconButton aria-label="Delete selected" disabled={!selection.length} onClick={() => useEditorStore.getState().deleteSelection()}>
                  <DeleteIcon fontSize="small" />
                </IconButton>
              </span>
            </Tooltip>
            {assistEnabled && (
              <Tooltip title="Describe a pipeline in words">
                <IconButton aria-label="Describe a pipeline in words" onClick={() => setDialog('assist')}>
                  <AutoAwesomeIcon fontSize="small" />
                </IconButton>
              </Tooltip>
            )}
            <Tooltip title="Auto-layout (Shift+L)">
              <IconButton aria-label="Auto-layout" onClick={layout}>
                <AccountTreeIcon fontSize="small" />
              </IconButton>
            </Tooltip>
          </>
        )}
        <Tooltip title="Fit view (Shift+1)">
          <IconButton aria-label="Fit view" onClick={() => void fitView({ duration: 200 })}>
            <FitScreenIcon fontSize="small" />
          </IconButton>
        </Tooltip>
        <Tooltip title="Keyboard shortcuts (?)">
          <IconButton aria-label="Keyboard shortcuts" onClick={() => setDialog('shortcuts')}>
            <KeyboardIcon fontSize="small" />
          </IconButton>
        </Tooltip>
        <Box sx={{ flexGrow: 1 }} />
        {runId && (
          <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }} data-testid="editor-run-status">
            <span style={{ fontSize: 12 }}>Last run:</span>
            <StatusChip status={runStatus} />
            <Button onClick={() => navigate({ name: 'run', id: runId })}>Open run</Button>
          </Box>
        )}
        {readOnly && <Chip label="Read-only" variant="outlined" />}
      </Box>
      {(error || globalIssues.length > 0) && (
        <Box sx={{ px: 1, pt: 1 }}>
          <ProblemAlert error={error} onClose={() => setError(null)} />
          {globalIssues.map((i, k) => (
            <div key={k} style={{ color: i.severity === 'error' ? '#c62828' : '#ef6c00', fontSize: 13 }}>
              {i.path}: {i.message}
            </div>
          ))}
        </Box>
      )}
      {modulesQuery.error ? <ProblemAlert error={modulesQuery.error} /> : null}
      <Box sx={{ flex: 1, minHeight: 0, display: 'flex' }}>
        {!readOnly && <Palette modules={modules} onAdd={addModule} />}
        <Box sx={{ flex: 1, minWidth: 0, display: 'flex', flexDirection: 'column' }}>
          <Box sx={{ flex: 1, minHeight: 0 }} data-testid="canvas">
            <PipelineCanvas modules={moduleIndex} errors={errors} readOnly={readOnly} highlighted={failedNode} onAddModule={addModule} onMessage={setMessage} />
          </Box>
          {previewNode && doc.nodes.some((n) => n.id === previewNode) && (
            <Box sx={{ height: '42%', minHeight: 200, borderTop: 1, borderColor: 'divider' }}>
              <PreviewPanel
                key={previewNode}
                pipeline={toServerJson(upstreamSubgraph(doc, previewNode))}
                nodeId={previewNode}
                nodeLabel={previewLabel}
                savedKey={savedPreviewKey}
                pipelineId={doc.id}
                onClose={() => setPreviewNode(null)}
                onApplySuggestion={readOnly ? undefined : applySuggestion}
              />
            </Box>
          )}
        </Box>
        {selectedId && (
          <NodeConfigPanel
            nodeId={selectedId}
            modules={moduleIndex}
            errors={errors.get(selectedId) ?? []}
            readOnly={readOnly}
            pipelineId={doc.id}
            savedPreviewKey={savedPreviewKey}
            onPreview={() => setPreviewNode(selectedId)}
            onAssistApplied={setPreviewNode}
          />
        )}
      </Box>
      <Snackbar open={!!message} autoHideDuration={4000} onClose={() => setMessage(null)} message={message ?? ''} />
      {applied && doc.nodes.some((n) => n.id === applied.after) && (
        <BeforeAfterDialog
          pipeline={toServerJson(upstreamSubgraph(doc, applied.after))}
          beforeNode={applied.before}
          afterNode={applied.after}
          title={applied.suggestion.title}
          columns={applied.suggestion.columns}
          onClose={() => setApplied(null)}
          onUndo={() => {
            useEditorStore.getState().undo();
            setPreviewNode(applied.before);
            setApplied(null);
          }}
        />
      )}
      <ScheduleDialog
        open={dialog === 'schedule'}
        schedule={doc.schedule}
        onClose={() => setDialog(null)}
        onApply={(schedule) => {
          useEditorStore.getState().apply({ kind: 'setSchedule', schedule });
          setDialog(null);
          setMessage('Schedule changed — save to apply it');
        }}
      />
      <VersionsDialog
        open={dialog === 'versions'}
        pipelineId={doc.id}
        readOnly={readOnly}
        onClose={() => setDialog(null)}
        onRestored={(stored) => {
          setDialog(null);
          try {
            const d = withExplicitPorts(parsePipelineDocument(stored), moduleIndex);
            useEditorStore.getState().load({ ...d, id: d.id || doc.id });
            setMessage(`Restored as version ${d.version}`);
          } catch (e) {
            setMessage(errorMessage(e));
          }
        }}
      />
      <ShortcutsDialog open={dialog === 'shortcuts'} onClose={() => setDialog(null)} />
      {assistEnabled && !readOnly && (
        <AssistPipelineDialog
          open={dialog === 'assist'}
          onClose={() => setDialog(null)}
          onApply={(raw) => {
            const current = useEditorStore.getState().doc;
            try {
              const proposed = withExplicitPorts(parsePipelineDocument(raw), moduleIndex);
              useEditorStore.getState().apply({ kind: 'replace', doc: proposedDocument(proposed, raw, current) });
              setMessage('Proposed pipeline applied — save to keep it, undo to go back');
              window.setTimeout(() => void fitView({ padding: 0.2, maxZoom: 1 }), 50);
            } catch (e) {
              setMessage(errorMessage(e));
            }
          }}
        />
      )}
      <RunSettingsDialog
        open={dialog === 'run-settings'}
        policy={runPolicy}
        readOnly={readOnly}
        onClose={() => setDialog(null)}
        onApply={(policy) => {
          const current = useEditorStore.getState().doc;
          setDialog(null);
          // Applying the same settings again must not mark the document unsaved.
          if (JSON.stringify(runPolicyOf(current)) === JSON.stringify(runPolicyOf(policy))) return;
          useEditorStore.getState().apply({ kind: 'replace', doc: withRunPolicy(current, policy) });
          setMessage('Run settings changed — save to apply them');
        }}
      />
      <RunParametersDialog
        open={dialog === 'params'}
        parameters={doc.parameters}
        onClose={() => setDialog(null)}
        onRun={(values) => {
          setDialog(null);
          void run(values);
        }}
      />
    </Box>
  );
}

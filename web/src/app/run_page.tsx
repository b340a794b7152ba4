// One run: the DAG coloured by node status, per-node progress, live logs over the WebSocket,
// rows and durations per node as charts, the error with the failing node highlighted, and
// retry / cancel.
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { ReactFlow, ReactFlowProvider, Background, Controls } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Modules, Pipelines, Runs } from '../api/endpoints';
import { subscribe } from '../api/run_socket';
import { kFinalRunStatuses, type LogEntry, type NodeMetrics, type Run } from '../api/types';
import { useCanEdit } from '../store/auth_store';
import { indexModules, type ModuleDescriptor } from '../model/modules';
import { parsePipelineDocument, type PipelineDocument } from '../model/pipeline_document';
import { withExplicitPorts } from '../model/graph';
import { autoLayout } from '../model/layout';
import { FlowNodeCache, toFlowEdges } from '../canvas/nodes/to_flow';
import { nodeTypes } from '../canvas/nodes/node_types';
import { parseQualityReport, QualityReportPanel } from './quality_report_panel';
import { ProblemAlert } from '../components/problem_alert';
import { StatusChip } from '../components/status_chip';
import { formatCount, formatDuration, formatTime } from '../components/format';
import { kStatusColors } from './theme';
import { navigate } from './router';
import { layoutRunTimeline, retryNotice } from './run_timeline';
import { AttemptsTable, RunTimelineView } from './run_timeline_view';
import { AnomalyPanel } from './anomaly_panel';
import { SchemaDriftPanel } from './schema_drift_panel';

const kTerminal = kFinalRunStatuses;
const kNoModules: ModuleDescriptor[] = [];
const kNoErrors = new Map<string, string[]>();

function RunDag({ doc, metrics, failed }: { doc: PipelineDocument; metrics: Record<string, NodeMetrics>; failed: string | null }) {
  const modules = useQuery({ queryKey: ['modules'], queryFn: Modules.list, staleTime: 5 * 60_000 });
  const index = useMemo(() => indexModules(modules.data ?? kNoModules), [modules.data]);
  const cache = useRef(new FlowNodeCache());
  const laidOut = useMemo(() => {
    // Documents written by hand may have every node at (0, 0): lay those out.
    const overlapping = new Set(doc.nodes.map((n) => `${n.position.x},${n.position.y}`)).size < doc.nodes.length;
    if (!overlapping) return doc;
    const pos = autoLayout(doc);
    return { ...doc, nodes: doc.nodes.map((n) => ({ ...n, position: pos[n.id] ?? n.position })) };
  }, [doc]);
  const nodes = useMemo(() => cache.current.build(laidOut, index, new Set(), kNoErrors, metrics, failed), [laidOut, index, metrics, failed]);
  const edges = useMemo(() => toFlowEdges(laidOut, metrics), [laidOut, metrics]);
  return (
    <ReactFlow
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      nodesDraggable={false}
      nodesConnectable={false}
      elementsSelectable={false}
      fitView
      proOptions={{ hideAttribution: true }}
      aria-label="Run graph"
      onNodesChange={(changes) => {
        for (const c of changes) if (c.type === 'dimensions' && c.dimensions) cache.current.setMeasured(c.id, c.dimensions);
      }}
    >
      <Background gap={16} />
      <Controls showInteractive={false} />
    </ReactFlow>
  );
}

function progressOf(m: NodeMetrics | undefined, runStatus: string): { value?: number; variant: 'determinate' | 'indeterminate' } {
  const s = m?.status ?? (kTerminal.has(runStatus) ? runStatus : 'queued');
  if (s === 'running') return { variant: 'indeterminate' };
  if (s === 'succeeded' || s === 'failed' || s === 'cancelled') return { variant: 'determinate', value: 100 };
  return { variant: 'determinate', value: 0 };
}

export function RunPage({ runId }: { runId: string }) {
  const qc = useQueryClient();
  const canEdit = useCanEdit();
  const run = useQuery({ queryKey: ['run', runId], queryFn: () => Runs.get(runId) });
  const status = run.data?.status ?? 'queued';
  const live = !kTerminal.has(status);
  const nodesQuery = useQuery({
    queryKey: ['run-nodes', runId],
    queryFn: () => Runs.nodes(runId),
    refetchInterval: live ? 2000 : false,
  });
  const docQuery = useQuery({
    queryKey: ['pipeline-version', run.data?.pipeline_id, run.data?.pipeline_version],
    queryFn: async () => {
      const r = run.data!;
      const raw = r.pipeline_version ? await Pipelines.version(r.pipeline_id, r.pipeline_version).catch(() => Pipelines.get(r.pipeline_id)) : await Pipelines.get(r.pipeline_id);
      return parsePipelineDocument(raw);
    },
    enabled: !!run.data?.pipeline_id,
    staleTime: Infinity,
  });
  const [liveMetrics, setLiveMetrics] = useState<Record<string, NodeMetrics>>({});
  const [logs, setLogs] = useState<LogEntry[]>([]);
  const [levelFilter, setLevelFilter] = useState('');
  const [actionError, setActionError] = useState<unknown>(null);
  const logBox = useRef<HTMLDivElement>(null);
  // The clock of the live parts (running bars, the retry countdown); ticks only while live.
  const [now, setNow] = useState(() => Date.now());
  const seenSeq = useRef(new Set<number>());

  const addLogs = (entries: LogEntry[]) => {
    const fresh = entries.filter((e) => !seenSeq.current.has(e.seq));
    if (!fresh.length) return;
    for (const e of fresh) seenSeq.current.add(e.seq);
    setLogs((prev) => [...prev, ...fresh].sort((a, b) => a.seq - b.seq).slice(-5000));
  };

  // History first, then live events; the seq numbers de-duplicate the overlap.
  useEffect(() => {
    let cancelled = false;
    const loadAll = async () => {
      let after: number | undefined;
      for (let i = 0; i < 20 && !cancelled; i += 1) {
        const page = await Runs.logs(runId, after, 1000);
        addLogs(page.items ?? []);
        if (!page.next || !(page.items ?? []).length) break;
        after = page.next;
      }
    };
    loadAll().catch(() => undefined);
    const unsubscribe = subscribe(`run:${runId}`, (m) => {
      if (m.type === 'log' && (m as { run_id: string }).run_id === runId) addLogs([(m as { entry: LogEntry }).entry]);
      else if (m.type === 'node.progress' && (m as { run_id: string }).run_id === runId) {
        const nodes = (m as { nodes: Record<string, NodeMetrics> }).nodes;
        setLiveMetrics((prev) => {
          const next = { ...prev };
          for (const [id, v] of Object.entries(nodes)) next[id] = { ...prev[id], ...v };
          return next;
        });
      } else if (m.type === 'run.status') {
        const r = (m as { run: Run }).run;
        if (r.id === runId) {
          qc.setQueryData(['run', runId], (old: Run | undefined) => ({ ...old, ...r }));
          if (kTerminal.has(r.status)) {
            void qc.invalidateQueries({ queryKey: ['run-nodes', runId] });
            void Runs.logs(runId, undefined, 1000).then((p) => addLogs(p.items ?? [])).catch(() => undefined);
          }
        }
      }
    });
    return () => {
      cancelled = true;
      unsubscribe();
    };
  }, [runId, qc]);

  // Poll the run itself while it is live (covers a missed WebSocket event).
  useEffect(() => {
    if (!live) return;
    const t = setInterval(() => void qc.invalidateQueries({ queryKey: ['run', runId] }), 2000);
    return () => clearInterval(t);
  }, [live, runId, qc]);

  useEffect(() => {
    if (!live) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [live]);

  useEffect(() => {
    const el = logBox.current;
    if (el && el.scrollHeight - el.scrollTop - el.clientHeight < 80) el.scrollTop = el.scrollHeight;
  }, [logs]);

  const metrics = useMemo(() => {
    const out: Record<string, NodeMetrics> = { ...(run.data?.nodes ?? {}) };
    for (const [id, m] of Object.entries(liveMetrics)) out[id] = { ...out[id], ...m };
    for (const m of nodesQuery.data ?? []) if (m.node_id) out[m.node_id] = { ...out[m.node_id], ...m };
    return out;
  }, [run.data?.nodes, liveMetrics, nodesQuery.data]);

  const doc = useMemo(() => (docQuery.data ? withExplicitPorts(docQuery.data, new Map()) : null), [docQuery.data]);
  const failedNode = run.data?.failed_node || (Object.entries(metrics).find(([, m]) => m.status === 'failed')?.[0] ?? null);
  const order = doc?.nodes.map((n) => n.id) ?? Object.keys(metrics);
  const chartData = order.map((id) => ({
    id,
    name: doc?.nodes.find((n) => n.id === id)?.name || id,
    rows: metrics[id]?.rows_out ?? 0,
    ms: Math.round((metrics[id]?.wall_seconds ?? 0) * 1e5) / 100,
    status: metrics[id]?.status ?? '',
  }));

  const timeline = useMemo(
    () => (run.data ? layoutRunTimeline(run.data, chartData.map((d) => ({ id: d.id, name: d.name })), metrics, now) : null),
    // chartData is rebuilt every render; the node list it carries changes with doc and metrics.
    [run.data, doc, metrics, now],
  );

  const act = async (what: 'cancel' | 'retry') => {
    setActionError(null);
    try {
      const r = what === 'cancel' ? await Runs.cancel(runId) : await Runs.retry(runId);
      if (what === 'retry' && r?.id && r.id !== runId) navigate({ name: 'run', id: r.id });
      else void qc.invalidateQueries({ queryKey: ['run', runId] });
    } catch (e) {
      setActionError(e);
    }
  };

  if (run.error) {
    return (
      <Box sx={{ p: 3 }}>
        <ProblemAlert error={run.error} />
      </Box>
    );
  }
  if (!run.data) return <LinearProgress aria-label="Loading run" />;
  const r = run.data;
  const shownLogs = levelFilter ? logs.filter((l) => l.level === levelFilter) : logs;
  // transform.validate nodes log their quality report as one JSON line.
  const qualityReports = logs.flatMap((l) => {
    const report = parseQualityReport(l.message);
    return report ? [{ nodeId: l.node_id ?? '', report }] : [];
  });

  return (
    <Box sx={{ p: 2, display: 'flex', flexDirection: 'column', gap: 2 }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1.5, flexWrap: 'wrap' }}>
        <Typography variant="h5" component="h1" sx={{ fontWeight: 600 }}>
          Run <span style={{ fontFamily: 'monospace', fontSize: '0.8em' }}>{r.id.slice(0, 12)}</span>
        </Typography>
        <span data-testid="run-status">
          <StatusChip status={r.status} />
        </span>
        <Button onClick={() => navigate({ name: 'editor', id: r.pipeline_id })}>{docQuery.data?.name ?? 'Pipeline'} (v{r.pipeline_version ?? '?'})</Button>
        <Typography variant="body2" sx={{ color: 'text.secondary' }}>
          {r.trigger ? `${r.trigger} · ` : ''}started {formatTime(r.started_at)}
          {r.finished_at ? ` · finished ${formatTime(r.finished_at)}` : ''}
        </Typography>
        {r.max_attempts !== undefined && (
          <Typography variant="body2" data-testid="run-attempt" sx={{ color: 'text.secondary' }}>
            · {r.status === 'retrying' ? 'next attempt' : 'attempt'} {r.attempt ?? 1} of {r.max_attempts}
            {r.priority ? ` · priority ${r.priority}` : ''}
            {r.worker ? ` · worker ${r.worker}` : ''}
          </Typography>
        )}
        <Box sx={{ flexGrow: 1 }} />
        {canEdit && live && (
          <Button color="error" variant="outlined" onClick={() => void act('cancel')}>
            Cancel run
          </Button>
        )}
        {canEdit && !live && (
          <Button variant="outlined" onClick={() => void act('retry')}>
            Retry
          </Button>
        )}
      </Box>
      {live && <LinearProgress aria-label="Run in progress" />}
      {retryNotice(r, now) && (
        <Alert severity="warning" data-testid="retry-notice">
          {retryNotice(r, now)}
          {r.error ? <div style={{ whiteSpace: 'pre-wrap', fontFamily: 'monospace', fontSize: 12 }}>{r.error}</div> : null}
        </Alert>
      )}
      <ProblemAlert error={actionError} />
      {r.error && r.status !== 'retrying' && (
        <Alert severity={r.status === 'skipped' || r.status === 'cancelled' ? 'info' : 'error'} data-testid="run-error">
          <AlertTitle>
            {failedNode
              ? `Node "${doc?.nodes.find((n) => n.id === failedNode)?.name || failedNode}" failed`
              : ({ skipped: 'Run skipped', cancelled: 'Run cancelled', timed_out: 'Run timed out' } as Record<string, string>)[r.status] ?? 'Run failed'}
          </AlertTitle>
          <span style={{ whiteSpace: 'pre-wrap', fontFamily: 'monospace' }}>{r.error}</span>
        </Alert>
      )}
      <SchemaDriftPanel drift={r.schema_drift} failed={r.status === 'failed' && !!r.error?.includes('schema drift')} />
      <AnomalyPanel report={r.anomalies} failed={r.status === 'failed' && !!r.error?.includes('anomalies: fail')} />
      <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', lg: '3fr 2fr' }, gap: 2 }}>
        <Paper variant="outlined" sx={{ height: 380 }}>
          {doc ? (
            <ReactFlowProvider>
              <RunDag doc={doc} metrics={metrics} failed={failedNode} />
            </ReactFlowProvider>
          ) : (
            <Box sx={{ p: 2 }}>{docQuery.error ? <ProblemAlert error={docQuery.error} /> : 'Loading graph…'}</Box>
          )}
        </Paper>
        <Paper variant="outlined" sx={{ overflow: 'auto', maxHeight: 380 }}>
          <Table size="small" aria-label="Node progress">
            <TableHead>
              <TableRow>
                <TableCell>Node</TableCell>
                <TableCell sx={{ width: 120 }}>Progress</TableCell>
                <TableCell align="right">Rows in</TableCell>
                <TableCell align="right">Rows out</TableCell>
                <TableCell align="right">Time</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {chartData.map((d) => {
                const m = metrics[d.id];
                const p = progressOf(m, r.status);
                return (
                  <TableRow key={d.id} data-testid={`run-node-${d.id}`} sx={d.id === failedNode ? { bgcolor: '#ffebee' } : undefined}>
                    <TableCell>
                      <div style={{ fontWeight: 600 }}>{d.name}</div>
                      <div style={{ fontSize: 11, color: kStatusColors[m?.status ?? ''] ?? '#888' }}>{m?.status ?? 'pending'}</div>
                      {m?.error && <div style={{ fontSize: 11, color: '#c62828' }}>{m.error}</div>}
                    </TableCell>
                    <TableCell>
                      <LinearProgress
                        variant={p.variant}
                        value={p.value}
                        aria-label={`Progress of ${d.name}`}
                        sx={{ height: 8, borderRadius: 4, '& .MuiLinearProgress-bar': { bgcolor: kStatusColors[m?.status ?? ''] ?? undefined } }}
                      />
                    </TableCell>
                    <TableCell align="right">{formatCount(m?.rows_in)}</TableCell>
                    <TableCell align="right">{formatCount(m?.rows_out)}</TableCell>
                    <TableCell align="right">{m?.status && m.status !== 'pending' && m.status !== 'queued' ? formatDuration(m.wall_seconds) : '–'}</TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </Paper>
      </Box>
      <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', lg: '1fr 1fr' }, gap: 2 }}>
        <Paper variant="outlined" sx={{ p: 1.5, overflow: 'auto' }}>
          <Typography variant="subtitle2" component="h2">
            Attempts
          </Typography>
          <AttemptsTable run={r} now={now} />
        </Paper>
        <Paper variant="outlined" sx={{ p: 1.5 }}>
          <Typography variant="subtitle2" component="h2" sx={{ mb: 1 }}>
            Timeline
          </Typography>
          {timeline && <RunTimelineView timeline={timeline} />}
        </Paper>
      </Box>
      <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: '1fr 1fr' }, gap: 2 }}>
        <Paper variant="outlined" sx={{ p: 1.5 }}>
          <Typography variant="subtitle2" component="h2">
            Rows out per node
          </Typography>
          <Box sx={{ height: 200 }} role="img" aria-label="Rows out per node chart">
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={chartData} margin={{ top: 8, right: 8, bottom: 8, left: 8 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="name" tick={{ fontSize: 11 }} interval={0} />
                <YAxis tick={{ fontSize: 11 }} tickFormatter={(v: number) => formatCount(v)} />
                <Tooltip formatter={(v) => [Number(v).toLocaleString('en-US'), 'rows']} />
                <Bar dataKey="rows" isAnimationActive={false}>
                  {chartData.map((d) => (
                    <Cell key={d.id} fill={d.id === failedNode ? kStatusColors.failed : '#5c8fd6'} />
                  ))}
                </Bar>
              </BarChart>
            </ResponsiveContainer>
          </Box>
        </Paper>
        <Paper variant="outlined" sx={{ p: 1.5 }}>
          <Typography variant="subtitle2" component="h2">
            Wall time per node (ms)
          </Typography>
          <Box sx={{ height: 200 }} role="img" aria-label="Duration per node chart">
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={chartData} margin={{ top: 8, right: 8, bottom: 8, left: 8 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="name" tick={{ fontSize: 11 }} interval={0} />
                <YAxis tick={{ fontSize: 11 }} />
                <Tooltip formatter={(v) => [formatDuration(Number(v) / 1000), 'time']} />
                <Bar dataKey="ms" isAnimationActive={false}>
                  {chartData.map((d) => (
                    <Cell key={d.id} fill={d.id === failedNode ? kStatusColors.failed : '#8e6cc9'} />
                  ))}
                </Bar>
              </BarChart>
            </ResponsiveContainer>
          </Box>
        </Paper>
      </Box>
      {qualityReports.length > 0 && <QualityReportPanel reports={qualityReports} />}
      <Paper variant="outlined" sx={{ p: 1.5 }}>
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, mb: 1 }}>
          <Typography variant="subtitle2" component="h2" sx={{ flexGrow: 1 }}>
            Logs {live && <span style={{ color: '#1e88e5' }}>· live</span>}
          </Typography>
          <TextField select label="Level" value={levelFilter} onChange={(e) => setLevelFilter(e.target.value)} sx={{ width: 140 }}>
            {['', 'debug', 'info', 'warn', 'warning', 'error'].map((l) => (
              <MenuItem key={l} value={l}>
                {l || 'All levels'}
              </MenuItem>
            ))}
          </TextField>
        </Box>
        <Box
          ref={logBox}
          role="log"
          aria-label="Run logs"
          aria-live="polite"
          data-testid="run-logs"
          sx={{ fontFamily: 'monospace', fontSize: 12, bgcolor: '#10161d', color: '#d8dee9', p: 1, borderRadius: 1, height: 240, overflow: 'auto' }}
        >
          {shownLogs.map((l) => (
            <div key={l.seq} style={{ whiteSpace: 'pre-wrap', color: l.level === 'error' ? '#ff8a80' : l.level.startsWith('warn') ? '#ffd180' : undefined }}>
              <span style={{ color: '#7b8794' }}>{l.ts?.slice(11, 23)}</span> {l.level.toUpperCase().padEnd(5)} {l.node_id ? `[${l.node_id}] ` : ''}
              {l.message}
            </div>
          ))}
          {!shownLogs.length && <div style={{ color: '#7b8794' }}>No log lines yet.</div>}
        </Box>
      </Paper>
    </Box>
  );
}

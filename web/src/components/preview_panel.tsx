// Data preview of one node: rows paged from the server into a virtualised table, per-column
// statistics (type, nulls, distinct, min/max, histogram) and CSV/JSON export of loaded rows.
// For a stored pipeline with no unsaved changes the server keeps each first page: the panel opens
// the newest saved preview of the node (same version) at once, marked "saved preview" with its
// time, and Refresh computes (and saves) a fresh one. The Profile tab shows the node's full
// profile (ProfilePanel) instead of the rows.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import IconButton from '@mui/material/IconButton';
import LinearProgress from '@mui/material/LinearProgress';
import Typography from '@mui/material/Typography';
import CloseIcon from '@mui/icons-material/Close';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Preview } from '../api/endpoints';
import { useQueryClient } from '@tanstack/react-query';
import type { ColumnProfile, PreviewColumn, ProfileSuggestion, SavedPreview, SavedPreviewSummary } from '../api/types';
import { pagesFor } from '../model/virtual_window';
import { rowsToCsv, rowsToJson } from '../model/table_export';
import { ProblemAlert } from './problem_alert';
import { VirtualTable } from './virtual_table';
import { MiniHistogram } from './mini_histogram';
import { ProfilePanel } from './profile_panel';
import { downloadText, formatAgo, formatCount, formatTime } from './format';

export const kPreviewPageSize = 200;

interface PreviewState {
  schema: PreviewColumn[];
  profiles: ColumnProfile[];
  pages: Map<number, unknown[][]>;
  exhausted: boolean;
  known: number; // rows known to exist
  firstMs?: number; // time to first page, for the scale tests
  saved?: SavedPreviewSummary; // set while showing a saved preview
}

// Which stored pipeline (and version) the preview belongs to, when the editor has no unsaved
// changes: only then are results saved and reused.
export interface SavedPreviewKey {
  pipelineId: string;
  version: number;
}

// The newest saved preview of a node with its rows, or null; cached briefly so the editor can
// fetch it when a node is selected and the preview opens at once.
export function savedPreviewQuery(key: SavedPreviewKey, nodeId: string) {
  return {
    queryKey: ['saved-preview', key.pipelineId, nodeId, key.version],
    queryFn: async (): Promise<SavedPreview | null> => {
      const found = pickSavedPreview(await Preview.saved(key.pipelineId, nodeId), nodeId, key.version);
      return found ? Preview.savedResult(found.id) : null;
    },
    staleTime: 60_000,
    retry: false,
  };
}

// The newest saved preview of the node made from this version of the pipeline, if any.
export function pickSavedPreview(items: SavedPreviewSummary[], nodeId: string, version: number): SavedPreviewSummary | undefined {
  return items
    .filter((p) => p.node_id === nodeId && p.pipeline_version === version)
    .sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0))[0];
}

function fmtValue(v: unknown): string {
  if (v === null || v === undefined) return '–';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return s.length > 18 ? `${s.slice(0, 17)}…` : s;
}

export function PreviewPanel({
  pipeline,
  nodeId,
  nodeLabel,
  savedKey,
  pipelineId,
  onClose,
  onApplySuggestion,
}: {
  pipeline: unknown;
  nodeId: string;
  nodeLabel: string;
  savedKey?: SavedPreviewKey;
  pipelineId?: string; // the stored pipeline, for the Profile tab
  onClose: () => void;
  onApplySuggestion?: (profiledNode: string, s: ProfileSuggestion) => void; // the Profile tab's Apply
}) {
  const [state, setState] = useState<PreviewState | null>(null);
  const [view, setView] = useState<'rows' | 'profile'>('rows');
  const [error, setError] = useState<unknown>(null);
  const inflight = useRef(new Set<number>());
  const generation = useRef(0);
  const pipelineRef = useRef(pipeline);
  pipelineRef.current = pipeline;
  const queryClient = useQueryClient();
  const savedKeyRef = useRef(savedKey);
  savedKeyRef.current = savedKey;

  const fetchPage = useCallback(
    async (page: number, gen: number) => {
      if (inflight.current.has(page)) return;
      inflight.current.add(page);
      const t0 = performance.now();
      try {
        // Only the first page is worth keeping for reopening.
        const keep = page === 0 ? savedKeyRef.current?.pipelineId : undefined;
        const r = await Preview.fetch(pipelineRef.current, nodeId, page * kPreviewPageSize, kPreviewPageSize, keep);
        // A newly saved preview replaces the cached one for the next opening.
        if (keep && r.preview_id) void queryClient.invalidateQueries({ queryKey: ['saved-preview', keep, nodeId] });
        if (gen !== generation.current) return;
        setState((prev) => {
          const pages = new Map(prev?.pages ?? []);
          pages.set(page, r.rows);
          const end = page * kPreviewPageSize + r.rows.length;
          const exhausted = r.exhausted || r.rows.length < kPreviewPageSize;
          return {
            schema: r.schema?.length ? r.schema : (prev?.schema ?? []),
            profiles: r.profiles?.length ? r.profiles : (prev?.profiles ?? []),
            pages,
            exhausted: exhausted || (prev?.exhausted ?? false),
            known: Math.max(prev?.known ?? 0, end),
            firstMs: prev?.firstMs ?? Math.round(performance.now() - t0),
            saved: prev?.saved,
          };
        });
      } catch (e) {
        if (gen === generation.current) setError(e);
      } finally {
        inflight.current.delete(page);
      }
    },
    [nodeId, queryClient],
  );

  const reload = useCallback(() => {
    generation.current += 1;
    inflight.current.clear();
    setState(null);
    setError(null);
    void fetchPage(0, generation.current);
  }, [fetchPage]);

  // Opening: the saved preview when there is one, else a fresh preview.
  useEffect(() => {
    const gen = ++generation.current;
    const key = savedKeyRef.current;
    if (!key) {
      void fetchPage(0, gen);
      return;
    }
    void (async () => {
      try {
        const full = await queryClient.fetchQuery(savedPreviewQuery(key, nodeId));
        if (gen !== generation.current) return;
        if (full) {
          const r = full.result;
          setState({
            schema: r.schema ?? [],
            profiles: r.profiles ?? [],
            pages: new Map([[0, r.rows ?? []]]),
            // A truncated result holds fewer rows than a page: further pages come on Refresh.
            exhausted: r.exhausted || full.truncated || (r.rows?.length ?? 0) < kPreviewPageSize,
            known: r.rows?.length ?? 0,
            saved: full,
          });
          return;
        }
      } catch {
        // No saved preview to show (e.g. it was just pruned): compute a fresh one.
      }
      if (gen === generation.current) void fetchPage(0, gen);
    })();
  }, [fetchPage, nodeId, queryClient]);

  // Rows shown: everything known, plus one page of placeholders while more may exist.
  const rowCount = state ? state.known + (state.exhausted ? 0 : kPreviewPageSize) : 0;
  const getRow = useCallback(
    (i: number) => state?.pages.get(Math.floor(i / kPreviewPageSize))?.[i % kPreviewPageSize],
    [state],
  );
  const onNeedRows = useCallback(
    (first: number, last: number) => {
      if (!state) return;
      for (const p of pagesFor({ first, last }, kPreviewPageSize)) {
        if (!state.pages.has(p) && !(state.exhausted && p * kPreviewPageSize >= state.known)) void fetchPage(p, generation.current);
      }
    },
    [state, fetchPage],
  );

  const loadedRows = (): unknown[][] => {
    if (!state) return [];
    return [...state.pages.entries()].sort(([a], [b]) => a - b).flatMap(([, rows]) => rows);
  };
  const base = nodeLabel.replace(/[^\w.-]+/g, '_') || nodeId;
  const profiles = new Map((state?.profiles ?? []).map((p) => [p.name, p]));

  return (
    <Box component="section" aria-label={`Preview of ${nodeLabel}`} sx={{ display: 'flex', flexDirection: 'column', height: '100%', bgcolor: '#fff' }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, px: 1, py: 0.5, borderBottom: 1, borderColor: 'divider' }}>
        <Typography variant="subtitle2" component="h2" sx={{ flexGrow: 1 }}>
          Preview · {nodeLabel}{' '}
          <span style={{ color: '#777', fontWeight: 400 }} data-testid="preview-count">
            {state ? `${formatCount(state.known)}${state.exhausted ? '' : '+'} rows loaded${state.firstMs !== undefined ? ` · first page in ${state.firstMs} ms` : ''}` : ''}
          </span>{' '}
          {state?.saved && (
            <span data-testid="saved-preview" title={formatTime(state.saved.created_at)} style={{ color: '#8a5a00', fontWeight: 400 }}>
              · saved preview · {formatAgo(state.saved.created_at)} ({formatTime(state.saved.created_at)}){state.saved.truncated ? ' · truncated' : ''}
            </span>
          )}
        </Typography>
        <Button variant={view === 'rows' ? 'outlined' : 'text'} onClick={() => setView('rows')} aria-pressed={view === 'rows'}>
          Rows
        </Button>
        <Button variant={view === 'profile' ? 'outlined' : 'text'} onClick={() => setView('profile')} aria-pressed={view === 'profile'}>
          Profile
        </Button>
        <Button onClick={reload}>Refresh</Button>
        <Button disabled={!state} onClick={() => state && downloadText(`${base}.csv`, rowsToCsv(state.schema, loadedRows()), 'text/csv')}>
          Export CSV
        </Button>
        <Button disabled={!state} onClick={() => state && downloadText(`${base}.json`, rowsToJson(state.schema, loadedRows()))}>
          Export JSON
        </Button>
        <IconButton aria-label="Close preview" onClick={onClose}>
          <CloseIcon fontSize="small" />
        </IconButton>
      </Box>
      {view === 'profile' && (
        <Box sx={{ flex: 1, minHeight: 0 }}>
          {/* Unsaved edits are profiled as edited; a saved, unchanged pipeline as stored. */}
          <ProfilePanel
            pipelineId={pipelineId}
            nodeId={nodeId}
            unsavedPipeline={savedKey ? undefined : pipeline}
            onApplySuggestion={onApplySuggestion}
          />
        </Box>
      )}
      <Box sx={{ display: view === 'rows' ? 'contents' : 'none' }}>
        {!state && !error && <LinearProgress aria-label="Loading preview" />}
        {error ? (
          <Box sx={{ p: 1 }}>
            <ProblemAlert error={error} />
          </Box>
        ) : null}
        {state && (
          <Box sx={{ flex: 1, minHeight: 0, p: 0.5 }}>
            <VirtualTable
              label={`Rows of ${nodeLabel}`}
              columns={state.schema}
              rowCount={rowCount}
              getRow={getRow}
              onNeedRows={onNeedRows}
              height="100%"
              header={(j) => {
                const p = profiles.get(state.schema[j]?.name);
                if (!p) return null;
                return (
                  <div style={{ fontSize: 10.5, color: '#555', marginTop: 2 }} data-testid="column-stats">
                    <div>
                      nulls {formatCount(p.nulls)} · distinct {formatCount(p.distinct_estimate)}
                    </div>
                    <div style={{ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }} title={`min ${fmtValue(p.min)} · max ${fmtValue(p.max)}`}>
                      {fmtValue(p.min)} … {fmtValue(p.max)}
                    </div>
                    {p.histogram?.counts?.length ? <MiniHistogram counts={p.histogram.counts} labels={p.histogram.labels} width={140} height={22} /> : null}
                  </div>
                );
              }}
            />
          </Box>
        )}
      </Box>
    </Box>
  );
}

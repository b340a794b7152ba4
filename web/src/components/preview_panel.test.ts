import { describe, expect, it } from 'vitest';
import type { SavedPreviewSummary } from '../api/types';
import { pickSavedPreview } from './preview_panel';

const at = (id: string, node_id: string, pipeline_version: number, created_at: string): SavedPreviewSummary => ({
  id,
  pipeline_id: 'p',
  node_id,
  pipeline_version,
  row_count: 10,
  truncated: false,
  created_at,
});

describe('pickSavedPreview', () => {
  const items = [
    at('old', 'filter_1', 2, '2026-11-21T10:00:00Z'),
    at('new', 'filter_1', 2, '2026-11-21T11:00:00Z'),
    at('other-node', 'csv_1', 2, '2026-11-21T12:00:00Z'),
    at('older-version', 'filter_1', 1, '2026-11-21T13:00:00Z'),
  ];
  it.each<[string, number, string | undefined]>([
    ['filter_1', 2, 'new'],
    ['filter_1', 1, 'older-version'],
    ['csv_1', 2, 'other-node'],
    ['filter_1', 3, undefined],
    ['missing', 2, undefined],
  ])('node %s version %i → %s', (node, version, id) => {
    expect(pickSavedPreview(items, node, version)?.id).toBe(id);
  });
});

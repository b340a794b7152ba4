// Golden test across the editor and the engine: a pipeline built with the editor's model is
// exported exactly as test/data/pipelines/editor_export.json, and the C++ integration test
// (test/integration/documents/editor_export_test.cc) runs that file with `logidata run`. Changing
// the export format therefore fails here first; refresh the file with UPDATE_GOLDEN=1 and the
// engine test proves the new file still runs.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePipelineDocument, toExportJson } from './pipeline_document';

const golden = resolve(__dirname, '../../../test/data/pipelines/editor_export.json');

describe('editor export golden', () => {
  it('exports the document the engine runs', () => {
    // As the editor holds it after the user drew it (design-document spellings pasted in).
    const doc = parsePipelineDocument({
      id: 'editor-export',
      name: 'Customers from the editor',
      version: '2.1.0',
      parameters: { out_dir: { type: 'string', default: 'out' } },
      nodes: [
        { id: 'src', type: 'extractor', module: 'csv', config: { path: 'customers.csv' }, position: { x: 0, y: 0 } },
        {
          id: 'clean',
          type: 'transformer',
          module: 'cleaner',
          config: { remove_duplicates: true, columns: ['email', 'phone'] },
          position: { x: 200, y: 0 },
        },
        { id: 'out', type: 'loader', module: 'csv', config: { path: '${out_dir}/customers.csv' }, position: { x: 400, y: 0 } },
        {
          id: 'audit',
          type: 'loader',
          module: 'csv',
          config: { path: '${out_dir}/audit.csv' },
          position: { x: 400, y: 200 },
          disabled: true,
        },
      ],
      edges: [
        { source: 'src', target: 'clean' },
        { source: 'clean', target: 'out' },
        { source: 'src', target: 'audit' },
      ],
      schedule: '0 2 * * *',
      notifications: { on_failure: ['oncall@example.com'], on_success: [] },
    });
    const exported = toExportJson(doc) + '\n';
    if (process.env.UPDATE_GOLDEN) writeFileSync(golden, exported);
    expect(exported).toBe(readFileSync(golden, 'utf8'));
    const parsed = JSON.parse(exported);
    expect(parsed.format_version).toBe(2);
    expect(parsed.release).toBe('2.1.0');
    expect(parsed.nodes[3].disabled).toBe(true);
    expect(parsed.nodes[1].config).toEqual({ dedupe: { keys: ['email', 'phone'] } });
    expect(parsed.notifications).toEqual([{ on: ['failure'], channel: 'email', to: ['oncall@example.com'] }]);
  });
});

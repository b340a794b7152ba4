// The demo pipelines, set up as ./scripts/run sets them up (their data copied into the admin's
// organization folder, the documents imported as written), validate in the editor with no error:
// the editor resolves relative paths in the organization's sandbox exactly as runs do.
import { cpSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertEqual, test } from './harness.mjs';

test('demo pipelines validate in the editor and run', async (ctx) => {
  const examples = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples');
  const home = join(ctx.server.dataDir, 'files', ctx.api.org);
  mkdirSync(home, { recursive: true });
  cpSync(join(examples, 'data'), join(home, 'data'), { recursive: true });

  const page = await ctx.newPage('demo');
  await ctx.signIn(page, ctx.admin.email, ctx.admin.password);
  const demos = readdirSync(examples).filter((f) => f.endsWith('.json'));
  for (const file of demos) {
    const doc = JSON.parse(readFileSync(join(examples, file), 'utf8'));
    const created = await ctx.api.call('POST', '/api/v1/pipelines/import', doc);
    await page.goto(`${ctx.base}/#/pipelines/${created.id}`);
    await page.getByRole('button', { name: 'Validate', exact: true }).click();
    await page.getByText('Pipeline is valid').waitFor({ timeout: 10_000 });
    assertEqual(await page.locator('[data-testid="node-error"]').count(), 0, `${file}: nodes with errors`);
    // And the same document runs on the server from the same folder.
    const run = await ctx.api.call('POST', `/api/v1/pipelines/${created.id}/runs`, {});
    let status = run.status;
    for (let i = 0; i < 200 && (status === 'queued' || status === 'running'); i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await ctx.api.call('GET', `/api/v1/runs/${run.id}`)).status;
    }
    assertEqual(status, 'succeeded', `${file}: run status`);
  }
});

test('files page: upload into the organization folder, then a pipeline reads it', async (ctx) => {
  const page = await ctx.newPage('files');
  await ctx.signIn(page, ctx.admin.email, ctx.admin.password);
  await page.goto(`${ctx.base}/#/files`);
  await page.getByRole('heading', { name: 'Files' }).waitFor();
  await page.locator('input[type=file]').setInputFiles({ name: 'uploaded.csv', mimeType: 'text/csv', buffer: Buffer.from('id,amount\n1,5\n2,9\n') });
  await page.locator('[data-testid="file-row"]', { hasText: 'uploaded.csv' }).waitFor({ timeout: 10_000 });
  const preview = await ctx.api.call('POST', '/api/v1/preview', {
    node_id: 'src',
    pipeline: {
      name: 'uploaded',
      nodes: [
        { id: 'src', type: 'extract', module: 'csv', config: { path: 'uploaded.csv' } },
        { id: 'out', type: 'load', module: 'csv', config: { path: 'copy.csv' } },
      ],
      edges: [{ source: 'src', target: 'out' }],
    },
  });
  assertEqual(preview.rows.length, 2, 'rows read from the uploaded file');
});

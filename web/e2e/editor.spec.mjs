// The main journey: build CSV → filter → aggregate → CSV on the canvas by drag and drop, wire
// and configure it, save, preview, run, watch it succeed live and check the output file.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assert, assertEqual, test } from './harness.mjs';
import { connect, dropModule, field, node, selectNode, shot } from './ui.mjs';

const kRegions = ['north', 'south', 'east', 'west'];
const kStatuses = ['shipped', 'paid', 'cancelled'];

function writeOrders(path, rows) {
  const lines = ['id,region,status,amount'];
  for (let i = 1; i <= rows; i += 1) {
    lines.push(`${i},${kRegions[i % 4]},${kStatuses[i % 3]},${(i * 37) % 200}`);
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

function expectedTotals(rows) {
  const totals = {};
  for (let i = 1; i <= rows; i += 1) {
    const status = kStatuses[i % 3];
    const amount = (i * 37) % 200;
    if ((status === 'shipped' || status === 'paid') && amount > 10) totals[kRegions[i % 4]] = (totals[kRegions[i % 4]] ?? 0) + amount;
  }
  return Object.entries(totals).sort(([a], [b]) => a.localeCompare(b));
}

function parseCsv(text) {
  const [head, ...rest] = text.trim().split(/\r?\n/);
  return { header: head.split(','), rows: rest.map((l) => l.split(',')) };
}

test('editor: build, configure, save, preview and run a pipeline', async (ctx) => {
  const rows = 1000;
  const input = join(ctx.workDir, 'orders.csv');
  const output = join(ctx.workDir, 'totals.csv');
  writeOrders(input, rows);

  const page = await ctx.newPage('editor');
  await ctx.signIn(page, ctx.admin.email, ctx.admin.password);
  await page.getByRole('button', { name: 'New pipeline' }).click();
  await page.locator('[data-testid="palette-extract.csv"]').waitFor();
  await page.getByLabel('Pipeline name').fill('E2E orders by region');

  // Drag four modules from the palette onto the canvas.
  await dropModule(page, 'extract.csv', 110, 150);
  await dropModule(page, 'transform.filter', 330, 250);
  await dropModule(page, 'transform.aggregate', 550, 150);
  await dropModule(page, 'load.csv', 720, 250);
  for (const id of ['csv_1', 'filter_1', 'aggregate_1', 'csv_2']) await page.locator(node(id)).waitFor();

  // Wire them with the mouse.
  await connect(page, 'csv_1', 'out', 'filter_1', 'in');
  await connect(page, 'filter_1', 'out', 'aggregate_1', 'in');
  await connect(page, 'aggregate_1', 'out', 'csv_2', 'in');
  await page.waitForFunction(() => document.querySelectorAll('.react-flow__edge').length === 3);

  // A second wire into the filter's single input is refused (and would close a cycle).
  await connect(page, 'aggregate_1', 'out', 'filter_1', 'in');
  assertEqual(await page.locator('.react-flow__edge').count(), 3, 'edges after invalid connection');

  // Undo / redo by keyboard.
  await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
  await page.keyboard.press('Control+z');
  await page.waitForFunction(() => document.querySelectorAll('.react-flow__edge').length === 2);
  await page.keyboard.press('Control+Shift+z');
  await page.waitForFunction(() => document.querySelectorAll('.react-flow__edge').length === 3);

  // Configure each node through the generated forms.
  await selectNode(page, 'csv_1');
  await (await field(page, 'path')).fill(input);
  await selectNode(page, 'filter_1');
  const expr = await field(page, 'expression');
  await expr.fill("status = 'nope' AND");
  await page.locator('[aria-label="Node settings"] .MuiFormHelperText-root.Mui-error').waitFor({ timeout: 10_000 });
  await expr.fill("status IN ('shipped', 'paid') AND amount > 10");
  await page.getByText(/✓ valid/).waitFor({ timeout: 10_000 });

  await selectNode(page, 'aggregate_1');
  const groupBy = await field(page, 'group_by');
  await groupBy.click();
  // The column picker offers the upstream columns.
  await page.getByRole('option', { name: /region/ }).waitFor({ timeout: 10_000 });
  await groupBy.fill('region');
  await groupBy.press('Enter');
  await page.getByRole('button', { name: 'Add aggregate' }).click();
  await page.locator('[aria-label="Node settings"]').getByRole('combobox', { name: 'Function' }).click();
  await page.getByRole('option', { name: 'sum', exact: true }).click();
  const col = await field(page, 'column');
  await col.fill('amount');
  await (await field(page, 'as')).fill('total');

  await selectNode(page, 'csv_2');
  await (await field(page, 'path')).fill(output);

  // No node shows problems any more.
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Validate', exact: true }).click();
  await page.getByText('Pipeline is valid').waitFor({ timeout: 10_000 });
  assertEqual(await page.locator('[data-testid="node-error"]').count(), 0, 'nodes with errors');

  // Save (creates the pipeline, then version 2 on a second save).
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.waitForFunction(() => /#\/pipelines\/(?!new)/.test(location.hash));
  await page.getByText(/Saved version/).waitFor();
  assert(!(await page.locator('[data-testid="unsaved"]').isVisible()), 'saved document is clean');
  ctx.pipelineId = decodeURIComponent(page.url().split('#/pipelines/')[1]);

  // Preview the filter node: rows, statistics, no run needed.
  await selectNode(page, 'filter_1');
  await page.getByRole('button', { name: 'Preview data' }).click();
  const grid = page.locator('[data-testid="preview-grid"]');
  await grid.locator('[role="gridcell"]').first().waitFor({ timeout: 20_000 });
  await page.locator('[data-testid="column-stats"]').first().waitFor();
  const header = await grid.locator('[role="columnheader"]').allInnerTexts();
  assert(header.some((h) => h.includes('region')) && header.some((h) => h.includes('amount')), `preview columns: ${header}`);

  // Run and watch it finish live on the canvas.
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await page.locator('[data-testid="editor-run-status"] [data-status="succeeded"]').waitFor({ timeout: 60_000 });
  await page.locator(`${node('csv_2')} [data-testid="node-status"]`, { hasText: 'succeeded' }).waitFor({ timeout: 10_000 });
  // The status arrived over the WebSocket, not only through the polling fallback.
  const wsMessages = await page.evaluate(() => window.__ldWsMessages ?? 0);
  assert(wsMessages > 0, `WebSocket messages received: ${wsMessages}`);
  await page.getByRole('button', { name: 'Auto-layout' }).click();
  await selectNode(page, 'aggregate_1');
  await page.getByRole('button', { name: 'Fit view', exact: true }).click();
  await page.mouse.move(700, 880);
  await page.waitForTimeout(600);
  await shot(page, ctx.shotDir, 'editor.png');
  await page.getByRole('button', { name: 'Close preview' }).click();
  await page.keyboard.press('Escape');
  // The layout change is unsaved: leaving asks first (dismissed → stay), Ctrl+S saves version 2.
  await page.locator('[data-testid="unsaved"]').waitFor();
  page.once('dialog', (d) => d.dismiss());
  await page.getByRole('button', { name: 'Pipelines' }).click();
  assert(page.url().includes(`#/pipelines/${encodeURIComponent(ctx.pipelineId)}`), 'guard kept the editor open');
  await page.keyboard.press('Control+s');
  await page.getByText('Saved version 2').waitFor();

  // The output file holds the expected totals.
  const out = parseCsv(readFileSync(output, 'utf8'));
  assertEqual(out.header, ['region', 'total'], 'output header');
  const got = out.rows.map(([r, t]) => [r, Number(t)]).sort(([a], [b]) => a.localeCompare(b));
  assertEqual(got, expectedTotals(rows), 'totals per region');

  // The run page: status, per-node rows, logs; screenshot it.
  await page.getByRole('button', { name: 'Open run' }).click();
  await page.locator('[data-testid="run-status"] [data-status="succeeded"]').waitFor({ timeout: 20_000 });
  await page.locator('[data-testid="run-node-csv_2"]').waitFor();
  await page.locator('[data-testid="run-logs"] div').first().waitFor();
  await page.waitForTimeout(500);
  await shot(page, ctx.shotDir, 'run.png');
  await page.close();
});

test('runs: a failing run highlights the failing node and can be retried', async (ctx) => {
  const id = ctx.pipelineId;
  assert(id, 'needs the pipeline from the editor test');
  const doc = await ctx.api.call('GET', `/api/v1/pipelines/${id}`);
  const broken = structuredClone(doc);
  broken.nodes.find((n) => n.id === 'csv_1').config.path = join(ctx.workDir, 'missing.csv');
  delete broken.id;
  broken.name = 'E2E broken input';
  const created = await ctx.api.call('POST', '/api/v1/pipelines', broken);
  const run = await ctx.api.call('POST', `/api/v1/pipelines/${created.id}/runs`, { parameters: {} });
  const page = await ctx.newPage('failing-run');
  await ctx.signIn(page, ctx.admin.email, ctx.admin.password);
  await page.goto(`${ctx.base}/#/runs/${run.id}`);
  await page.locator('[data-testid="run-status"] [data-status="failed"]').waitFor({ timeout: 30_000 });
  await page.locator('[data-testid="run-error"]').waitFor();
  await page.getByRole('button', { name: 'Retry' }).waitFor();
  await shot(page, ctx.shotDir, 'run-failed.png');
  // The runs list filters by status.
  await page.goto(`${ctx.base}/#/runs?status=failed`);
  await page.locator('[data-testid="run-row"]').first().waitFor();
  const statuses = await page.locator('[data-testid="run-row"] [data-status]').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
  assert(statuses.length > 0 && statuses.every((s) => s === 'failed'), `filtered statuses: ${statuses}`);

  // Import an old-format (format 1) export: it is migrated, stored and opened in the editor.
  const legacy = join(ctx.workDir, 'legacy.json');
  writeFileSync(legacy, JSON.stringify({
    format_version: 1,
    name: 'E2E imported legacy',
    nodes: [
      { id: 'in', module: 'extract.csv', name: 'Orders', config: { path: join(ctx.workDir, 'orders.csv') }, x: 0, y: 0 },
      { id: 'out', module: 'load.csv', name: 'Copy', config: { path: join(ctx.workDir, 'copy.csv') }, x: 300, y: 0 },
    ],
    edges: [{ from: 'in:out', to: 'out:in' }],
  }));
  await page.getByRole('button', { name: 'Pipelines' }).click();
  await page.locator('input[type="file"]').setInputFiles(legacy);
  await page.locator(node('in')).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('.react-flow__edge').length === 1);
  await page.getByRole('button', { name: 'Pipelines' }).click();
  await page.getByRole('button', { name: 'E2E imported legacy', exact: true }).waitFor();
  await shot(page, ctx.shotDir, 'pipelines.png');
  await page.close();
});

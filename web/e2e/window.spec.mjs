// Builds CSV → window → CSV from the palette, configures a running total per region through the
// generated forms, saves, runs it from the editor and checks every output row against totals the
// test computes itself.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertEqual, test } from './harness.mjs';
import { configureRunningTotal, connect, dropModule, field, node, selectNode } from './ui.mjs';

const kRegions = ['north', 'south', 'east'];

test('window: running total per region built in the editor and run', async (ctx) => {
  const rows = 60;
  const input = join(ctx.workDir, 'window_in.csv');
  const output = join(ctx.workDir, 'window_out.csv');
  const lines = ['id,region,amount'];
  for (let i = 1; i <= rows; i += 1) lines.push(`${i},${kRegions[i % 3]},${(i * 13) % 50}`);
  writeFileSync(input, `${lines.join('\n')}\n`);

  const page = await ctx.newPage('window');
  await ctx.signIn(page, ctx.admin.email, ctx.admin.password);
  await page.getByRole('button', { name: 'New pipeline' }).click();
  await page.locator('[data-testid="palette-transform.window"]').waitFor();
  await page.getByLabel('Pipeline name').fill('E2E running totals');
  await dropModule(page, 'extract.csv', 110, 150);
  await dropModule(page, 'transform.window', 380, 250);
  await dropModule(page, 'load.csv', 650, 150);
  for (const id of ['csv_1', 'window_1', 'csv_2']) await page.locator(node(id)).waitFor();
  await connect(page, 'csv_1', 'out', 'window_1', 'in');
  await connect(page, 'window_1', 'out', 'csv_2', 'in');
  await page.waitForFunction(() => document.querySelectorAll('.react-flow__edge').length === 2);

  await selectNode(page, 'csv_1');
  await (await field(page, 'path')).fill(input);
  await configureRunningTotal(page, 'window_1');
  await selectNode(page, 'csv_2');
  await (await field(page, 'path')).fill(output);
  await page.keyboard.press('Escape');

  await page.getByRole('button', { name: 'Validate', exact: true }).click();
  await page.getByText('Pipeline is valid').waitFor({ timeout: 10_000 });
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.waitForFunction(() => /#\/pipelines\/(?!new)/.test(location.hash));
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await page.locator('[data-testid="editor-run-status"] [data-status="succeeded"]').waitFor({ timeout: 30_000 });

  // Each row's running total is the sum of amounts of its region up to its id.
  const [head, ...body] = readFileSync(output, 'utf8').trim().split(/\r?\n/);
  assertEqual(head.split(','), ['id', 'region', 'amount', 'running_total'], 'output header');
  const got = body.map((l) => l.split(',')).map(([id, region, amount, total]) => [Number(id), region, Number(amount), Number(total)]);
  got.sort((a, b) => a[0] - b[0]);
  const sums = {};
  const want = [];
  for (let i = 1; i <= rows; i += 1) {
    const region = kRegions[i % 3];
    sums[region] = (sums[region] ?? 0) + ((i * 13) % 50);
    want.push([i, region, (i * 13) % 50, sums[region]]);
  }
  assertEqual(got, want, 'running totals per region');
  await page.close();
});

// Anomalies on the run page: nine runs of the same 100-row file build a pipeline's history; a run
// that loads ten times the rows shows the anomaly panel — the loader's row count against its
// expected range, the baseline and a sparkline of the history — against the real server.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assert, assertEqual, test } from './harness.mjs';
import { shot } from './ui.mjs';

async function runToEnd(ctx, pipelineId) {
  const started = await ctx.api.call('POST', `/api/v1/pipelines/${pipelineId}/runs`, {});
  for (let i = 0; i < 400; i += 1) {
    const run = await ctx.api.call('GET', `/api/v1/runs/${started.id}`);
    if (!['queued', 'running', 'retrying'].includes(run.status)) return run;
    await new Promise((ok) => setTimeout(ok, 50));
  }
  throw new Error(`run ${started.id} did not finish`);
}

function orders(rows) {
  let text = 'id,email,amount\n';
  for (let i = 1; i <= rows; i += 1) text += `${i},c${i % 40}@x.org,${(i % 97) + 0.5}\n`;
  return text;
}

test('anomalies: the run page shows a row spike against the run history, with its expected range and sparkline', async (ctx) => {
  const input = join(ctx.workDir, 'anomaly-orders.csv');
  writeFileSync(input, orders(100));
  const created = await ctx.api.call('POST', '/api/v1/pipelines', {
    name: 'E2E anomalies',
    anomalies: { policy: 'warn', sensitivity: 'medium' },
    nodes: [
      { id: 'orders', type: 'extract', module: 'csv', name: 'Orders', config: { path: input }, position: { x: 0, y: 0 } },
      { id: 'out', type: 'load', module: 'csv', name: 'Out', config: { path: join(ctx.workDir, 'anomaly-out.csv') }, position: { x: 300, y: 0 } },
    ],
    edges: [{ source: 'orders', target: 'out' }],
  });
  for (let i = 0; i < 9; i += 1) assertEqual((await runToEnd(ctx, created.id)).status, 'succeeded', `history run ${i + 1}`);
  writeFileSync(input, orders(1000));
  const spike = await runToEnd(ctx, created.id);
  assertEqual(spike.status, 'succeeded', 'the spike run (policy warn)');
  assert(spike.anomalies?.items?.length > 0, 'the API reports anomalies');

  const page = await ctx.newPage('anomalies');
  await ctx.signIn(page, ctx.admin.email, ctx.admin.password);
  await page.goto(`${ctx.base}/#/runs/${spike.id}`);
  const panel = page.locator('[data-testid="anomalies"]');
  await panel.waitFor({ timeout: 20_000 });
  const rows = await panel.locator('[data-testid="anomaly-row"]').evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
  );
  const loaderRows = rows.find((r) => r[0] === 'out rows');
  assert(loaderRows, `a row for the loader's row count: ${JSON.stringify(rows)}`);
  assertEqual(loaderRows[1], '1,000 ▲', 'observed');
  assert(/^\d+ – \d+$/.test(loaderRows[2]), `expected range: ${loaderRows[2]}`);
  assert(loaderRows[3].startsWith('median 100 over '), `baseline: ${loaderRows[3]}`);
  assertEqual(await panel.locator('[data-testid="anomaly-sparkline"]').count(), rows.length, 'one sparkline per anomaly');
  assert((await panel.innerText()).includes('the run went on'), 'warn policy explained');
  await shot(page, ctx.shotDir, 'anomalies.png');
  await page.close();
});

// Schema drift on the run page: a source file gains, loses and retypes columns between two runs;
// the second run's page shows the reviewable diff — against the real server.
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

test('schema drift: the run page shows the columns added, removed and retyped since the last successful run', async (ctx) => {
  const input = join(ctx.workDir, 'drift-orders.csv');
  writeFileSync(input, 'id,amount,note\n1,2.5,a\n2,3.5,b\n');
  const created = await ctx.api.call('POST', '/api/v1/pipelines', {
    name: 'E2E schema drift',
    nodes: [
      { id: 'orders', type: 'extract', module: 'csv', name: 'Orders', config: { path: input }, position: { x: 0, y: 0 } },
      { id: 'out', type: 'load', module: 'csv', name: 'Out', config: { path: join(ctx.workDir, 'drift-out.csv') }, position: { x: 300, y: 0 } },
    ],
    edges: [{ source: 'orders', target: 'out' }],
  });
  const first = await runToEnd(ctx, created.id);
  assertEqual(first.status, 'succeeded', 'first run');
  assertEqual(first.schema_drift, [], 'the first run has nothing to compare with');
  writeFileSync(input, 'id,amount,coupon\n3,n/a,X1\n');
  const second = await runToEnd(ctx, created.id);
  assertEqual(second.status, 'succeeded', 'second run (policy ignore)');

  const page = await ctx.newPage('schema-drift');
  await ctx.signIn(page, ctx.admin.email, ctx.admin.password);
  await page.goto(`${ctx.base}/#/runs/${second.id}`);
  const panel = page.locator('[data-testid="schema-drift"]');
  await panel.waitFor({ timeout: 20_000 });
  const rows = await panel.locator('[data-testid="schema-drift-row"]').evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
  );
  assertEqual(
    rows,
    [
      ['orders', 'added', 'coupon', '', 'string'],
      ['orders', 'removed', 'note', 'string', ''],
      ['orders', 'retyped', 'amount', 'float64', 'string'],
    ],
    'drift rows',
  );
  assert((await panel.innerText()).includes('the run went on'), 'ignore policy explained');
  await shot(page, ctx.shotDir, 'schema-drift.png');
  await page.close();
});

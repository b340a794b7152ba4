// Orchestration in the browser: run settings edited in the editor's dialog are saved into the
// document (checked through the API and after a reload); a run that times out on each of its two
// attempts shows the retry wait live, then both attempts and the timeline on the run page; the runs Gantt shows its bar,
// which opens the run.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assert, assertEqual, test } from './harness.mjs';
import { node, shot } from './ui.mjs';

// Enough rows that sorting them takes well over the 0.2 s timeout the test sets, on any machine
// this suite runs on (the executor checks deadlines every 100 ms).
const kRows = 2_000_000;

// One block of 10,000 rows written again and again: fast to write, and the sort still has every
// row to order.
function writeBigCsv(path) {
  let block = '';
  for (let i = 0; i < 10_000; i += 1) block += `${i},${(i * 7919) % 100003}\n`;
  const rows = Buffer.from(block);
  writeFileSync(path, Buffer.concat([Buffer.from('id,amount\n'), ...Array.from({ length: kRows / 10_000 }, () => rows)]));
}

test('orchestration: run settings in the editor, attempts and timeline of a timed-out run, runs Gantt', async (ctx) => {
  const input = join(ctx.workDir, 'orchestration.csv');
  let t = performance.now();
  writeBigCsv(input);
  ctx.metrics.orchestrationCsvWriteMs = Math.round(performance.now() - t);
  t = performance.now();
  const created = await ctx.api.call('POST', '/api/v1/pipelines', {
    name: 'E2E orchestration',
    nodes: [
      { id: 'src', type: 'extract', module: 'csv', name: 'Numbers', config: { path: input }, position: { x: 0, y: 0 } },
      { id: 'sorted', type: 'transform', module: 'sort', name: 'By amount', config: { keys: [{ column: 'amount', order: 'desc' }] }, position: { x: 300, y: 0 } },
      { id: 'out', type: 'load', module: 'csv', name: 'Sorted', config: { path: join(ctx.workDir, 'orchestration_out.csv') }, position: { x: 600, y: 0 } },
    ],
    edges: [
      { source: 'src', target: 'sorted' },
      { source: 'sorted', target: 'out' },
    ],
  });
  const page = await ctx.newPage('orchestration');
  await ctx.signIn(page, ctx.admin.email, ctx.admin.password);
  await page.goto(`${ctx.base}/#/pipelines/${created.id}`);
  await page.locator(node('sorted')).waitFor();

  // The dialog names a bad value at its field and refuses to apply it.
  await page.getByTestId('run-settings-button').click();
  const dialog = page.getByRole('dialog', { name: 'Run settings' });
  await dialog.waitFor();
  const attempts = dialog.getByLabel('Max attempts');
  await attempts.fill('0');
  await dialog.getByText('must be between 1 and 100').waitFor();
  assert(await dialog.getByRole('button', { name: 'Apply' }).isDisabled(), 'Apply is disabled while a field is invalid');
  await attempts.fill('2');
  await dialog.getByLabel('First wait (s)').fill('10');
  await dialog.getByLabel('Longest wait (s)').fill('20');
  await dialog.getByLabel('Timeout (s)').fill('0.2');
  await dialog.getByLabel('Runs at once').fill('1');
  await dialog.getByLabel('When the limit is reached').click();
  await page.getByRole('option', { name: 'skip' }).click();
  await dialog.getByLabel('Priority').fill('5');
  await shot(page, ctx.shotDir, 'run-settings.png');
  await dialog.getByRole('button', { name: 'Apply' }).click();
  await page.getByTestId('unsaved').waitFor();
  await page.getByRole('button', { name: /Run settings \(2 attempts, timeout 0\.2 s, skip, priority 5\)/ }).waitFor();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByTestId('unsaved').waitFor({ state: 'detached' });

  ctx.metrics.orchestrationSettingsMs = Math.round(performance.now() - t);
  const stored = await ctx.api.call('GET', `/api/v1/pipelines/${created.id}`);
  assertEqual(
    { retry: stored.retry, timeout_seconds: stored.timeout_seconds, concurrency: stored.concurrency, priority: stored.priority },
    { retry: { backoff_seconds: 10, max_attempts: 2, max_backoff_seconds: 20 }, timeout_seconds: 0.2, concurrency: { limit: 1, policy: 'skip' }, priority: 5 },
    'run policy stored by the server',
  );

  // A reload shows the stored settings in the dialog.
  await page.reload();
  await page.locator(node('sorted')).waitFor();
  await page.getByTestId('run-settings-button').click();
  await dialog.waitFor();
  assertEqual(await dialog.getByLabel('Max attempts').inputValue(), '2', 'max attempts after reload');
  assertEqual(await dialog.getByLabel('Timeout (s)').inputValue(), '0.2', 'timeout after reload');
  assertEqual(await dialog.getByLabel('Priority').inputValue(), '5', 'priority after reload');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });

  // Run it: each attempt passes the 0.2 s limit, so the run ends timed_out after two attempts.
  const t0 = performance.now();
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await page.getByTestId('editor-run-status').getByRole('button', { name: 'Open run' }).click();
  await page.getByTestId('run-status').waitFor();
  // Between the attempts (a 5–10 s wait: half the backoff fixed, half jitter) the page shows the
  // retrying status live with the time of the next attempt, and the wait on the timeline. Read
  // in one go: the wait may end at any moment.
  await page.getByTestId('retry-notice').waitFor({ timeout: 20_000 });
  const snap = await page.evaluate(() => ({
    status: document.querySelector('[data-testid="run-status"] [data-status]')?.getAttribute('data-status'),
    notice: document.querySelector('[data-testid="retry-notice"]')?.textContent ?? '',
    waitingBar: !!document.querySelector('[data-testid="timeline-waiting"]'),
  }));
  assert(snap.status === 'retrying' && snap.waitingBar, `retrying state: ${JSON.stringify(snap)}`);
  assert(/^Attempt 1 of 2 failed; next attempt at .+ \((in \d+ s|due now)\)\./.test(snap.notice), `retry notice: ${snap.notice}`);
  await shot(page, ctx.shotDir, 'run-retrying.png');
  await page.locator('[data-testid="run-status"] [data-status="timed_out"]').waitFor({ timeout: 30_000 });
  ctx.metrics.orchestrationRunSeconds = Math.round(performance.now() - t0) / 1000;
  const runId = decodeURIComponent(page.url().split('#/runs/')[1]);
  await page.getByTestId('attempt-2').waitFor();
  assertEqual(await page.getByTestId('attempt-1').locator('td').first().innerText(), '1 of 2', 'first attempt row');
  assertEqual(await page.getByTestId('attempt-2').locator('td').first().innerText(), '2 of 2', 'second attempt row');
  for (const n of [1, 2]) {
    assertEqual(await page.getByTestId(`attempt-${n}`).locator('[data-status]').getAttribute('data-status'), 'timed_out', `attempt ${n} status`);
    assert((await page.getByTestId(`attempt-${n}`).innerText()).includes('timed out after 0.2 s'), `attempt ${n} error`);
  }
  const header = await page.getByTestId('run-attempt').innerText();
  assert(header.includes('attempt 2 of 2') && header.includes('priority 5'), `run header: ${header}`);
  await page.getByTestId('timeline-attempt-1').waitFor();
  await page.getByTestId('timeline-attempt-2').waitFor();
  // The two attempt bars are in time order and do not overlap (the backoff sits between them).
  const b1 = await page.getByTestId('timeline-attempt-1').boundingBox();
  const b2 = await page.getByTestId('timeline-attempt-2').boundingBox();
  assert(b1 && b2 && b1.x + b1.width <= b2.x + 1, `attempt bars in order: ${JSON.stringify([b1, b2])}`);
  await page.getByTestId('run-timeline').scrollIntoViewIfNeeded();
  await page.waitForTimeout(300);
  await shot(page, ctx.shotDir, 'run-attempts.png');

  // The runs Gantt: the run's bar, its tooltip, and a click back to the run.
  await page.goto(`${ctx.base}/#/runs`);
  const listed = page.locator('[data-testid="run-row"]', { hasText: runId.slice(0, 12) });
  assertEqual(await listed.getByTestId('run-row-attempt').innerText(), 'attempt 2 of 2', 'attempts in the runs list');
  await page.getByRole('button', { name: 'Gantt' }).click();
  const bar = page.locator(`[data-testid="gantt-bar"][data-run-id="${runId}"]`);
  await bar.waitFor();
  assertEqual(await bar.getAttribute('data-status'), 'timed_out', 'Gantt bar status');
  const rows = await page.getByTestId('gantt-row').count();
  assert(rows >= 1, 'one Gantt row per pipeline');
  await bar.hover();
  await page.getByRole('tooltip').filter({ hasText: 'attempt 2 of 2' }).waitFor();
  await page.waitForTimeout(400); // the tooltip's fade-in
  await shot(page, ctx.shotDir, 'runs-gantt.png');
  await bar.click();
  await page.waitForURL((u) => u.hash === `#/runs/${runId}`);
  await page.getByTestId('attempt-1').waitFor();
  await page.close();
});

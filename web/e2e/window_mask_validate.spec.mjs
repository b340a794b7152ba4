// Builds CSV → window → mask → validate → CSV (rejects → a second CSV) from the palette, with the
// mask key in a `secret` connection created on the Connections page, configures every node only
// through the generated forms, saves, runs it from the editor and checks every output row against
// values the test computes itself: running totals, HMAC-SHA256 email hashes, exactly the rows that
// break the range rule in rejects, and the rule counts in the run page's quality report.
import { createHmac } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assert, assertEqual, test } from './harness.mjs';
import { configureRunningTotal, connect, dropModule, node, selectNode, shot } from './ui.mjs';

const kRegions = ['north', 'south', 'east'];
const kRows = 60;
const kMinAmount = 5;
const kKeyName = 'e2e-mask-key';
const kSecret = 'e2e mask secret, 32 characters..';

const amountOf = (i) => (i * 13) % 50;
const emailOf = (i) => `user${i}@example.com`;

// RFC 4180 lines → arrays of fields (the rejects' _reason may be quoted).
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let k = 0; k < text.length; k += 1) {
    const c = text[k];
    if (quoted) {
      if (c === '"' && text[k + 1] === '"') (cell += '"'), (k += 1);
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[k + 1] === '\n') k += 1;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) row.push(cell), rows.push(row);
  return rows;
}

test('window + mask + validate: built from the palette, configured in forms, run and checked', async (ctx) => {
  const input = join(ctx.workDir, 'wmv_in.csv');
  const output = join(ctx.workDir, 'wmv_out.csv');
  const rejects = join(ctx.workDir, 'wmv_rejects.csv');
  const lines = ['id,region,amount,email'];
  for (let i = 1; i <= kRows; i += 1) lines.push(`${i},${kRegions[i % 3]},${amountOf(i)},${emailOf(i)}`);
  writeFileSync(input, `${lines.join('\n')}\n`);

  // Another organization connection, which the mask's key picker must not offer.
  await ctx.api.call('POST', '/api/v1/connections', { name: 'e2e-wmv-warehouse', type: 'postgres', host: '127.0.0.1', port: 5432, database: 'dw', user: 'etl', options: {} });

  const page = await ctx.newPage('window-mask-validate');
  await ctx.signIn(page, ctx.admin.email, ctx.admin.password);

  // The mask's key: a `secret` connection, created the way a user does it.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Connections' }).click();
  await page.getByRole('button', { name: 'New connection' }).click();
  const dialog = page.getByRole('dialog', { name: 'New connection' });
  await dialog.getByLabel('Name').fill(kKeyName);
  await dialog.getByRole('combobox', { name: /Type/ }).click();
  await page.getByRole('option', { name: 'secret', exact: true }).click();
  await dialog.getByLabel('Secret').fill(kSecret);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('cell', { name: kKeyName, exact: true }).waitFor();

  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Pipelines' }).click();
  await page.getByRole('button', { name: 'New pipeline' }).click();
  await page.locator('[data-testid="palette-transform.validate"]').waitFor();
  await page.getByLabel('Pipeline name').fill('E2E window mask validate');
  await dropModule(page, 'extract.csv', 90, 100);
  await dropModule(page, 'transform.window', 360, 100);
  await dropModule(page, 'transform.mask', 630, 100);
  await dropModule(page, 'transform.validate', 90, 330);
  await dropModule(page, 'load.csv', 400, 300);
  await dropModule(page, 'load.csv', 400, 480);
  for (const id of ['csv_1', 'window_1', 'mask_1', 'validate_1', 'csv_2', 'csv_3']) await page.locator(node(id)).waitFor();
  await connect(page, 'csv_1', 'out', 'window_1', 'in');
  await connect(page, 'window_1', 'out', 'mask_1', 'in');
  await connect(page, 'mask_1', 'out', 'validate_1', 'in');
  await connect(page, 'validate_1', 'out', 'csv_2', 'in');
  await connect(page, 'validate_1', 'rejects', 'csv_3', 'in');
  await page.waitForFunction(() => document.querySelectorAll('.react-flow__edge').length === 5);

  const panel = page.locator('[aria-label="Node settings"]');
  const fieldIn = (scope, name) => scope.locator(`[data-field="${name}"]:not([aria-hidden="true"])`).first();

  await selectNode(page, 'csv_1');
  await fieldIn(panel, 'path').fill(input);

  // Window: running sum of amount per region, ordered by id.
  await configureRunningTotal(page, 'window_1');

  // Mask: keyed hash of the email column.
  await selectNode(page, 'mask_1');
  await panel.getByRole('combobox', { name: /^Key connection/ }).click();
  const keyOption = page.getByRole('option', { name: new RegExp(kKeyName) });
  await keyOption.waitFor();
  // The picker offers the connection types the mask's descriptor lists (secret), nothing else.
  const offered = (await page.getByRole('option').allInnerTexts()).filter((t) => t.trim() !== 'None');
  assert(offered.length > 0 && offered.every((t) => t.includes('(secret)')), `key connections offered: ${offered.join(' | ')}`);
  await keyOption.click();
  await panel.getByRole('button', { name: 'Add rule' }).click();
  const maskRule = panel.locator('[data-testid="rules-item"]').nth(0);
  await maskRule.getByRole('combobox', { name: /^Method/ }).click();
  await page.getByRole('option', { name: 'hash', exact: true }).click();
  const maskColumns = fieldIn(maskRule, 'columns');
  await maskColumns.click();
  await page.getByRole('option', { name: /email/ }).waitFor({ timeout: 10_000 });
  await maskColumns.fill('email');
  await maskColumns.press('Enter');

  // Validate: a row rule (amount at least kMinAmount) and a dataset rule (at least 10 rows).
  await selectNode(page, 'validate_1');
  await panel.getByRole('button', { name: 'Add rule' }).click();
  const rangeRule = panel.locator('[data-testid="rules-item"]').nth(0);
  await rangeRule.getByRole('combobox', { name: /^Rule/ }).click();
  await page.getByRole('option', { name: 'range', exact: true }).click();
  await fieldIn(rangeRule, 'column').fill('amount');
  await fieldIn(rangeRule, 'min').fill(String(kMinAmount));
  await fieldIn(rangeRule, 'name').fill('amount_at_least_5');
  await panel.getByRole('button', { name: 'Add rule' }).click();
  const countRule = panel.locator('[data-testid="rules-item"]').nth(1);
  await countRule.getByRole('combobox', { name: /^Rule/ }).click();
  await page.getByRole('option', { name: 'row_count', exact: true }).click();
  await fieldIn(countRule, 'min').fill('10');
  await fieldIn(countRule, 'name').fill('enough_rows');

  await selectNode(page, 'csv_2');
  await fieldIn(panel, 'path').fill(output);
  await selectNode(page, 'csv_3');
  await fieldIn(panel, 'path').fill(rejects);
  await page.keyboard.press('Escape');

  await page.getByRole('button', { name: 'Validate', exact: true }).click();
  await page.getByText('Pipeline is valid').waitFor({ timeout: 10_000 });
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.waitForFunction(() => /#\/pipelines\/(?!new)/.test(location.hash));
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await page.locator('[data-testid="editor-run-status"] [data-status="succeeded"]').waitFor({ timeout: 60_000 });

  // What the run must produce, computed here: running totals over all rows (the window runs
  // before validate), the email's HMAC-SHA256 under the connection's secret, and the split.
  const sums = {};
  const want = { out: [], rejects: [] };
  for (let i = 1; i <= kRows; i += 1) {
    const region = kRegions[i % 3];
    sums[region] = (sums[region] ?? 0) + amountOf(i);
    const hash = createHmac('sha256', kSecret).update(emailOf(i)).digest('hex');
    (amountOf(i) >= kMinAmount ? want.out : want.rejects).push([i, region, amountOf(i), hash, sums[region]]);
  }
  assert(want.rejects.length > 0 && want.out.length > 0, 'the data has rows on both sides of the rule');

  const read = (path) => {
    const [head, ...body] = parseCsv(readFileSync(path, 'utf8').trim());
    return { head, body };
  };
  const typed = ([id, region, amount, email, total]) => [Number(id), region, Number(amount), email, Number(total)];
  const out = read(output);
  assertEqual(out.head, ['id', 'region', 'amount', 'email', 'running_total'], 'output header');
  for (const r of out.body) {
    assert(/^[0-9a-f]{64}$/.test(r[3]), `masked email is a hex HMAC-SHA256: ${r[3]}`);
    assert(!r.join(',').includes('@example.com'), `no original email in output row ${r.join(',')}`);
  }
  assertEqual(out.body.map(typed).sort((a, b) => a[0] - b[0]), want.out, 'passed rows: running totals and masked emails');

  const rej = read(rejects);
  assertEqual(rej.head, ['id', 'region', 'amount', 'email', 'running_total', '_rule', '_reason'], 'rejects header');
  assert(!readFileSync(rejects, 'utf8').includes('@example.com'), 'no original email in rejects');
  assertEqual(rej.body.map((r) => r[5]), want.rejects.map(() => 'amount_at_least_5'), 'each reject names its rule');
  assertEqual(rej.body.map(typed).sort((a, b) => a[0] - b[0]), want.rejects, 'rejected rows are exactly those below the minimum');

  // The run page shows the quality report with both rules' counts.
  await page.locator('[data-testid="editor-run-status"]').getByRole('button', { name: 'Open run' }).click();
  const report = page.getByRole('table', { name: 'quality report of validate_1' });
  await report.waitFor({ timeout: 30_000 });
  await page.getByText(`${kRows} rows checked, ${want.out.length} passed, ${want.rejects.length} rejected`).waitFor();
  const cells = async (name) => (await report.getByRole('row').filter({ hasText: name }).getByRole('cell').allInnerTexts()).map((t) => t.trim());
  const range = await cells('amount_at_least_5');
  assertEqual([range[0], range[1], range[2], range[3], range[4], range[6]], ['amount_at_least_5', 'range', 'warn', String(kRows), String(want.rejects.length), 'warned'], 'range rule in the report');
  const count = await cells('enough_rows');
  assertEqual([count[0], count[1], count[2], count[5], count[6]], ['enough_rows', 'row_count', 'fail', `${kRows} rows`, 'passed'], 'row_count rule in the report');
  await report.scrollIntoViewIfNeeded();
  await shot(page, ctx.shotDir, 'window_mask_validate.png');
  await page.close();
});

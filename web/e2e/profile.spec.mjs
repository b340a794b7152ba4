// Profile a node in the editor: the preview panel's Profile tab shows per column the semantic
// type (with the detected date format), distinct counts and a PII flag, from the real server.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assert, assertEqual, test } from './harness.mjs';
import { node, selectNode, shot } from './ui.mjs';

test('profile: semantic types, date format and PII of a node in the editor', async (ctx) => {
  const input = join(ctx.workDir, 'profile-people.csv');
  let csv = 'id,email,joined,country\n';
  for (let i = 0; i < 2000; i += 1) {
    csv += `${i},p${i % 300}@example.org,${1 + (i % 28)}/${1 + (i % 12)}/2024,${['DE', 'FR', 'NL'][i % 3]}\n`;
  }
  writeFileSync(input, csv);
  const created = await ctx.api.call('POST', '/api/v1/pipelines', {
    name: 'E2E profile',
    nodes: [{ id: 'people', type: 'extract', module: 'csv', name: 'People', config: { path: input }, position: { x: 0, y: 0 } }],
    edges: [],
  });
  const page = await ctx.newPage('profile');
  await ctx.signIn(page, ctx.admin.email, ctx.admin.password);
  await page.goto(`${ctx.base}/#/pipelines/${created.id}`);
  await page.locator(node('people')).waitFor();
  await selectNode(page, 'people');
  await page.getByRole('button', { name: 'Preview data' }).click();
  await page.getByRole('button', { name: 'Profile', exact: true }).click();
  const rows = page.locator('[data-testid="profile-row"]');
  await rows.first().waitFor({ timeout: 20_000 });
  assertEqual(await rows.count(), 4, 'one profile row per column');
  const semantic = await page.locator('[data-testid="profile-semantic"]').allInnerTexts();
  assertEqual(semantic, ['integer', 'email', 'date (%d/%m/%Y)', 'country_code'], 'semantic types');
  const summary = await page.locator('[data-testid="profile-summary"]').innerText();
  assert(summary.includes('2,000 rows') && summary.includes('all rows'), `summary: ${summary}`);
  const emailRow = rows.nth(1);
  assert((await emailRow.innerText()).includes('300'), 'email distinct count shown');
  await emailRow.locator('[data-testid="profile-pii"]').waitFor();
  await shot(page, ctx.shotDir, 'profile.png');
  // Back to the rows: the preview table is still there.
  await page.getByRole('button', { name: 'Rows', exact: true }).click();
  await page.locator('[data-testid="preview-grid"]').waitFor();
  await page.close();
});

// Suggestions from a profile in the editor: profile a node, apply a suggestion in one click, see
// the new node wired after the profiled one, the sample before and after, and the new node's
// preview — against the real server.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assert, assertEqual, test } from './harness.mjs';
import { node, selectNode, shot } from './ui.mjs';

test('suggestions: profile a node, apply a trim, see the new node, before and after, and its preview', async (ctx) => {
  const input = join(ctx.workDir, 'suggest-people.csv');
  let csv = 'id,name,joined\n';
  for (let i = 0; i < 500; i += 1) {
    const name = ['Ada Lovelace', 'Alan Turing', 'Grace Hopper'][i % 3];
    csv += `${i},"${i % 4 === 0 ? `  ${name}` : name}",${1 + (i % 28)}/${1 + (i % 12)}/2024\n`;
  }
  writeFileSync(input, csv);
  const created = await ctx.api.call('POST', '/api/v1/pipelines', {
    name: 'E2E suggestions',
    nodes: [
      { id: 'people', type: 'extract', module: 'csv', name: 'People', config: { path: input }, position: { x: 0, y: 0 } },
      { id: 'out', type: 'load', module: 'csv', name: 'Out', config: { path: join(ctx.workDir, 'suggest-out.csv') }, position: { x: 300, y: 0 } },
    ],
    edges: [{ source: 'people', target: 'out' }],
  });
  const page = await ctx.newPage('suggestions');
  await ctx.signIn(page, ctx.admin.email, ctx.admin.password);
  await page.goto(`${ctx.base}/#/pipelines/${created.id}`);
  await page.locator(node('people')).waitFor();
  await selectNode(page, 'people');
  await page.getByRole('button', { name: 'Preview data' }).click();
  await page.getByRole('button', { name: 'Profile', exact: true }).click();
  const items = page.locator('[data-testid="suggestion"]');
  await items.first().waitFor({ timeout: 20_000 });
  const titles = await page.locator('[data-testid="suggestion-title"]').allInnerTexts();
  assert(titles.includes('Trim spaces in name'), `suggestions: ${titles.join(' | ')}`);
  assert(titles.includes('Convert joined to date'), `suggestions: ${titles.join(' | ')}`);
  const trim = items.filter({ hasText: 'Trim spaces in name' });
  assert((await trim.locator('[data-testid="suggestion-reason"]').innerText()).includes('125 of 500'), 'reason quotes the figures');
  await shot(page, ctx.shotDir, 'suggestions.png');

  // One click: the node is inserted between People and Out, and before/after opens.
  await trim.getByRole('button', { name: 'Apply: Trim spaces in name' }).click();
  const dialog = page.getByRole('dialog', { name: 'Before and after' });
  await dialog.waitFor();
  const summary = await dialog.locator('[data-testid="before-after-summary"]').innerText({ timeout: 20_000 });
  // Rows 0, 4, 8, … of the first 50 are padded: 13 change.
  assert(summary.startsWith('13 of the first 50 rows change'), `summary: ${summary}`);
  const first = dialog.locator('[data-testid="before-after-row"]').first();
  const cells = await first.locator('td').allTextContents(); // innerText would collapse the padding
  assertEqual(cells, ['"  Ada Lovelace"', '"Ada Lovelace"'], 'row 0 before and after');
  await shot(page, ctx.shotDir, 'suggestion-before-after.png');
  await dialog.getByRole('button', { name: 'Keep' }).click();
  await page.locator(node('trim_name')).waitFor();
  // The new node's preview is open, and its rows are trimmed.
  await page.getByRole('heading', { name: /Preview · Trim spaces in name/ }).waitFor();
  await page.locator('[data-testid="preview-grid"]').waitFor();
  const grid = await page.locator('[data-testid="preview-grid"]').innerText();
  assert(grid.includes('Ada Lovelace') && !grid.includes('  Ada'), 'trimmed rows in the new node preview');
  // The document: people → trim_name → out.
  const edges = await page.evaluate(() =>
    [...document.querySelectorAll('.react-flow__edge')].map((e) => e.getAttribute('data-testid') || e.getAttribute('aria-label') || ''),
  );
  assert(edges.length === 2, `two edges after the insert: ${edges.join(', ')}`);
  await page.close();
});

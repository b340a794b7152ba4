// Roles: a viewer sees pipelines, runs and previews but no edit controls anywhere.
import { assert, assertEqual, test } from './harness.mjs';
import { node, selectNode } from './ui.mjs';

test('viewer: sees the pipeline read-only', async (ctx) => {
  const viewer = { email: 'viewer@example.com', password: 'viewer-password-1', name: 'Vera Viewer' };
  await ctx.api.call('POST', '/api/v1/auth/register', viewer);
  await ctx.api.call('POST', '/api/v1/members', { email: viewer.email, role: 'viewer' });
  const orgs = await ctx.api.call('GET', '/api/v1/organizations');
  const list = Array.isArray(orgs) ? orgs : orgs.items;
  const shared = list.find((o) => o.id === ctx.api.org);
  assert(shared, 'admin organization listed');

  const page = await ctx.newPage('viewer');
  await ctx.signIn(page, viewer.email, viewer.password);
  // Switch to the admin's organization, where this user is a viewer.
  await page.getByRole('combobox', { name: 'Organization' }).click();
  await page.getByRole('option', { name: shared.name }).click();
  await page.getByLabel('Role: viewer').waitFor();
  await page.locator('[data-testid="pipeline-row"]').first().waitFor();
  assertEqual(await page.getByRole('button', { name: 'New pipeline' }).count(), 0, 'New pipeline buttons');
  assertEqual(await page.getByRole('button', { name: /^Delete / }).count(), 0, 'Delete buttons');

  await page.getByRole('button', { name: 'E2E orders by region', exact: true }).click();
  await page.locator(node('csv_1')).waitFor();
  await page.getByText('Read-only').waitFor();
  for (const label of ['Save', 'Validate', 'Run']) {
    assertEqual(await page.getByRole('button', { name: label, exact: true }).count(), 0, `${label} buttons`);
  }
  assertEqual(await page.locator('[aria-label="Module palette"]').count(), 0, 'palette');

  await selectNode(page, 'csv_1');
  const path = page.locator('[aria-label="Node settings"] [data-field="path"]');
  assert(await path.isDisabled(), 'path field disabled');
  // Delete does nothing and dragging does not move the node.
  await page.keyboard.press('Delete');
  await page.locator(node('csv_1')).waitFor();
  const before = await page.locator(node('csv_1')).boundingBox();
  await page.mouse.move(before.x + 100, before.y + 40);
  await page.mouse.down();
  await page.mouse.move(before.x + 300, before.y + 200, { steps: 5 });
  await page.mouse.up();
  const after = await page.locator(node('csv_1')).boundingBox();
  // The pane may pan with the drag; what matters is that the document did not change.
  assertEqual(await page.locator('[data-testid="unsaved"]').count(), 0, 'unsaved marker');
  assert(after, 'node still there');

  // Viewers cannot reach the admin page.
  assertEqual(await page.getByRole('button', { name: 'Admin' }).count(), 0, 'Admin nav');
  await page.close();
});

test('admin: members, API keys and audit trail', async (ctx) => {
  const page = await ctx.newPage('admin');
  await ctx.signIn(page, ctx.admin.email, ctx.admin.password);
  await page.getByRole('button', { name: 'Admin' }).click();
  await page.getByRole('table', { name: 'Members' }).getByText(ctx.admin.email).waitFor();
  await page.getByRole('tab', { name: 'API keys' }).click();
  await page.getByLabel('Key name').fill('ci');
  await page.getByRole('button', { name: 'Create key' }).click();
  const key = await page.locator('[data-testid="new-api-key"]').innerText();
  assert(key.startsWith('ld_'), `key shown once: ${key.slice(0, 5)}`);
  await page.getByRole('tab', { name: 'Audit trail' }).click();
  await page.getByRole('table', { name: 'Audit trail' }).locator('tbody tr').first().waitFor();
  await page.close();
});

test('connections: create, test, edit; the secret is write-only', async (ctx) => {
  const page = await ctx.newPage('connections');
  await ctx.signIn(page, ctx.admin.email, ctx.admin.password);
  await page.getByRole('button', { name: 'Connections' }).click();
  await page.getByRole('button', { name: 'New connection' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name').fill('warehouse');
  await dialog.getByLabel('Type').click();
  await page.getByRole('option', { name: 'postgres', exact: true }).click();
  await dialog.getByLabel('Host').fill('127.0.0.1');
  await dialog.getByLabel('Port').fill('1');
  await dialog.getByLabel('Database').fill('dw');
  await dialog.getByLabel('User').fill('etl');
  await dialog.getByLabel('Secret').fill('s3cret-value');
  await dialog.getByRole('button', { name: 'Save' }).click();
  const row = page.getByRole('row', { name: /warehouse/ });
  await row.waitFor();
  assert((await row.innerText()).includes('set'), 'secret marked as set');
  assert(!(await page.content()).includes('s3cret-value'), 'secret never shown');
  // Nothing listens on port 1: the test reports a failure with the reason.
  await page.getByRole('button', { name: 'Test warehouse' }).click();
  await row.locator('.MuiChip-colorError').waitFor({ timeout: 20_000 });
  await page.getByRole('button', { name: 'Edit warehouse' }).click();
  assertEqual(await page.getByRole('dialog').getByLabel('Secret').inputValue(), '', 'secret field starts empty');
  await page.getByRole('dialog').getByText('A secret is stored').waitFor();
  await page.getByRole('dialog').getByLabel('Database').fill('dw2');
  await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
  await page.getByRole('row', { name: /dw2/ }).waitFor();
  const stored = await ctx.api.call('GET', '/api/v1/connections');
  const c = (Array.isArray(stored) ? stored : stored.items).find((x) => x.name === 'warehouse');
  assert(c && c.has_secret && c.secret === undefined, 'API keeps the secret and never returns it');
  await page.close();
});

// Notifications, module templates and saved previews: create a webhook notification in the UI,
// send a test to a real HTTP receiver started here, save a node's settings as a template and
// apply it to another node, and reopen a saved preview without recomputing it.
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { assert, assertEqual, test } from './harness.mjs';
import { field, node, selectNode, shot } from './ui.mjs';

// A tiny webhook receiver on 127.0.0.1 that records every request with its raw body.
function startReceiver() {
  const received = [];
  const waiters = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({ method: req.method, url: req.url, headers: req.headers, raw });
      res.writeHead(204).end();
      for (const w of waiters.splice(0)) w();
    });
  });
  return new Promise((ok) =>
    server.listen(0, '127.0.0.1', () =>
      ok({
        url: `http://127.0.0.1:${server.address().port}/hooks/logidata-e2e-token`,
        received,
        async next(timeoutMs = 20_000) {
          if (received.length) return received[received.length - 1];
          await new Promise((resolve, reject) => {
            const t = setTimeout(() => reject(new Error('webhook receiver got nothing')), timeoutMs);
            waiters.push(() => {
              clearTimeout(t);
              resolve();
            });
          });
          return received[received.length - 1];
        },
        close: () => new Promise((r) => server.close(r)),
      }),
    ),
  );
}

test('notifications: create a webhook, send a test, secrets stay masked', async (ctx) => {
  const receiver = await startReceiver();
  const page = await ctx.newPage('notifications');
  try {
    await ctx.signIn(page, ctx.admin.email, ctx.admin.password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Notifications' }).click();
    await page.getByRole('heading', { name: 'Notifications' }).waitFor();
    await page.getByRole('button', { name: 'New notification' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('E2E hook');
    // A URL that is not http(s) is refused at the field.
    await dialog.getByLabel('Webhook URL').fill('ftp://127.0.0.1/x');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByText('Must be an http:// or https:// URL').waitFor();
    await dialog.getByLabel('Webhook URL').fill(receiver.url);
    await dialog.getByLabel('Signing secret').fill('e2e-signing-secret');
    await dialog.getByLabel('run.succeeded').check();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const row = page.locator('[data-testid="notification-row"]', { hasText: 'E2E hook' });
    await row.waitFor();
    const rowText = await row.innerText();
    assert(!rowText.includes('logidata-e2e-token'), `the URL's token is masked: ${rowText}`);
    assert(rowText.includes('signed'), 'the row shows a stored secret');

    await page.getByRole('button', { name: 'Send test to E2E hook' }).click();
    const verdict = row.locator('[data-testid="notification-test-result"]');
    await verdict.waitFor({ timeout: 20_000 });
    assertEqual(await verdict.innerText(), 'Test sent', 'test verdict');
    const got = await receiver.next();
    assertEqual(got.method, 'POST', 'webhook method');
    assertEqual(got.url, '/hooks/logidata-e2e-token', 'webhook path');
    const body = JSON.parse(got.raw);
    assertEqual(body.event, 'test', 'webhook event');
    const expected = `sha256=${createHmac('sha256', 'e2e-signing-secret').update(got.raw).digest('hex')}`;
    assertEqual(got.headers['x-logidata-signature'], expected, 'HMAC signature of the body');

    // Editing never echoes the stored URL or secret back into the inputs.
    await page.getByRole('button', { name: 'Edit E2E hook' }).click();
    assertEqual(await dialog.getByLabel('Webhook URL').inputValue(), '', 'URL input when editing');
    assertEqual(await dialog.getByLabel('Signing secret').inputValue(), '', 'secret input when editing');
    await dialog.getByText(/Stored: http:\/\/127\.0\.0\.1/).waitFor();
    await shot(page, ctx.shotDir, 'notifications.png');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    // A receiver that fails gives a failed verdict with the reason.
    const broken = await ctx.api.call('POST', '/api/v1/notifications', {
      name: 'E2E dead hook',
      channel: 'webhook',
      events: ['run.failed'],
      url: 'http://127.0.0.1:9/nothing-listens',
    });
    assert(broken.url_masked && !broken.url_masked.includes('nothing-listens'), `API masks the URL: ${broken.url_masked}`);
    await page.reload();
    await page.getByRole('button', { name: 'Send test to E2E dead hook' }).click();
    const failed = page.locator('[data-testid="notification-row"]', { hasText: 'E2E dead hook' }).locator('[data-testid="notification-test-result"]');
    await failed.waitFor({ timeout: 30_000 });
    assert((await failed.innerText()).startsWith('Failed:'), `failed verdict: ${await failed.innerText()}`);
    await page.close();
  } finally {
    await receiver.close();
  }
});

test('templates and saved previews: save, apply, rename; reopen a saved preview', async (ctx) => {
  const input = join(ctx.workDir, 'template-orders.csv');
  writeFileSync(input, 'id;region;amount\n1;north;10\n2;south;20\n3;east;30\n');
  const created = await ctx.api.call('POST', '/api/v1/pipelines', {
    name: 'E2E templates',
    nodes: [
      { id: 'orders', type: 'extract', module: 'csv', name: 'Orders', config: { path: input, delimiter: ';' }, position: { x: 0, y: 0 } },
      { id: 'more', type: 'extract', module: 'csv', name: 'More orders', config: { path: '' }, position: { x: 0, y: 200 } },
    ],
    edges: [],
  });
  const page = await ctx.newPage('templates');
  let livePreviews = 0;
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/api/v1/preview')) livePreviews += 1;
  });
  await ctx.signIn(page, ctx.admin.email, ctx.admin.password);
  await page.goto(`${ctx.base}/#/pipelines/${created.id}`);
  await page.locator(node('more')).waitFor();

  // Save the configured node's settings as a template.
  await selectNode(page, 'orders');
  const panel = page.getByRole('complementary', { name: 'Node settings' });
  await panel.getByRole('button', { name: 'Save as template' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Template name').fill('E2E semicolon orders');
  await dialog.getByLabel('Description').fill('orders exported with ; separators');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'hidden' });
  // The same name again is refused by the server, shown at the name field.
  await panel.getByRole('button', { name: 'Save as template' }).click();
  await dialog.getByLabel('Template name').fill('E2E semicolon orders');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.locator('.MuiFormHelperText-root.Mui-error').getByText(/exists/).waitFor();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'hidden' });

  // Apply it to the other node.
  await selectNode(page, 'more');
  await panel.getByRole('button', { name: /Apply template/ }).click();
  await page.getByRole('menuitem', { name: /E2E semicolon orders/ }).click();
  await page.waitForFunction(
    (want) => document.querySelector('[aria-label="Node settings"] [data-field="path"]:not([aria-hidden="true"])')?.value === want,
    input,
  );
  assertEqual(await (await field(page, 'path')).inputValue(), input, 'path applied from the template');
  await page.locator('[data-testid="unsaved"]').waitFor();
  await page.keyboard.press('Control+s');
  await page.getByText('Saved version 2').waitFor();
  const stored = await ctx.api.call('GET', `/api/v1/pipelines/${created.id}`);
  const applied = stored.nodes.find((n) => n.id === 'more').config;
  assertEqual([applied.path, applied.delimiter], [input, ';'], 'stored config of the templated node');

  // Preview: computed once and saved; reopening shows the saved one without recomputing.
  await selectNode(page, 'more');
  await panel.getByRole('button', { name: 'Preview data' }).click();
  const grid = page.locator('[data-testid="preview-grid"]');
  await grid.locator('[role="gridcell"]').first().waitFor({ timeout: 20_000 });
  assertEqual(livePreviews, 1, 'live previews after the first open');
  assertEqual(await page.locator('[data-testid="saved-preview"]').count(), 0, 'a fresh preview is not marked saved');
  await page.getByRole('button', { name: 'Close preview' }).click();
  await selectNode(page, 'more');
  await panel.getByRole('button', { name: 'Preview data' }).click();
  await page.locator('[data-testid="saved-preview"]').waitFor();
  await grid.locator('[role="gridcell"]', { hasText: 'south' }).first().waitFor();
  assertEqual(livePreviews, 1, 'reopening used the saved preview');
  assert((await page.locator('[data-testid="preview-count"]').innerText()).startsWith('3 rows'), 'saved preview rows');
  await shot(page, ctx.shotDir, 'saved-preview.png');
  await page.getByRole('button', { name: 'Refresh' }).click();
  await grid.locator('[role="gridcell"]').first().waitFor({ timeout: 20_000 });
  await page.locator('[data-testid="saved-preview"]').waitFor({ state: 'detached' });
  assertEqual(livePreviews, 2, 'refresh computed a new preview');
  await page.getByRole('button', { name: 'Close preview' }).click();

  // The templates page lists it; rename it there.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Templates' }).click();
  const row = page.locator('[data-testid="template-row"]', { hasText: 'E2E semicolon orders' });
  await row.waitFor();
  assert((await row.innerText()).includes('extract.csv'), 'module shown');
  await page.getByRole('button', { name: 'Rename E2E semicolon orders' }).click();
  await dialog.getByLabel('Template name').fill('E2E orders (semicolons)');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await page.locator('[data-testid="template-row"]', { hasText: 'E2E orders (semicolons)' }).waitFor();
  const templates = await ctx.api.call('GET', '/api/v1/templates?module=extract.csv');
  assert(templates.items.some((t) => t.name === 'E2E orders (semicolons)' && t.config.delimiter === ';'), 'renamed template keeps its config');
  await page.close();
});

test('notifications and templates: a viewer reads them without edit controls', async (ctx) => {
  const viewer = { email: 'notify-viewer@example.com', password: 'viewer-password-2', name: 'Nora Viewer' };
  await ctx.api.call('POST', '/api/v1/auth/register', viewer);
  await ctx.api.call('POST', '/api/v1/members', { email: viewer.email, role: 'viewer' });
  await ctx.api.call('POST', '/api/v1/notifications', { name: 'E2E viewer-visible', channel: 'email', events: ['run.failed'], to: ['ops@example.com'] });
  await ctx.api.call('POST', '/api/v1/templates', { name: 'E2E viewer template', module: 'extract.csv', description: '', config: { path: '/tmp/x.csv' } });
  const orgs = await ctx.api.call('GET', '/api/v1/organizations');
  const shared = (Array.isArray(orgs) ? orgs : orgs.items).find((o) => o.id === ctx.api.org);
  const page = await ctx.newPage('notify-viewer');
  await ctx.signIn(page, viewer.email, viewer.password);
  await page.getByRole('combobox', { name: 'Organization' }).click();
  await page.getByRole('option', { name: shared.name }).click();
  await page.getByLabel('Role: viewer').waitFor();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Notifications' }).click();
  await page.locator('[data-testid="notification-row"]', { hasText: 'E2E viewer-visible' }).waitFor();
  assert((await page.locator('[data-testid="notification-row"]', { hasText: 'E2E viewer-visible' }).innerText()).includes('ops@example.com'), 'recipients shown');
  for (const name of ['New notification', /^Send test/, /^Edit /, /^Delete /]) {
    assertEqual(await page.getByRole('button', { name }).count(), 0, `viewer buttons ${name}`);
  }
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Templates' }).click();
  await page.locator('[data-testid="template-row"]', { hasText: 'E2E viewer template' }).waitFor();
  assertEqual(await page.getByRole('button', { name: /^Rename / }).count(), 0, 'viewer rename buttons');
  await page.close();
});

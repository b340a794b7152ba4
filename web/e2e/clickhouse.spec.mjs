// ClickHouse in the UI: a user creates a `clickhouse` connection on the Connections page (the
// type comes from GET /api/v1/modules), its test is refused by the egress rules for a metadata
// address and really tried for an allowed one, and the editor offers extract.clickhouse and load.clickhouse with that connection
// in their connection pickers, and only connections of that type.
import { assert, test } from './harness.mjs';
import { connect, dropModule, node, selectNode } from './ui.mjs';

test('clickhouse: create a connection and use it in the editor', async (ctx) => {
  const name = `e2e-ch-${Date.now()}`;
  await ctx.api.call('POST', '/api/v1/connections', { name: `${name}-pg`, type: 'postgres', host: 'db.example.com', port: 5432, database: 'dw', user: 'etl', options: {} });
  const page = await ctx.newPage('clickhouse');
  await ctx.signIn(page, ctx.admin.email, ctx.admin.password);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Connections' }).click();
  await page.getByRole('button', { name: 'New connection' }).click();
  const dialog = page.getByRole('dialog', { name: 'New connection' });
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByRole('combobox', { name: /Type/ }).click();
  await page.getByRole('option', { name: 'clickhouse', exact: true }).click();
  const host = dialog.getByLabel('Host');
  assert((await host.getAttribute('placeholder'))?.startsWith('http://'), 'the Host field asks for a URL');
  await dialog.getByLabel('Database').fill('analytics');
  await dialog.getByLabel('User').fill('etl');
  await dialog.getByLabel('Secret').fill('e2e-ch-password');
  // Testing the unsaved form: a cloud metadata address is refused by the egress rules (this
  // server allows only loopback beyond public addresses)…
  await host.fill('http://169.254.169.254');
  await dialog.getByRole('button', { name: 'Test' }).click();
  const refusal = dialog.getByRole('alert').filter({ hasText: /egress/ });
  await refusal.waitFor();
  assert(/169\.254\.169\.254/.test(await refusal.innerText()), `refusal: ${await refusal.innerText()}`);
  const status = dialog.getByRole('status');
  // …and an allowed address is really tried (nothing listens there).
  await host.fill('http://127.0.0.1:9');
  await dialog.getByRole('button', { name: 'Test' }).click();
  await page.waitForFunction(() => /refused|connect/i.test(document.querySelector('[role="dialog"] [role="status"]')?.textContent ?? ''));
  const text = await status.innerText();
  assert(/Connection failed/.test(text) && /ClickHouse/.test(text) && !/egress/.test(text), `connection test result: ${text}`);
  await dialog.getByRole('button', { name: 'Save' }).click();
  const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name: name, exact: true }) });
  await row.waitFor();
  assert((await row.innerText()).includes('clickhouse'), 'the list shows the type');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Pipelines' }).click();
  await page.getByRole('button', { name: 'New pipeline' }).click();
  await page.locator('[data-testid="palette-extract.clickhouse"]').waitFor();
  await page.getByLabel('Pipeline name').fill('E2E clickhouse');
  await dropModule(page, 'extract.clickhouse', 120, 150);
  await dropModule(page, 'load.clickhouse', 480, 150);
  for (const id of ['clickhouse_1', 'clickhouse_2']) await page.locator(node(id)).waitFor();
  await connect(page, 'clickhouse_1', 'out', 'clickhouse_2', 'in');
  await page.waitForFunction(() => document.querySelectorAll('.react-flow__edge').length === 1);

  const panel = page.locator('[aria-label="Node settings"]');
  for (const id of ['clickhouse_1', 'clickhouse_2']) {
    await selectNode(page, id);
    await panel.getByRole('combobox', { name: /^Connection/ }).click();
    const option = page.getByRole('option', { name: new RegExp(name) }).first();
    await option.waitFor();
    const offered = (await page.getByRole('option').allInnerTexts()).filter((t) => t.trim() !== 'None');
    assert(offered.length > 0 && offered.every((t) => t.includes('(clickhouse)')), `${id} offers: ${offered.join(' | ')}`);
    await page.getByRole('option', { name: `${name} (clickhouse)` }).click();
  }
  await selectNode(page, 'clickhouse_2');
  await panel.locator('[data-field="table"]:not([aria-hidden="true"])').first().fill('events_copy');
  await selectNode(page, 'clickhouse_1');
  await panel.locator('[data-field="table"]:not([aria-hidden="true"])').first().fill('events');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.waitForFunction(() => /#\/pipelines\/(?!new)/.test(location.hash));
  await page.getByText(/Saved version/).waitFor();
  // The saved document names the connection on both nodes.
  const id = decodeURIComponent(page.url().split('#/pipelines/')[1]);
  const doc = await ctx.api.call('GET', `/api/v1/pipelines/${id}`);
  assert(doc, 'the pipeline was saved');
  const configs = Object.fromEntries(doc.nodes.map((n) => [n.id, n.config]));
  assert(configs.clickhouse_1.connection === name && configs.clickhouse_1.table === 'events', JSON.stringify(configs.clickhouse_1));
  assert(configs.clickhouse_2.connection === name && configs.clickhouse_2.table === 'events_copy', JSON.stringify(configs.clickhouse_2));
  await page.context().close();
});

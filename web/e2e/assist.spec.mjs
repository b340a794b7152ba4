// Natural-language assistance in the editor, against the real server and a stand-in for the model
// (a real HTTP server on 127.0.0.1 speaking the OpenAI chat completions protocol; no model can run
// here). Without an endpoint the assistant is absent; an admin sets the endpoint on the
// administration page; a developer asks for a filter in words, sees the checked proposal, edits
// it, applies it, and the new node and its preview appear.
import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assert, assertEqual, test } from './harness.mjs';
import { node, selectNode, shot } from './ui.mjs';

// Answers every chat completion with `content`; records the requests.
async function startStandIn(content) {
  const requests = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, authorization: req.headers.authorization, body: JSON.parse(body || 'null') });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ id: 'stand-in', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content } }] }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { requests, base: `http://127.0.0.1:${server.address().port}/v1`, close: () => new Promise((r) => server.close(r)) };
}

test('assist: hidden without an endpoint; ask for a filter in words, edit, apply, see the node and its preview', async (ctx) => {
  const input = join(ctx.workDir, 'assist-orders.csv');
  let csv = 'id,customer,amount\n';
  for (let i = 0; i < 60; i += 1) csv += `${i},Customer-Quokka-${i},${i * 5}\n`;
  writeFileSync(input, csv);
  const created = await ctx.api.call('POST', '/api/v1/pipelines', {
    name: 'E2E assist',
    nodes: [
      { id: 'orders', type: 'extract', module: 'csv', name: 'Orders', config: { path: input }, position: { x: 0, y: 0 } },
      { id: 'out', type: 'load', module: 'csv', name: 'Out', config: { path: join(ctx.workDir, 'assist-out.csv') }, position: { x: 300, y: 0 } },
    ],
    edges: [{ source: 'orders', target: 'out' }],
  });
  const model = await startStandIn('```json\n{"expression": "amount > 100", "explanation": "orders with an amount over 100"}\n```');
  const page = await ctx.newPage('assist');
  try {
    await ctx.signIn(page, ctx.admin.email, ctx.admin.password);

    // No endpoint: the node panel has no assistant.
    const status = page.waitForResponse((r) => r.url().includes('/api/v1/assist/status'));
    await page.goto(`${ctx.base}/#/pipelines/${created.id}`);
    await page.locator(node('orders')).waitFor();
    await selectNode(page, 'orders');
    assertEqual((await (await status).json()).enabled, false, 'status without an endpoint');
    await page.getByRole('button', { name: 'Preview data' }).waitFor();
    assertEqual(await page.getByRole('region', { name: 'Ask in words' }).count(), 0, 'assistant sections without an endpoint');
    assertEqual(await page.getByRole('button', { name: 'Describe a pipeline in words' }).count(), 0, 'pipeline assistant without an endpoint');

    // The admin sets the endpoint on the administration page; the key is never shown again.
    await page.goto(`${ctx.base}/#/admin/assist`);
    const card = page.getByRole('region', { name: 'Natural language' });
    await card.getByLabel('Base URL').fill(model.base);
    await card.getByLabel('Model').fill('stand-in-1');
    await card.getByLabel('API key').fill('sk-e2e-secret-key');
    await card.getByRole('button', { name: 'Save' }).click();
    await card.getByText('Saved: the assistant is available in the editor.').waitFor();
    await card.getByText('A key is stored; leave empty to keep it.').waitFor();
    assertEqual(await card.getByLabel('API key').inputValue(), '', 'the key field after saving');
    await shot(page, ctx.shotDir, 'assist-settings.png');

    // Ask in words for a filter after Orders.
    await page.goto(`${ctx.base}/#/pipelines/${created.id}`);
    await page.locator(node('orders')).waitFor();
    await selectNode(page, 'orders');
    const assist = page.getByRole('region', { name: 'Ask in words' });
    await assist.waitFor();
    await assist.getByRole('button', { name: 'Filter rows' }).click();
    await assist.getByLabel('Describe it').fill('orders over 100');
    await assist.getByRole('button', { name: 'Propose' }).click();
    const proposal = assist.locator('[data-testid="assist-proposal"]');
    await proposal.waitFor({ timeout: 20_000 });
    assert((await proposal.innerText()).includes('orders with an amount over 100'), 'the explanation is shown');
    const condition = proposal.getByLabel('Condition');
    assertEqual(await condition.inputValue(), 'amount > 100', 'proposed condition');
    await shot(page, ctx.shotDir, 'assist-proposal.png');

    // What the stand-in received: the schema, no row values, the key as a bearer token.
    assertEqual(model.requests.length, 1, 'one call to the model');
    const sent = model.requests[0];
    assertEqual(sent.url, '/v1/chat/completions', 'endpoint path');
    assertEqual(sent.authorization, 'Bearer sk-e2e-secret-key', 'key sent to the endpoint');
    const prompt = sent.body.messages.map((m) => m.content).join('\n');
    assert(prompt.includes('"customer"') && prompt.includes('"amount"') && prompt.includes('orders over 100'), `prompt: ${prompt}`);
    assert(!prompt.includes('Quokka'), 'no row values in the prompt');

    // The user edits the proposal, then applies it: a filter node after Orders, and its preview.
    await condition.fill('amount > 250');
    await proposal.getByRole('button', { name: 'Apply' }).click();
    await page.locator(node('filter_nl')).waitFor();
    await page.getByRole('heading', { name: /Preview · Filter/ }).waitFor();
    const grid = page.locator('[data-testid="preview-grid"]');
    await grid.waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="preview-grid"]')?.textContent?.includes('Customer-Quokka-59'));
    const text = await grid.innerText();
    assert(text.includes('Customer-Quokka-51') && !text.includes('Customer-Quokka-50') && !text.includes('Customer-Quokka-20'), `preview rows: ${text.slice(0, 300)}`);
    const edges = await page.evaluate(() => document.querySelectorAll('.react-flow__edge').length);
    assertEqual(edges, 2, 'orders → filter → out');
    await shot(page, ctx.shotDir, 'assist-applied.png');
  } finally {
    await ctx.api.call('DELETE', '/api/v1/organization/assist').catch(() => undefined);
    await model.close();
    await page.close();
  }
});

test('assist: describe a whole pipeline, read and edit the validated proposal, apply it to the editor', async (ctx) => {
  const input = join(ctx.workDir, 'assist-people.csv');
  writeFileSync(input, 'id,name,age\n1,Ada,36\n2,Alan,41\n3,Grace,85\n');
  const proposed = {
    name: 'people over 40',
    nodes: [
      { id: 'read', type: 'extract', module: 'csv', config: { path: input } },
      { id: 'older', type: 'transform', module: 'filter', config: { expression: 'age > 40' } },
    ],
    edges: [{ source: 'read', target: 'older' }],
  };
  const model = await startStandIn(JSON.stringify({ pipeline: proposed, explanation: 'reads people and keeps those over 40' }));
  const created = await ctx.api.call('POST', '/api/v1/pipelines', {
    name: 'E2E assist pipeline',
    nodes: [{ id: 'placeholder', type: 'extract', module: 'csv', name: 'Placeholder', config: { path: input }, position: { x: 0, y: 0 } }],
    edges: [],
  });
  await ctx.api.call('PUT', '/api/v1/organization/assist', { base_url: model.base, model: 'stand-in-1' });
  const page = await ctx.newPage('assist-pipeline');
  try {
    await ctx.signIn(page, ctx.admin.email, ctx.admin.password);
    await page.goto(`${ctx.base}/#/pipelines/${created.id}`);
    await page.locator(node('placeholder')).waitFor();
    await page.getByRole('button', { name: 'Describe a pipeline in words' }).click();
    const dialog = page.getByRole('dialog', { name: 'Describe a pipeline' });
    await dialog.getByLabel('Describe the pipeline').fill('read the people file and keep those over 40');
    await dialog.getByRole('button', { name: 'Propose' }).click();
    const json = dialog.getByLabel('Proposed pipeline (JSON)');
    await json.waitFor({ timeout: 20_000 });
    assert((await dialog.innerText()).includes('reads people and keeps those over 40'), 'the explanation is shown');
    const text = await json.inputValue();
    assert(text.includes('"age > 40"'), `proposed JSON: ${text}`);
    const prompt = model.requests[0].body.messages.map((m) => m.content).join('\n');
    assert(prompt.includes('"module":"filter"') && !prompt.includes('Grace'), 'the prompt lists modules and no data');
    // The user tightens the filter, then applies: the editor shows the proposed nodes.
    await json.fill(text.replace('age > 40', 'age > 50'));
    await dialog.getByRole('button', { name: 'Apply' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.locator(node('older')).waitFor();
    await page.locator(node('read')).waitFor();
    assertEqual(await page.locator(node('placeholder')).count(), 0, 'the old node is replaced');
    await selectNode(page, 'older');
    await page.getByRole('button', { name: 'Preview data' }).click();
    await page.locator('[data-testid="preview-grid"]').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="preview-grid"]')?.textContent?.includes('Grace'));
    const grid = await page.locator('[data-testid="preview-grid"]').innerText();
    assert(grid.includes('Grace') && !grid.includes('Alan'), `preview rows after the edit: ${grid}`);
    await shot(page, ctx.shotDir, 'assist-pipeline.png');
  } finally {
    await ctx.api.call('DELETE', '/api/v1/organization/assist').catch(() => undefined);
    await model.close();
    await page.close();
  }
});

#!/usr/bin/env node
// Browser end-to-end test through the TLS proxy: a real `logidata server`, Debian's nginx running
// deploy/nginx/logidata.conf with a self-signed certificate (scripts/servers/nginx.sh), and
// Debian's Chromium. The user signs in at https://127.0.0.1:PORT, starts a pipeline from the
// editor, and the runs page — which has no polling, only the WebSocket — shows the run finish,
// carried over wss:// through nginx.   node e2e/proxy.mjs
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startServer } from './server.mjs';
import { Api } from './api.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const web = resolve(here, '..');
const repo = resolve(web, '..');
const dist = join(web, 'dist');
const nginxScript = join(repo, 'scripts', 'servers', 'nginx.sh');

function fail(message) {
  console.error(`✗ proxy e2e: ${message}`);
  process.exitCode = 1;
}

if (!existsSync('/usr/sbin/nginx')) {
  // In CI a missing nginx is a failure; elsewhere a loud skip.
  if (process.env.CI) {
    fail('/usr/sbin/nginx is not installed (scripts/setup installs it)');
    process.exit(1);
  }
  console.log('\n*** SKIPPED: nginx is not installed; the browser test through the TLS proxy did not run ***\n');
  process.exit(0);
}
if (!existsSync(join(dist, 'index.html'))) {
  console.error('web/dist is missing: run `npm run build` first');
  process.exit(2);
}

const t0 = performance.now();
const admin = { email: 'admin@example.com', password: 'e2e-admin-password' };
const workDir = mkdtempSync(join(tmpdir(), 'ld-e2e-proxy-'));
const server = await startServer({ repo, webRoot: dist, admin, args: ['--files-root', `e2e=${workDir}:rw`] });
const nginxDir = join(workDir, 'nginx');
const [httpsPort, httpPort] = [await freePort(), await freePort()];
const base = execFileSync(nginxScript, ['start', nginxDir, String(httpsPort), String(httpPort), String(server.port)], {
  encoding: 'utf8',
}).trim();
console.log(`server ${server.base} behind nginx ${base}`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
const errors = [];
try {
  // Setup only (a pipeline and its input) goes to the server directly; the UI uses the proxy.
  writeFileSync(join(workDir, 'in.csv'), 'id,amount\n1,5\n2,7\n3,9\n');
  const api = new Api(server.base);
  await api.login(admin.email, admin.password);
  const pipeline = await api.call('POST', '/api/v1/pipelines', {
    name: 'through the proxy',
    nodes: [
      { id: 'src', type: 'extract', module: 'csv', config: { path: join(workDir, 'in.csv') } },
      { id: 'out', type: 'load', module: 'csv', config: { path: join(workDir, 'out.csv') } },
    ],
    edges: [{ source: 'src', target: 'out' }],
  });

  // The self-signed certificate is accepted for this test only.
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1440, height: 900 } });
  const watch = (page, label) => {
    page.on('console', (m) => m.type() === 'error' && errors.push(`[${label}] ${m.text()}`));
    page.on('pageerror', (e) => errors.push(`[${label}] uncaught: ${e.message}`));
    page.on('response', (r) => r.status() >= 500 && errors.push(`[${label}] HTTP ${r.status()} ${r.url()}`));
    page.setDefaultTimeout(20_000);
    return page;
  };
  const runsPage = watch(await context.newPage(), 'runs');
  // Every frame the runs page receives over its WebSocket.
  const frames = [];
  const sockets = [];
  runsPage.on('websocket', (ws) => {
    sockets.push(ws.url());
    ws.on('framereceived', (f) => {
      try {
        frames.push(JSON.parse(String(f.payload)));
      } catch {
        // not JSON
      }
    });
  });
  await runsPage.goto(`${base}/#/login`);
  if (!runsPage.url().startsWith('https://')) throw new Error(`not on https: ${runsPage.url()}`);
  await runsPage.getByLabel('Email').fill(admin.email);
  await runsPage.getByLabel('Password').fill(admin.password);
  await runsPage.getByRole('button', { name: 'Sign in', exact: true }).click();
  await runsPage.getByRole('heading', { name: 'Pipelines' }).waitFor();
  await runsPage.goto(`${base}/#/runs`);
  for (let i = 0; i < 100 && !frames.some((f) => f.type === 'subscribed'); i += 1) await runsPage.waitForTimeout(100);
  if (!frames.some((f) => f.type === 'subscribed')) throw new Error(`runs page never subscribed over ${JSON.stringify(sockets)}`);
  if (!sockets.every((u) => u === `wss://127.0.0.1:${httpsPort}/ws`)) throw new Error(`WebSocket not through the proxy: ${sockets}`);

  // A second tab starts the run from the editor, through the proxy.
  const editor = watch(await context.newPage(), 'editor');
  await editor.goto(`${base}/#/pipelines/${pipeline.id}`);
  await editor.getByRole('button', { name: 'Run', exact: true }).click();
  await editor.locator('[data-testid="editor-run-status"] [data-status="succeeded"]').waitFor({ timeout: 60_000 });

  // The runs page was not reloaded: the finished run reached it over wss:// only.
  await runsPage.locator('[data-testid="run-row"] [data-status="succeeded"]').first().waitFor({ timeout: 20_000 });
  const finished = frames.find((f) => f.type === 'run.status' && f.run?.status === 'succeeded' && f.run?.pipeline_id === pipeline.id);
  if (!finished) throw new Error(`no run.status 'succeeded' frame over the WebSocket; got ${JSON.stringify(frames.map((f) => f.type))}`);
  const live = frames.filter((f) => f.type === 'run.status').map((f) => f.run.status);
  console.log(`  ✓ signed in over https, ran '${pipeline.name}' from the editor, runs page updated live over ${sockets[0]} (${live.join(' → ')})`);
  if (errors.length) throw new Error(`browser errors:\n  ${errors.join('\n  ')}`);
} catch (e) {
  fail(String(e?.stack ?? e));
  const shot = join(web, 'e2e', 'out', 'failure-proxy.png');
  for (const p of browser.contexts().flatMap((c) => c.pages())) await p.screenshot({ path: shot }).catch(() => undefined);
} finally {
  await browser.close().catch(() => undefined);
  try {
    execFileSync(nginxScript, ['stop', nginxDir]);
  } catch {
    // already gone
  }
  await server.stop();
  if (!process.env.E2E_KEEP) {
    rmSync(workDir, { recursive: true, force: true });
    rmSync(server.dataDir, { recursive: true, force: true });
  }
}
console.log(`proxy e2e: ${process.exitCode ? 'FAILED' : 'passed'} in ${Math.round(performance.now() - t0)} ms`);

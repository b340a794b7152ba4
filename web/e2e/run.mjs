#!/usr/bin/env node
// Browser end-to-end tests: builds nothing, starts the real `logidata server` serving web/dist,
// drives Debian's Chromium through playwright-core, and fails on any console error.
//   npm run e2e                 all tests
//   npm run e2e -- <substring>  only tests whose name contains it
// Writes measurements to e2e/out/results.json and screenshots to docs/screenshots/.
import { chromium } from 'playwright-core';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';
import { Api } from './api.mjs';
import { results, runAll } from './harness.mjs';
import './editor.spec.mjs';
import './demo.spec.mjs';
import './viewer.spec.mjs';
import './notify.spec.mjs';
import './orchestration.spec.mjs';
import './window.spec.mjs';
import './window_mask_validate.spec.mjs';
import './profile.spec.mjs';
import './suggestions.spec.mjs';
import './assist.spec.mjs';
import './schema_drift.spec.mjs';
import './anomalies.spec.mjs';
import './scale.spec.mjs';
import './clickhouse.spec.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const web = resolve(here, '..');
const repo = resolve(web, '..');
const dist = join(web, 'dist');
const outDir = join(here, 'out');
const shotDir = join(repo, 'docs', 'screenshots');

if (!existsSync(join(dist, 'index.html'))) {
  console.error('web/dist is missing: run `npm run build` first');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
mkdirSync(shotDir, { recursive: true });

const admin = { email: 'admin@example.com', password: 'e2e-admin-password' };
// Tests write their input files to workDir; the server grants it as the read-write root `e2e`, so
// pipelines may name those files by absolute path (everything else stays in the sandbox).
const workDir = mkdtempSync(join(tmpdir(), 'ld-e2e-files-'));
const server = await startServer({ repo, webRoot: dist, admin, args: ['--files-root', `e2e=${workDir}:rw`] });
console.log(`server ${server.base} (data ${server.dataDir})`);

// One browser; every page gets its own context (fresh storage), so sessions never mix.
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const pages = [];

const consoleErrors = [];
const metrics = {};
// Every page opened by a test reports console errors and uncaught exceptions here.
function watch(page, label) {
  // Expected 4xx answers (e.g. a preview of an unfinished node) are shown in the UI as problem
  // details; Chromium still logs them as failed resource loads, so those are not JS errors.
  // Any 5xx answer is an error.
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) return;
    consoleErrors.push(`[${label}] ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 500) consoleErrors.push(`[${label}] HTTP ${r.status()} ${r.request().method()} ${r.url()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`[${label}] uncaught: ${e.message}`));
  return page;
}

const api = new Api(server.base);
await api.login(admin.email, admin.password);

const ctx = {
  base: server.base,
  server,
  api,
  admin,
  browser,
  metrics,
  shotDir,
  workDir,
  consoleErrors,
  async newPage(label) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    pages.push(page);
    page.setDefaultTimeout(15_000);
    return watch(page, label);
  },
  async signIn(page, email, password) {
    await page.goto(`${server.base}/#/login`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Pipelines' }).waitFor();
  },
  async onFailure(name) {
    for (const [i, p] of pages.entries()) {
      if (p.isClosed()) continue;
      await p.screenshot({ path: join(outDir, `failure-${name.replace(/\W+/g, '_')}-${i}.png`) }).catch(() => undefined);
      await p.context().close().catch(() => undefined);
    }
  },
};

let failed = false;
try {
  await runAll(ctx, process.argv[2]);
} finally {
  await browser.close().catch(() => undefined);
  await server.stop();
  // The big preview file is hundreds of MB: remove the temp folders unless asked to keep them.
  if (!process.env.E2E_KEEP) {
    rmSync(ctx.workDir, { recursive: true, force: true });
    rmSync(server.dataDir, { recursive: true, force: true });
  }
}

const errorsOk = consoleErrors.length === 0;
results.push({ name: 'no console errors', ok: errorsOk, error: errorsOk ? undefined : consoleErrors.join('\n') });
console.log(errorsOk ? '  ✓ no console errors' : `  ✗ console errors:\n    ${consoleErrors.join('\n    ')}`);
failed = results.some((r) => !r.ok);
writeFileSync(join(outDir, 'results.json'), JSON.stringify({ when: new Date().toISOString(), results, metrics }, null, 2));
console.log(`\n${results.filter((r) => r.ok).length}/${results.length} passed`);
console.log('metrics', JSON.stringify(metrics, null, 2));
if (process.env.E2E_KEEP) console.log(`server log: ${server.logPath}`);
process.exit(failed ? 1 : 0);

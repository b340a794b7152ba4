// Starts a real `logidata server` on a free port with a fresh data directory and the first
// admin from the environment, and stops it again. Used by run.mjs; never mocks the API.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.unref();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

export function findBinary(repo) {
  const candidates = [process.env.LOGIDATA_BIN, join(repo, 'build', 'logidata')].filter(Boolean);
  for (const c of candidates) if (existsSync(c)) return resolve(c);
  throw new Error(`logidata binary not found (tried ${candidates.join(', ')}); build it or set LOGIDATA_BIN`);
}

// `args`: extra server options (e.g. a --files-root the tests write their files to).
export async function startServer({ repo, webRoot, admin, args = [] }) {
  const bin = findBinary(repo);
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'ld-e2e-data-'));
  const logPath = join(dataDir, 'server.log');
  const log = openSync(logPath, 'a');
  // Self-registration is off by default on a real server; the suites sign up their own users.
  // Their webhook receivers and test APIs listen on loopback, which the egress policy refuses by default.
  const serverArgs = ['server', '--port', String(port), '--data-dir', dataDir, '--web-root', webRoot, '--allow-registration',
                      '--allow-egress', '127.0.0.0/8'];
  const child = spawn(bin, [...serverArgs, ...args], {
    cwd: repo,
    // The suites sign the admin in many times a minute (the default allows 10 per email).
    env: {
      ...process.env,
      LOGIDATA_ADMIN_EMAIL: admin.email,
      LOGIDATA_ADMIN_PASSWORD: admin.password,
      LOGIDATA_ACCOUNT_LOGIN_RATE_PER_MINUTE: process.env.LOGIDATA_ACCOUNT_LOGIN_RATE_PER_MINUTE ?? '600',
    },
    stdio: ['ignore', log, log],
  });
  let exited = null;
  child.on('exit', (code, signal) => (exited = { code, signal }));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error(`server exited early (${JSON.stringify(exited)}); log: ${logPath}`);
    try {
      const r = await fetch(`${base}/health/ready`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`server did not become ready in 30 s; log: ${logPath}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    base,
    port,
    dataDir,
    logPath,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      await new Promise((r) => {
        const t = setTimeout(() => {
          child.kill('SIGKILL');
          r();
        }, 5000);
        child.on('exit', () => {
          clearTimeout(t);
          r();
        });
      });
    },
  };
}

// Minimal sequential test harness: named steps, timing, a summary and an exit code.
export const results = [];
const tests = [];

export function test(name, fn) {
  tests.push({ name, fn });
}

export function assert(cond, message) {
  if (!cond) throw new Error(`assertion failed: ${message}`);
}

export function assertEqual(actual, expected, message) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${message}: expected ${e}, got ${a}`);
}

export async function runAll(ctx, filter) {
  for (const t of tests) {
    if (filter && !t.name.includes(filter)) continue;
    const t0 = performance.now();
    process.stdout.write(`▶ ${t.name}\n`);
    try {
      await t.fn(ctx);
      const ms = Math.round(performance.now() - t0);
      results.push({ name: t.name, ok: true, ms });
      process.stdout.write(`  ✓ ${t.name} (${ms} ms)\n`);
    } catch (e) {
      const ms = Math.round(performance.now() - t0);
      results.push({ name: t.name, ok: false, ms, error: String(e?.stack ?? e) });
      process.stdout.write(`  ✗ ${t.name} (${ms} ms)\n    ${String(e?.stack ?? e).split('\n').slice(0, 6).join('\n    ')}\n`);
      if (ctx.onFailure) await ctx.onFailure(t.name).catch(() => undefined);
    }
  }
  return results;
}

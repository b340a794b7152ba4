// Profiling peer: DuckDB's SUMMARIZE over orders.csv (column types given, as in the other jobs):
// per column min, max, approx_unique, avg, std, q25/q50/q75, count and null_percentage.
// Prints the result as JSON lines so the benchmark can put it beside our profile.
import { duck, DUCK_ORDERS } from '../../jobs/common.mjs';
const db = await duck();
const rows = await db.q(`SUMMARIZE SELECT * FROM ${DUCK_ORDERS}`);
for (const r of rows) {
  console.log(JSON.stringify(r, (k, v) => (typeof v === 'bigint' ? Number(v) : v)));
}
db.close();

// Reference results for the spill stress suite: runs each query of a plan file in DuckDB and
// writes its result as CSV. Run through ../shared/peers/peer (which provides @duckdb/node-api).
// Usage: node stress_reference.mjs PLAN.json
//   PLAN: {"tables": {"facts": {"path": …, "columns": {name: DuckDB type}}, …},
//          "queries": [{"name": …, "sql": …, "out": path}, …]}
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
const lit = (s) => `'${String(s).replaceAll("'", "''")}'`;
for (const [name, t] of Object.entries(plan.tables)) {
  const cols = Object.entries(t.columns).map(([c, type]) => `${lit(c)}: ${lit(type)}`).join(', ');
  // Explicit types and dialect: nothing is sniffed. Empty unquoted fields are NULL, as in ours.
  await conn.run(`CREATE TABLE ${name} AS SELECT * FROM read_csv(${lit(t.path)}, header=true, delim=',',
    quote='"', escape='"', columns={${cols}})`);
}
for (const q of plan.queries) {
  try {
    await conn.run(`COPY (${q.sql}) TO ${lit(q.out)} (FORMAT csv, HEADER true)`);
  } catch (e) {
    console.error(`query ${q.name} failed: ${e.message}`);
    process.exitCode = 1;
  }
}
conn.closeSync();
db.closeSync();

// Test helper run by parquet_interop_test through ../shared/peers/peer (copied next to the peers'
// node_modules first). Two commands:
//   make DIR        writes DuckDB- and Polars-made Parquet files of every type, with nulls, in
//                   every compression (and DuckDB's data page v2 / delta encodings) into DIR and
//                   prints their names as JSON.
//   dump [--duckdb-only] FILE...
//                   prints, per file, DuckDB's and Polars' schema and rows as canonical strings:
//                   timestamps as epoch microseconds, blobs as hex, everything else cast to text.
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { DuckDBInstance } = require('@duckdb/node-api');
const pl = require('nodejs-polars');

const inst = await DuckDBInstance.create(':memory:');
const conn = await inst.connect();
const q = async (sql) => (await conn.runAndReadAll(sql)).getRowsJS();
const sq = (s) => s.replace(/'/g, "''");
const [cmd, ...args] = process.argv.slice(2);
const big = (_, v) => (typeof v === 'bigint' ? v.toString() : v);

const ROWS = 3000;
// Every type we read, nulls every 7th row, low-cardinality and unique strings.
const DUCK_TABLE = `SELECT
  CASE WHEN i % 7 = 0 THEN NULL ELSE i % 2 = 0 END AS b,
  CASE WHEN i % 7 = 1 THEN NULL ELSE (i * 37 - 5000)::INTEGER END AS i32,
  CASE WHEN i % 7 = 2 THEN NULL ELSE (i * 1234567891)::BIGINT END AS i64,
  CASE WHEN i % 7 = 3 THEN NULL ELSE (i / 8.0)::FLOAT END AS f32,
  CASE WHEN i % 7 = 4 THEN NULL ELSE i * 1.25e-3 - 1 END AS f64,
  CASE WHEN i % 7 = 5 THEN NULL ELSE (i * 3.17)::DECIMAL(9,2) END AS d9,
  CASE WHEN i % 7 = 6 THEN NULL ELSE (i * -12345.6789)::DECIMAL(18,4) END AS d18,
  CASE WHEN i % 7 = 0 THEN NULL ELSE (i * 98765432109876.54321)::DECIMAL(38,5) END AS d38,
  CASE WHEN i % 7 = 1 THEN NULL ELSE 'status_' || (i % 5) END AS s_dict,
  CASE WHEN i % 7 = 2 THEN NULL ELSE 'unique ü ' || i || repeat('x', i % 13) END AS s_plain,
  CASE WHEN i % 7 = 3 THEN NULL ELSE ('\\x00\\xFF' || i)::BLOB END AS bin,
  CASE WHEN i % 7 = 4 THEN NULL ELSE DATE '2024-02-29' + (i - 1500)::INTEGER END AS dt,
  CASE WHEN i % 7 = 5 THEN NULL ELSE TIMESTAMP '2024-05-01 12:00:00' + to_microseconds(i * 1234567891) END AS ts,
  CASE WHEN i % 7 = 6 THEN NULL ELSE TIMESTAMPTZ '2024-05-01 12:00:00+00' + to_microseconds(i * 7777777) END AS tstz,
  CASE WHEN i % 7 = 0 THEN NULL ELSE (i % 250)::UTINYINT END AS u8,
  CASE WHEN i % 7 = 1 THEN NULL ELSE (i * 100000)::UINTEGER END AS u32,
  CASE WHEN i % 7 = 2 THEN NULL ELSE (i * 1000000000000)::UBIGINT END AS u64,
  CASE WHEN i % 7 = 3 THEN NULL ELSE (i % 100)::SMALLINT END AS i16
FROM range(${ROWS}) t(i)`;

async function make(dir) {
  const files = [];
  await q(`CREATE TABLE t AS ${DUCK_TABLE}`);
  for (const codec of ['uncompressed', 'snappy', 'gzip', 'zstd', 'lz4_raw']) {
    const f = `${dir}/duckdb_${codec}.parquet`;
    await q(`COPY t TO '${sq(f)}' (FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE 1000)`);
    files.push(f);
  }
  const v2 = `${dir}/duckdb_v2_zstd.parquet`;
  await q(`COPY t TO '${sq(v2)}' (FORMAT parquet, COMPRESSION zstd, PARQUET_VERSION V2, ROW_GROUP_SIZE 1000)`);
  files.push(v2);
  // Polars writes from the same data (through a DuckDB-made file it reads back).
  const df = pl.readParquet(`${dir}/duckdb_uncompressed.parquet`);
  for (const codec of ['uncompressed', 'snappy', 'gzip', 'lz4', 'zstd']) {
    const f = `${dir}/polars_${codec}.parquet`;
    df.writeParquet(f, { compression: codec });
    files.push(f);
  }
  console.log(JSON.stringify(files));
}

function canonicalDuck(name, type) {
  const c = `"${name.replace(/"/g, '""')}"`;
  if (type.startsWith('TIMESTAMP')) return `epoch_us(${c})::VARCHAR`;
  if (type === 'BLOB') return `hex(${c})`;
  return `${c}::VARCHAR`;
}

// DuckDB skips row groups by their min/max statistics when a WHERE clause allows it; counting
// the same condition inside an aggregate reads every row. Equal counts mean our statistics are
// consistent with the data. Returns the conditions whose counts differ.
async function statsCheck(f, schema) {
  const bad = [];
  const src = `read_parquet('${sq(f)}')`;
  const n = Number((await q(`SELECT count(*) FROM ${src}`))[0][0]);
  for (const { name, type } of schema) {
    if (type === 'BLOB' || type === 'BOOLEAN' || n === 0) continue;
    const c = `"${name.replace(/"/g, '""')}"`;
    for (const at of [Math.floor(n / 3), Math.floor((2 * n) / 3)]) {
      const probe = await q(`SELECT ${c}::VARCHAR FROM ${src} LIMIT 1 OFFSET ${at}`);
      if (!probe.length || probe[0][0] === null) continue;
      const lit = `'${sq(String(probe[0][0]))}'::${type}`;
      for (const op of ['=', '<', '<=', '>', '>=']) {
        const pushed = Number((await q(`SELECT count(*) FROM ${src} WHERE ${c} ${op} ${lit}`))[0][0]);
        const full = Number((await q(`SELECT count(*) FILTER (WHERE (${c} ${op} ${lit}) IS TRUE) FROM ${src}`))[0][0]);
        if (pushed !== full) bad.push(`${name} ${op} ${probe[0][0]}: ${pushed} vs ${full}`);
      }
    }
  }
  return bad;
}

async function dump(argv) {
  const duckOnly = argv[0] === '--duckdb-only';
  const checkStats = argv.includes('--check-stats');
  argv = argv.filter((a) => a !== '--check-stats');
  const files = duckOnly ? argv.slice(1) : argv;
  const out = [];
  for (const f of files) {
    const r = { file: f };
    try {
      const desc = await q(`DESCRIBE SELECT * FROM read_parquet('${sq(f)}')`);
      const schema = desc.map((d) => ({ name: d[0], type: d[1] }));
      const cols = schema.map((s) => canonicalDuck(s.name, s.type)).join(', ');
      r.duckdb = { schema, rows: await q(`SELECT ${cols} FROM read_parquet('${sq(f)}')`) };
      if (checkStats) r.duckdb.stats_mismatches = await statsCheck(f, schema);
    } catch (e) { r.duckdb = { error: String(e.message || e) }; }
    if (duckOnly) { out.push(r); continue; }
    try {
      const df = pl.readParquet(f);
      const schema = Object.entries(df.schema).map(([name, t]) => ({ name, type: String(t).replace(/^DataType\((.*)\)$/, '$1') }));
      r.polars = { schema, rows: df.height };
    } catch (e) { r.polars = { error: String(e.message || e) }; }
    out.push(r);
  }
  console.log(JSON.stringify(out, big));
}

if (cmd === 'make') await make(args[0]);
else if (cmd === 'dump') await dump(args);
else { console.error('usage: parquet_peers.mjs make DIR | dump FILE...'); process.exit(2); }
conn.closeSync();
inst.closeSync();

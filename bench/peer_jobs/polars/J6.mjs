// J6: orders.ndjson -> Parquet zstd with Polars' streaming NDJSON scan; created_at parsed as in J1.
import { createRequire } from 'node:module';
import { polars, DATA, out } from '../../jobs/common.mjs';
const { pl, ORDERS_SCHEMA } = await polars();
const { _Expr } = createRequire(import.meta.url)('nodejs-polars/bin/lazy/expr/index.js');
const ts = _Expr(pl.col('created_at')._expr.strToDatetime(
  '%Y-%m-%dT%H:%M:%S', 'us', undefined, true, true, false, undefined)).alias('created_at');
const dst = out('polars', 'J6_orders_zstd.parquet');
await pl.scanJson(`${DATA}/orders.ndjson`, { schema: ORDERS_SCHEMA })
  .withColumns(ts)
  .sinkParquet(dst, { compression: 'zstd' }).collect();
console.log(`-> ${dst}`);

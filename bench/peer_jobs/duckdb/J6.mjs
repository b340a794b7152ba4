// J6: orders.ndjson -> Parquet zstd, with the column types given (no inference), as our J6 has them.
import { duck, DATA, out } from '../../jobs/common.mjs';
const db = await duck();
const dst = out('duckdb', 'J6_orders_zstd.parquet');
const src = `read_json('${DATA}/orders.ndjson', format='newline_delimited',
  columns={'order_id':'BIGINT','customer_id':'INTEGER','country':'VARCHAR','status':'VARCHAR','amount':'DOUBLE',
           'quantity':'INTEGER','created_at':'TIMESTAMP','email':'VARCHAR','note':'VARCHAR'})`;
const r = await db.q(`COPY (SELECT * FROM ${src}) TO '${dst}' (FORMAT parquet, COMPRESSION zstd)`);
console.log(`rows_written=${r[0][0]} -> ${dst}`);
db.close();

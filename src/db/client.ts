import postgres from 'postgres';
import { embeddedDir, startEmbeddedPostgres } from './embedded.ts';

export type Sql = postgres.Sql;
/** A connection pool or a transaction: what a function that only runs queries needs. */
export type Queryable = postgres.ISql;
export type Database = { sql: Sql; close(): Promise<void> };

/**
 * `value` where the planner cannot see it (a subquery, run once per execution). PostgreSQL plans
 * a prepared statement again for each run while the values' statistics make its custom plan
 * look cheaper than the generic one: an album's page was planned anew on every request
 * (planning cost more than running it). Only for a value that does not change which plan is
 * right, which a plan test must show with the data skewed (src/albums/plan.test.ts): it did
 * not hold for one person's images (bench/HISTORY.md, "One plan per list").
 */
export const atRunTime = (sql: Queryable, value: string) => sql`(select ${value}::text)`;

/**
 * A count written into the query's text: the planner knows a limit as the constant it is, so a
 * query's plan depends on nothing a request brings (atRunTime) and one serves every request.
 */
export function count(sql: Queryable, n: number) {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a count: ${n}`);
  return sql.unsafe(String(n));
}

/** PostgreSQL refused a row because a unique index already holds its value (23505). */
export const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';

/**
 * Connections to a PostgreSQL server per instance. postgres.js pipelines queries on a busy
 * connection, so a few keep one event loop's requests going: on the 2-core machine, 2 to 4 served
 * the dashboard as fast as 10 or faster (bench/HISTORY.md, "four connections"), and many instances behind
 * a balancer fit in the server's `max_connections` (100 by default).
 */
export const DEFAULT_POOL_SIZE = 4;

/** Connects to `databaseUrl`, or starts the embedded PostgreSQL under `dataDir` when it is unset. */
export async function openDatabase(opts: { databaseUrl?: string; databasePoolSize?: number; dataDir: string }): Promise<Database> {
  if (opts.databaseUrl) {
    const sql = postgres(opts.databaseUrl, { max: opts.databasePoolSize ?? DEFAULT_POOL_SIZE, onnotice: () => {} });
    return { sql, close: () => sql.end({ timeout: 5 }) };
  }
  const pg = await startEmbeddedPostgres(embeddedDir(opts.dataDir));
  const sql = postgres({ ...pg.connection, max: 1, onnotice: () => {} });
  return {
    sql,
    async close() {
      await sql.end({ timeout: 5 });
      await pg.stop();
    },
  };
}

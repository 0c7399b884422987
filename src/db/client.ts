import postgres from 'postgres';
import { embeddedDir, startEmbeddedPostgres } from './embedded.ts';

export type Sql = postgres.Sql;
/** A connection pool or a transaction: what a function that only runs queries needs. */
export type Queryable = postgres.ISql;
export type Database = { sql: Sql; close(): Promise<void> };

/** PostgreSQL refused a row because a unique index already holds its value (23505). */
export const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';

/** Connects to `databaseUrl`, or starts the embedded PostgreSQL under `dataDir` when it is unset. */
export async function openDatabase(opts: { databaseUrl?: string; dataDir: string }): Promise<Database> {
  if (opts.databaseUrl) {
    const sql = postgres(opts.databaseUrl, { max: 10, onnotice: () => {} });
    return { sql, close: () => sql.end({ timeout: 5 }) };
  }
  const pg = await startEmbeddedPostgres(embeddedDir(opts.dataDir));
  const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
  return {
    sql,
    async close() {
      await sql.end({ timeout: 5 });
      await pg.stop();
    },
  };
}

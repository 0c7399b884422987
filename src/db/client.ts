import postgres from 'postgres';
import { embeddedDir, startEmbeddedPostgres } from './embedded.ts';

export type Sql = postgres.Sql;
export type Database = { sql: Sql; embedded: boolean; close(): Promise<void> };

/** Connects to `databaseUrl`, or starts the embedded PostgreSQL under `dataDir` when it is unset. */
export async function openDatabase(opts: { databaseUrl?: string; dataDir: string }): Promise<Database> {
  if (opts.databaseUrl) {
    const sql = postgres(opts.databaseUrl, { max: 10, onnotice: () => {} });
    return { sql, embedded: false, close: () => sql.end({ timeout: 5 }) };
  }
  const pg = await startEmbeddedPostgres(embeddedDir(opts.dataDir));
  const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
  return {
    sql,
    embedded: true,
    async close() {
      await sql.end({ timeout: 5 });
      await pg.stop();
    },
  };
}

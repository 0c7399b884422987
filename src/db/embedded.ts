import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export type EmbeddedPostgres = { url: string; stop(): Promise<void> };

/**
 * Starts PostgreSQL in-process (PGlite, file-backed in `dir`) behind a loopback socket, so the app
 * talks to it with postgres.js exactly as it would to a server.
 * PGlite has one session: the server and every client must use exactly one connection, or
 * messages of different connections interleave.
 */
export async function startEmbeddedPostgres(dir: string): Promise<EmbeddedPostgres> {
  const dataDir = resolve(dir);
  await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
  await server.start();
  const url = `postgres://postgres:postgres@${server.getServerConn()}/postgres`;
  return {
    url,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

/** Where the embedded database of a data directory lives. */
export function embeddedDir(dataDir: string) {
  return join(dataDir, 'pg');
}

import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** `connection`: postgres.js's options to reach it through its Unix socket (`path`). */
export type EmbeddedPostgres = { connection: { path: string; user: string; database: string }; stop(): Promise<void> };

/**
 * Starts PostgreSQL in-process (PGlite, file-backed in `dir`) behind a Unix socket, so the app
 * talks to it with postgres.js exactly as it would to a server. The socket sits in a folder of
 * its own that only this user may enter (PGlite asks for no password), with a short path
 * wherever the data lives; and a local socket costs less per query than loopback TCP.
 * PGlite has one session: the server and every client must use exactly one connection, or
 * messages of different connections interleave.
 */
export async function startEmbeddedPostgres(dir: string): Promise<EmbeddedPostgres> {
  const dataDir = resolve(dir);
  await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir });
  const socketDir = await mkdtemp(join(tmpdir(), 'cir-pg-'));
  const path = join(socketDir, '.s.PGSQL.5432');
  const server = new PGLiteSocketServer({ db, path, maxConnections: 1 });
  await server.start();
  return {
    connection: { path, user: 'postgres', database: 'postgres' },
    async stop() {
      await server.stop();
      await db.close();
      await rm(socketDir, { recursive: true, force: true });
    },
  };
}

/** Where the embedded database of a data directory lives. */
export function embeddedDir(dataDir: string) {
  return join(dataDir, 'pg');
}

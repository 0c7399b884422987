import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';

/** `connection`: postgres.js's options to reach it through its Unix socket (`path`). */
export type EmbeddedPostgres = { connection: { path: string; user: string; database: string }; stop(): Promise<void> };

/**
 * Starts PostgreSQL in this process (PGlite, file-backed in `dir`) behind a Unix socket, so the
 * app talks to it with postgres.js exactly as it would to a server. Both run in a worker thread
 * (embedded-worker.js): the database's work does not take turns with the requests'. The socket
 * sits in a folder of its own that only this user may enter (PGlite asks for no password), with
 * a short path wherever the data lives; and a local socket costs less per query than loopback TCP.
 * The database going away while the app runs is fatal: its error, or the worker's exit, is thrown.
 */
export async function startEmbeddedPostgres(dir: string): Promise<EmbeddedPostgres> {
  const dataDir = resolve(dir);
  await mkdir(dataDir, { recursive: true });
  const socketDir = await mkdtemp(join(tmpdir(), 'cir-pg-'));
  const path = join(socketDir, '.s.PGSQL.5432');
  const worker = new Worker(new URL('./embedded-worker.js', import.meta.url), { workerData: { dataDir, path } });
  try {
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the embedded database stopped while starting (${code})`)));
    });
  } catch (err) {
    await rm(socketDir, { recursive: true, force: true });
    throw err;
  }
  // From here an error in the worker has no listener: it is thrown, as the process's own would be.
  worker.removeAllListeners();
  let stopped: Promise<void> | undefined;
  worker.on('exit', (code) => {
    if (!stopped) throw new Error(`the embedded database stopped (${code})`);
  });
  async function stop() {
    const closed = once(worker, 'message');
    worker.postMessage('stop');
    await closed;
    await worker.terminate();
    await rm(socketDir, { recursive: true, force: true });
  }
  return { connection: { path, user: 'postgres', database: 'postgres' }, stop: () => (stopped ??= stop()) };
}

/** Where the embedded database of a data directory lives. */
export function embeddedDir(dataDir: string) {
  return join(dataDir, 'pg');
}

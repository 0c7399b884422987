// Plain JavaScript: a worker starts without the TypeScript loader of the main thread.
// The embedded PostgreSQL (PGlite, WebAssembly) and its socket server, on a thread of their own:
// each query runs here, on another core, while the server's thread goes on with its requests
// (on the server's thread, PGlite's work took turns with every request's rendering).
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** @type {{ dataDir: string, path: string }} */
const { dataDir, path } = workerData;
const db = await PGlite.create({ dataDir });
// PGlite has one session: the server must take exactly one connection, or messages of different
// connections interleave (and the client, too, uses exactly one).
const server = new PGLiteSocketServer({ db, path, maxConnections: 1 });
await server.start();
parentPort.postMessage('started');
parentPort.once('message', async () => {
  await server.stop();
  await db.close();
  parentPort.postMessage('stopped');
});

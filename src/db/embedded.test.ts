// The embedded database asks for no password: it must be reachable by the app's own user alone.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import postgres from 'postgres';
import { startEmbeddedPostgres } from './embedded.ts';

test('the embedded database listens on a Unix socket in a folder only its user may enter, gone once stopped; a second stop does nothing', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cir-embedded-'));
  const pg = await startEmbeddedPostgres(join(dir, 'pg'));
  try {
    assert.ok((await stat(pg.connection.path)).isSocket());
    assert.equal((await stat(dirname(pg.connection.path))).mode & 0o777, 0o700);
    const sql = postgres({ ...pg.connection, max: 1 });
    assert.deepEqual([...(await sql`select 1 as one`)], [{ one: 1 }]);
    await sql.end();
  } finally {
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  }
  await assert.rejects(stat(dirname(pg.connection.path)), { code: 'ENOENT' });
  await pg.stop(); // stopped already: nothing more to do (and no wait for a worker that is gone)
});

test('an embedded database that cannot start rejects with its error and leaves no socket folder behind', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cir-embedded-'));
  const before = new Set(await readdir(tmpdir()));
  try {
    // A data directory of a PostgreSQL PGlite cannot open: its start fails in the worker.
    await mkdir(join(dir, 'pg'));
    await writeFile(join(dir, 'pg', 'PG_VERSION'), '9\n');
    await assert.rejects(startEmbeddedPostgres(join(dir, 'pg')), /PGlite failed to initialize/);
    const left = (await readdir(tmpdir())).filter((f) => f.startsWith('cir-pg-') && !before.has(f));
    assert.deepEqual(left, []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('PGlite takes a query\'s messages in one call, not one call per message; a pipeline with a failing query in it answers each query as its own', async () => {
  // patches/@electric-sql+pglite-socket: each call costs a lock, a promise and a file-system
  // sync in PGlite, and each answer its own socket write (the search gained 10 %, embedded).
  const dir = await mkdtemp(join(tmpdir(), 'cir-embedded-'));
  const db = await PGlite.create();
  const server = new PGLiteSocketServer({ db, path: join(dir, '.s.PGSQL.5432'), maxConnections: 1 });
  await server.start();
  const sql = postgres({ path: join(dir, '.s.PGSQL.5432'), user: 'postgres', database: 'postgres', max: 1 });
  try {
    let calls = 0;
    const exec = db.execProtocolRawStream.bind(db);
    db.execProtocolRawStream = (message, opts) => (calls++, exec(message, opts));
    const query = (n: number) => sql`select ${n}::int as n`;
    await query(0); // prepared: from here, Bind, Execute and Sync for each
    calls = 0;
    for (let n = 1; n <= 20; n++) assert.equal((await query(n))[0]!.n, n);
    assert.ok(calls < 40, `${calls} calls for 20 queries (three messages each)`);
    // Sent together on the one connection, a failure ends at its own Sync.
    const answers = await Promise.allSettled([query(1), sql`select 1 / ${0}::int`, query(3), sql.begin((tx) => tx`select 4 as n`), query(5)]);
    assert.deepEqual(answers.map((a) => (a.status === 'fulfilled' ? a.value[0]!.n : a.reason.code)), [1, '22012', 3, 4, 5]);
  } finally {
    await sql.end();
    await server.stop();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
});

// The embedded database asks for no password: it must be reachable by the app's own user alone.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
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

// The embedded database asks for no password: it must be reachable by the app's own user alone.
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import postgres from 'postgres';
import { startEmbeddedPostgres } from './embedded.ts';

test('the embedded database listens on a Unix socket in a folder only its user may enter, gone once stopped', async () => {
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
});

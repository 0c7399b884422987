import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openTestDatabase } from '../test-support/harness.ts';
import { needsServer } from '../test-support/locks.ts';
import { openDatabase } from './client.ts';

test('a server pool opens at most DATABASE_POOL_SIZE connections and queues the rest on them', { skip: needsServer }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cir-pool-'));
  const own = await openTestDatabase(join(dir, 'pg'));
  const db = await openDatabase({ databaseUrl: own.url, databasePoolSize: 2, dataDir: dir });
  try {
    const rows = await Promise.all(Array.from({ length: 8 }, () => db.sql`select pg_backend_pid() as pid, pg_sleep(0.02)`));
    assert.equal(new Set(rows.map(([r]) => r!.pid)).size, 2);
  } finally {
    await db.close();
    await own.close();
    await rm(dir, { recursive: true, force: true });
  }
});

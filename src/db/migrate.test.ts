import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openTestDatabase, type TestDatabase } from '../test-support/harness.ts';
import { migrate } from './migrate.ts';
import postgres from 'postgres';

let dir: string;
let db: TestDatabase;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cir-migrate-'));
  db = await openTestDatabase(join(dir, 'pg'));
});
after(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

test('migrations are recorded and never applied twice', async () => {
  const names = (await db.sql`select name from schema_migrations order by name`).map((r) => r.name);
  assert.deepEqual(names.slice(0, 2), ['0001_users.sql', '0002_images.sql']);
  assert.deepEqual(await migrate(db.sql, 'sql'), []);
});

test('a new file is applied once, in a transaction: a failing one leaves nothing behind', async () => {
  const extra = join(dir, 'sql');
  await cp('sql', extra, { recursive: true });
  await writeFile(join(extra, '9000_broken.sql'), 'create table half_done (id int); select * from no_such_table;');
  await assert.rejects(migrate(db.sql, extra));
  assert.equal((await db.sql`select to_regclass('half_done') as t`)[0]!.t, null);
  await writeFile(join(extra, '9000_broken.sql'), 'create table fine (id int);');
  assert.deepEqual(await migrate(db.sql, extra), ['9000_broken.sql']);
});

test('two instances migrating at the same moment apply each file once', { skip: !process.env.TEST_DATABASE_URL && 'needs a PostgreSQL server (TEST_DATABASE_URL)' }, async () => {
  const extra = join(dir, 'sql-race');
  await cp('sql', extra, { recursive: true });
  await writeFile(join(extra, '9001_race.sql'), 'create table race (id int); select pg_sleep(0.2);');
  const a = postgres(db.url!, { max: 1, onnotice: () => {} });
  const b = postgres(db.url!, { max: 1, onnotice: () => {} });
  try {
    const [ra, rb] = await Promise.all([migrate(a, extra), migrate(b, extra)]);
    assert.deepEqual([...ra, ...rb], ['9001_race.sql']);
  } finally {
    await a.end();
    await b.end();
  }
});

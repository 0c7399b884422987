import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openTestDatabase, type TestDatabase } from '../test-support/harness.ts';
import { needsServer } from '../test-support/locks.ts';
import { migrate, MigrationError } from './migrate.ts';
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

/** The number the next migration file gets, zero-padded like the others. */
const nextNumber = async (offset = 1) => String((await readdir('sql')).filter((f) => f.endsWith('.sql')).length + offset).padStart(4, '0');

test('a new file is applied once, in a transaction: a failing one leaves nothing behind', async () => {
  const extra = join(dir, 'sql');
  await cp('sql', extra, { recursive: true });
  const name = `${await nextNumber()}_broken.sql`;
  await writeFile(join(extra, name), 'create table half_done (id int); select * from no_such_table;');
  await assert.rejects(migrate(db.sql, extra));
  assert.equal((await db.sql`select to_regclass('half_done') as t`)[0]!.t, null);
  await writeFile(join(extra, name), 'create table fine (id int);');
  assert.deepEqual(await migrate(db.sql, extra), [name]);
});

test('a gap or a repeat in the numbers is refused before anything runs', async () => {
  for (const [label, name] of [['gap', `${await nextNumber(2)}_after_a_gap.sql`], ['repeat', '0001_again.sql']]) {
    const extra = join(dir, `sql-${label}`);
    await cp('sql', extra, { recursive: true });
    await writeFile(join(extra, name), 'create table never_made (id int);');
    await assert.rejects(migrate(db.sql, extra), (err) => err instanceof MigrationError && /without gaps or repeats/.test(err.message), label);
    assert.equal((await db.sql`select to_regclass('never_made') as t`)[0]!.t, null);
  }
});

test('an applied migration missing from the folder is refused', async () => {
  const fewer = join(dir, 'sql-fewer');
  await cp('sql', fewer, { recursive: true });
  const last = (await readdir(fewer)).sort().at(-1)!;
  await rm(join(fewer, last));
  await assert.rejects(migrate(db.sql, fewer), (err) => err instanceof MigrationError && err.message.includes(last));
});

test('two instances migrating at the same moment apply each file once', { skip: needsServer }, async () => {
  const extra = join(dir, 'sql-race');
  await cp('sql', extra, { recursive: true });
  const name = `${await nextNumber()}_race.sql`;
  await writeFile(join(extra, name), 'create table race (id int); select pg_sleep(0.2);');
  // A database of its own: the other tests add migrations of theirs to the shared one.
  const own = await openTestDatabase(join(dir, 'pg-race'));
  const a = postgres(own.url!, { max: 1, onnotice: () => {} });
  const b = postgres(own.url!, { max: 1, onnotice: () => {} });
  try {
    const [ra, rb] = await Promise.all([migrate(a, extra), migrate(b, extra)]);
    assert.deepEqual([...ra, ...rb], [name]);
  } finally {
    await a.end();
    await b.end();
    await own.close();
  }
});

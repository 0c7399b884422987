import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { openTestDatabase, type TestDatabase } from '../test-support/harness.ts';
import { imagesByIds } from './by-id.sql.ts';
import { listKeys } from './list.sql.ts';
import { createRowCache, type RowCache } from './rows.ts';

let dir: string;
let db: TestDatabase;
let rowsOf: RowCache;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cir-rows-'));
  db = await openTestDatabase(join(dir, 'pg'));
  await db.sql`insert into users (id, email, username, password_hash) values ('u1', 'ann@example.com', 'ann', 'x')`;
  await db.sql`
    insert into images (id, user_id, filename, title, visibility, format, bytes, sha256, width, height, placeholder,
                        thumb_hash, thumb2x_hash, display_hash, clean_bytes, stored_bytes, created_at)
    select 'img-' || n, 'u1', 'photo-' || n || '.jpg', 'Photo ' || n, 'public', 'jpeg', 1000, md5(n::text), 40, 30, 'p',
           'aaaa', 'bbbb', 'cccc', 900, 1900, timestamptz '2026-01-01' + n * interval '1 minute'
    from generate_series(1, 5) n`;
});
after(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  rowsOf = createRowCache(db.sql);
});

const keys = () => listKeys(db.sql, { scope: { public: true }, sort: 'newest', limit: 10 });
const titles = async (k?: Awaited<ReturnType<typeof keys>>) => (await rowsOf(k ?? (await keys()))).map((r) => r.title);

test('the rows of a page of keys are the images as the database holds them, in the keys\' order', async () => {
  const rows = await rowsOf(await keys());
  assert.deepEqual(rows.map((r) => r.id), ['img-5', 'img-4', 'img-3', 'img-2', 'img-1']);
  // Read apart, as the API reads an image's details: every field both carry is the same.
  const whole = await imagesByIds(db.sql, rows.map((r) => r.id));
  const shared = (r: object) => Object.fromEntries(Object.entries(r).filter(([field]) => field in whole[0]! && field in rows[0]!));
  assert.deepEqual(rows.map(shared), whole.map(shared));
  assert.equal(rows[0]!.title, 'Photo 5');
});

test('a row is read again only when its revision moves: any update of it moves the revision', async () => {
  const before = await keys();
  assert.equal((await titles(before))[0], 'Photo 5');
  await db.sql`update images set title = 'Renamed' where id = 'img-5'`;
  // Keys read before the change still name the revision kept: the row is not read again.
  assert.equal((await titles(before))[0], 'Photo 5');
  const now = await keys();
  assert.notEqual(now[0]!.rev, before[0]!.rev);
  assert.deepEqual(now.slice(1).map((k) => k.rev), before.slice(1).map((k) => k.rev));
  assert.equal((await titles(now))[0], 'Renamed');
  // An update that sets a column to what it was makes a new row version too.
  await db.sql`update images set title = title where id = 'img-5'`;
  assert.notEqual((await keys())[0]!.rev, now[0]!.rev);
  await db.sql`update images set title = 'Photo 5' where id = 'img-5'`;
});

test('a search and a page before a cursor carry the same revisions as the list', async () => {
  const list = new Map((await keys()).map((k) => [k.id, k.rev]));
  const search = await listKeys(db.sql, { scope: { public: true }, sort: 'newest', q: 'photo', limit: 10 });
  const before = await listKeys(db.sql, { scope: { public: true }, sort: 'newest', cursor: { key: '2026-01-01 00:01:00+00', id: 'img-1' }, before: true, limit: 2 });
  assert.equal(search.length, 5);
  assert.deepEqual(before.map((k) => k.id), ['img-4', 'img-3', 'img-2']);
  for (const k of [...search, ...before]) assert.equal(k.rev, list.get(k.id), k.id);
  assert.deepEqual((await rowsOf(search)).map((r) => r.title), ['Photo 5', 'Photo 4', 'Photo 3', 'Photo 2', 'Photo 1']);
});

test('a page\'s keys are the id, the revision and where the image sorts as its cursor carries it, and nothing more', async () => {
  const expected = { newest: '2026-01-01 00:05:00+00', oldest: '2026-01-01 00:01:00+00', largest: '1000', taken: undefined } as const;
  // A cursor at the end of each order, so the page before it holds the other four.
  const last = { newest: '2026-01-01 00:01:00+00|img-1', oldest: '2026-01-01 00:05:00+00|img-5', largest: '1000|img-1', taken: 'taken|img-1' };
  for (const sort of ['newest', 'oldest', 'largest', 'taken'] as const) {
    const [key, id] = last[sort].split('|') as [string, string];
    for (const l of [{}, { q: 'photo' }, { cursor: { key, id }, before: true }]) {
      const [first] = await listKeys(db.sql, { scope: { public: true }, sort, limit: 10, ...l });
      const label = `${sort} ${JSON.stringify(l)}`;
      assert.deepEqual(Object.keys(first!).sort(), sort === 'taken' ? ['id', 'rev'] : ['id', 'key', 'rev'], label);
      assert.equal(typeof first!.rev, 'string', label);
      if (!('before' in l)) assert.equal(first!.key, expected[sort], label);
    }
  }
});

test('an image\'s owner and its owner\'s name are fixed, so a kept row\'s name is never stale: the database refuses either change', async () => {
  await assert.rejects(db.sql`update users set username = 'annie' where id = 'u1'`, /users\.username never changes/);
  await db.sql`insert into users (id, email, username, password_hash) values ('u2', 'bob@example.com', 'bob', 'x')`;
  try {
    await assert.rejects(db.sql`update images set user_id = 'u2' where id = 'img-1'`, /images\.user_id never changes/);
  } finally {
    await db.sql`delete from users where id = 'u2'`;
  }
  // Other columns of both change as before.
  await db.sql`update users set username = username, email = 'ann@example.org' where id = 'u1'`;
  assert.deepEqual(new Set((await rowsOf(await keys())).map((r) => r.username)), new Set(['ann']));
});

test('an image changed or gone between its key and its row is left out of that page, and shown as it is on the next', async () => {
  await db.sql`insert into images (id, user_id, filename, visibility, format, bytes, sha256, width, height, placeholder, thumb_hash, thumb2x_hash, display_hash, clean_bytes, stored_bytes)
    values ('img-gone', 'u1', 'gone.jpg', 'public', 'jpeg', 1000, 'x', 40, 30, 'p', 'a', 'b', 'c', 900, 1900),
           ('img-private', 'u1', 'private.jpg', 'public', 'jpeg', 1000, 'y', 40, 30, 'p', 'a', 'b', 'c', 900, 1900)`;
  try {
    await rowsOf(await keys()); // both kept
    await db.sql`update images set title = 'Changed' where id in ('img-gone', 'img-private')`;
    const stale = await keys();
    await db.sql`delete from images where id = 'img-gone'`;
    await db.sql`update images set visibility = 'private', title = 'Secret' where id = 'img-private'`;
    const shown = (await rowsOf(stale)).map((r) => r.id);
    assert.deepEqual(shown, ['img-5', 'img-4', 'img-3', 'img-2', 'img-1']);
    // Made public again: its next page shows what it is now.
    await db.sql`update images set visibility = 'public' where id = 'img-private'`;
    const now = await rowsOf(await keys());
    assert.equal(now.find((r) => r.id === 'img-private')?.title, 'Secret');
  } finally {
    await db.sql`delete from images where id in ('img-gone', 'img-private')`;
  }
});

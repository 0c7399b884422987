// Search by words (sql/0010): every word of the query begins a word of the title, filename,
// caption or alt text. Runs on embedded PostgreSQL (PGlite) and, with TEST_DATABASE_URL, a server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { newUser, TestClient } from '../test-support/client.ts';
import { listKeys, neighbours, searchWords, type Scope } from '../images/list.sql.ts';

let t: TestApp;
let maya: TestClient;
let mayaId: string;

type Row = { id: string; filename: string; visibility?: string; title?: string; caption?: string; alt_text?: string };

/** Rows only (no objects): what search reads. Created a second apart, in the order given (the last is the newest). */
async function seed(rows: Row[]) {
  const n = rows.length;
  await t.sql`insert into images ${t.sql(rows.map((r, i) => ({
    visibility: 'public', title: '', caption: '', alt_text: '', ...r,
    user_id: mayaId, format: 'jpeg', width: 10, height: 10, bytes: 100 + i, sha256: r.id, placeholder: 'x',
    thumb_hash: '0123456789abcdef', thumb2x_hash: '0123456789abcdef', display_hash: '0123456789abcdef',
    clean_bytes: 100, stored_bytes: 300, created_at: new Date(Date.now() - (n - i) * 1000),
  })))}`;
}

before(async () => {
  t = await startTestApp();
  maya = await newUser(t, 'maya');
  [{ id: mayaId }] = (await t.sql`select id from users where username = 'maya'`) as unknown as [{ id: string }];
  await seed([
    { id: 's-sunset1', filename: 'beach-sunset.jpg' },
    { id: 's-sunset2', filename: 'beach-sunset-2.jpg' },
    { id: 's-moon', filename: 'moon_over_the_bay.png' },
    { id: 's-titled', filename: 'PXL_20260412_183201.jpg', title: 'Harbour lights' },
    { id: 's-caption', filename: 'IMG_0042.jpg', caption: 'A walk on the beach at dawn' },
    { id: 's-alt', filename: 'IMG_0043.jpg', alt_text: 'Two dogs running in the surf' },
    { id: 's-private', filename: 'beach-sunset-private.jpg', visibility: 'private' },
    { id: 's-cafe', filename: 'café-crème.jpg' },
    { id: 's-sunset3', filename: 'beach.sunset.3.jpg' },
  ]);
});
after(() => t.close());

/** The ids a list query finds, in display order. */
async function find(q: string | undefined, scope: Scope = { public: true }) {
  return (await listKeys(t.sql, { scope, sort: 'newest', q, limit: 100 })).map((r) => r.id);
}
/** The three public beach sunsets, newest first. */
const SUNSETS = ['s-sunset3', 's-sunset2', 's-sunset1'];

describe('search by words', () => {
  test('"beach sunset" finds beach-sunset-2.jpg, as do "sunset beach" and the prefix "beac"; "beach moon" does not', async () => {
    assert.deepEqual(await find('beach sunset'), SUNSETS);
    assert.deepEqual(await find('sunset beach'), SUNSETS);
    assert.deepEqual(await find('beac'), ['s-sunset3', 's-caption', 's-sunset2', 's-sunset1']);
    assert.deepEqual(await find('BEACH Sun'), SUNSETS, 'in any case');
    assert.deepEqual(await find('beach moon'), []);
    assert.deepEqual(await find('sunset 2'), ['s-sunset2']);
  });

  test('filenames split at every kind of punctuation; titles, captions and alt texts are searched too', async () => {
    assert.deepEqual(await find('moon bay'), ['s-moon'], 'underscores');
    assert.deepEqual(await find('sunset 3'), ['s-sunset3'], 'dots');
    assert.deepEqual(await find('20260412'), ['s-titled']);
    assert.deepEqual(await find('harbour'), ['s-titled'], 'title');
    assert.deepEqual(await find('walk dawn'), ['s-caption'], 'caption');
    assert.deepEqual(await find('dogs surf'), ['s-alt'], 'alt text');
    assert.deepEqual(await find('café'), ['s-cafe'], 'letters beyond ASCII');
    assert.deepEqual(await find('crè'), ['s-cafe']);
  });

  test("the owner's dashboard finds private images too; the public lists never do", async () => {
    assert.deepEqual(await find('private'), []);
    assert.deepEqual(await find('private', { username: 'maya' }), []);
    assert.deepEqual(await find('private', { ownerId: mayaId }), ['s-private']);
    assert.match(await (await maya.request('/dashboard?q=beach+private')).text(), /id="image-s-private"/);
    const visitor = await (await new TestClient(t).request('/gallery?q=beach+private')).text();
    assert.doesNotMatch(visitor, /s-private/);
  });

  test('a query without words is no search, and query syntax never reaches the database', async () => {
    const all = await find(undefined);
    assert.equal(all.length, 8);
    for (const q of ['!!!', ' - ', '&|!():*', "'", '<->']) assert.deepEqual(await find(q), all, q);
    assert.deepEqual(searchWords("beach & !sunset:* | 'moon' <-> (x)"), ['beach', 'sunset', 'moon', 'x']);
    assert.deepEqual(await find("beach & !sunset:* | (2)"), ['s-sunset2'], 'operators are dropped, the words kept');
    const res = await new TestClient(t).request('/gallery?q=%27%3A*%26%7C!');
    assert.equal(res.status, 200);
  });

  test('images in the trash are not found', async () => {
    await t.sql`update images set deleted_at = now() where id = 's-sunset1'`;
    try {
      assert.deepEqual(await find('beach sunset'), ['s-sunset3', 's-sunset2']);
      assert.deepEqual(await find('beach sunset', { ownerId: mayaId }), ['s-sunset3', 's-private', 's-sunset2']);
    } finally {
      await t.sql`update images set deleted_at = null where id = 's-sunset1'`;
    }
  });

  test('previous and next on the image page follow the same search', async () => {
    const at = async (id: string) => {
      const [row] = await t.sql<{ ts: string; bytes: number }[]>`select created_at::text as ts, bytes from images where id = ${id}`;
      return { id, ...row! };
    };
    assert.deepEqual(await neighbours(t.sql, { scope: { public: true }, sort: 'newest', q: 'beach sunset' }, await at('s-sunset2')),
      { prev: 's-sunset3', next: 's-sunset1' });
    const page = await (await new TestClient(t).request('/images/s-sunset2?in=gallery&q=sunset+beach')).text();
    assert.match(page, /href="\/images\/s-sunset3\?in=gallery&amp;q=sunset\+beach"[^>]*rel="prev"/);
    assert.match(page, /href="\/images\/s-sunset1\?in=gallery&amp;q=sunset\+beach"[^>]*rel="next"/);
  });

  test('a page before a cursor comes in display order, the extra row first', async () => {
    const all = await find(undefined);
    const cursorAt = async (id: string) => {
      const [row] = await t.sql<{ ts: string }[]>`select created_at::text as ts from images where id = ${id}`;
      return { key: row!.ts, id };
    };
    const before = await listKeys(t.sql, { scope: { public: true }, sort: 'newest', cursor: await cursorAt(all[5]!), before: true, limit: 3 });
    assert.deepEqual(before.map((r) => r.id), all.slice(1, 5), 'limit + 1 rows: the one before the page first');
    const first = await listKeys(t.sql, { scope: { public: true }, sort: 'newest', cursor: await cursorAt(all[2]!), before: true, limit: 3 });
    assert.deepEqual(first.map((r) => r.id), all.slice(0, 2), 'the first page: no extra row');
    const oldest = await listKeys(t.sql, { scope: { public: true }, sort: 'oldest', cursor: await cursorAt(all[2]!), before: true, limit: 2 });
    assert.deepEqual(oldest.map((r) => r.id), [...all].reverse().slice(2, 5), 'oldest first');
  });
});

// The page cache under a stream of uploads: a cached page of a keyset list is dropped only when
// an image in its stretch of the list changes (sql/0018), or when something no image row names
// changes (an album, a moderator, a disabled account: everything renders again).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApp } from '../app.tsx';
import { bumpPublicVersion } from '../instance/settings.sql.ts';
import { newUser, TestClient } from '../test-support/client.ts';
import { jpeg } from '../test-support/fixtures.ts';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { listedRow } from '../test-support/seed.ts';
import { createPageCache } from './page-cache.ts';
import { createChangeLog, spanOf } from './public-changes.ts';

let t: TestApp;
/** A second instance over the same database: pages are cached there, changes made through `t`. */
let other: Pick<TestApp, 'app'>;
let alice: TestClient;
let aliceId: string;
const SEEDED = 150;

const visit = async (path: string) => {
  const res = await new TestClient(other).request(path);
  assert.equal(res.status, 200, path);
  return res.text();
};
const nextOf = (html: string) => html.match(/href="([^"]+)" rel="next"/)![1]!.replaceAll('&amp;', '&');
/** Renames an image behind every trigger's back: a page still showing the old title came from the cache. */
const renameSilently = (id: string, title: string) => t.sql.begin(async (tx) => {
  await tx`alter table images disable trigger user`;
  await tx`update images set title = ${title} where id = ${id}`;
  await tx`alter table images enable trigger user`;
});
/** Seeded image n: one minute older per n, titled `seed n`. */
const seeded = (n: number) => `churn-${n}`;

before(async () => {
  t = await startTestApp();
  other = { app: createApp(t) };
  alice = await newUser(t, 'alice');
  aliceId = (await t.sql<{ id: string }[]>`select id from users where username = 'alice'`)[0]!.id;
  const rows = Array.from({ length: SEEDED }, (_, i) => ({
    ...listedRow({ id: seeded(i + 1), user_id: aliceId, visibility: 'public' }, 1000 + i),
    title: `seed ${i + 1}`,
    created_at: new Date(Date.now() - (i + 1) * 60_000),
  }));
  await t.sql`insert into images ${t.sql(rows)}`;
});
after(() => t.close());

describe('the page cache under churn', () => {
  test('a new public upload renders page 1 again but leaves the page after a cursor cached', async () => {
    const first = await visit('/gallery');
    const deep = nextOf(first);
    assert.match(await visit(deep), /seed 60\b/);
    await renameSilently(seeded(60), 'renamed quietly');

    await alice.upload([{ name: 'fresh.jpg', data: await jpeg(40, 30) }], 'public');
    assert.match(await visit('/gallery'), /fresh\.jpg/, 'page 1 shows the upload');
    const page2 = await visit(deep);
    assert.match(page2, /seed 60\b/, 'page 2 came from the cache');
    assert.doesNotMatch(page2, /renamed quietly/);
  });

  test('a change to an image on the page renders it again: an edit, a visibility change, a delete', async () => {
    const deep = nextOf(await visit('/gallery'));
    await visit(deep);
    await renameSilently(seeded(70), 'renamed quietly 70');
    await alice.postForm(`/images/${seeded(71)}/details`, { title: 'Edited in place', caption: '', alt_text: '' });
    let page = await visit(deep);
    assert.match(page, /Edited in place/, 'edit');
    assert.match(page, /renamed quietly 70/, 'and the whole page is new');

    await alice.postForm(`/images/${seeded(72)}/visibility`, { visibility: 'private' });
    assert.doesNotMatch(await visit(deep), /seed 72\b/, 'made private');
    await alice.postForm(`/images/${seeded(72)}/visibility`, { visibility: 'public' });
    assert.match(await visit(deep), /seed 72\b/, 'public again');

    await alice.postForm(`/images/${seeded(73)}/delete`, {});
    page = await visit(deep);
    assert.doesNotMatch(page, /seed 73\b/, 'deleted');
  });

  test('a change just past the page (its next-page row) renders it again; one pages further does not', async () => {
    const page1 = await visit('/gallery');
    const deep = nextOf(page1);
    const page2 = await visit(deep);
    const third = nextOf(page2);
    const firstOfNext = Number((await visit(third)).match(/seed (\d+)\b/)![1]);
    await renameSilently(seeded(firstOfNext - 5), 'quiet on page 2');

    await t.sql`update images set caption = 'far away' where id = ${seeded(SEEDED)}`;
    assert.doesNotMatch(await visit(deep), /quiet on page 2/, 'the last page changed, page 2 did not');

    await t.sql`update images set title = 'gone next' where id = ${seeded(firstOfNext)}`;
    assert.match(await visit(deep), /quiet on page 2/, 'its next-page row decides whether it has a next page');
  });

  test('sort=oldest: new uploads land on the last page and leave the full ones cached', async () => {
    const oldest = await visit('/gallery?sort=oldest');
    assert.match(oldest, new RegExp(`seed ${SEEDED}\\b`));
    await renameSilently(seeded(SEEDED), 'the oldest, quietly');
    await alice.upload([{ name: 'newer.jpg', data: await jpeg(41, 30) }], 'public');
    assert.doesNotMatch(await visit('/gallery?sort=oldest'), /the oldest, quietly/);
  });

  test('changes no image row names render every page again: an album, a moderator, the settings', async () => {
    const deep = nextOf(await visit('/gallery'));
    await visit(deep);
    await renameSilently(seeded(80), 'after a global change');
    await bumpPublicVersion(t.sql);
    assert.match(await visit(deep), /after a global change/);

    await visit(deep);
    await renameSilently(seeded(81), 'after an album');
    await t.sql`insert into albums (id, user_id, title, visibility) values ('churn-album', ${aliceId}, 'Album', 'public')`;
    assert.match(await visit(deep), /after an album/);
  });

  test('a disabled owner withholds every image at once', async () => {
    const bob = await newUser(t, 'bob');
    await bob.upload([{ name: 'bobs.jpg', data: await jpeg(42, 30) }], 'public');
    const bobId = (await t.sql<{ id: string }[]>`select id from users where username = 'bob'`)[0]!.id;
    assert.match(await visit('/gallery'), /bobs\.jpg/);
    // As setDisabled does it (admin/people.sql.ts), in one transaction.
    await t.sql.begin(async (tx) => {
      await tx`update images set owner_disabled = true where user_id = ${bobId}`;
      await bumpPublicVersion(tx);
    });
    assert.doesNotMatch(await visit('/gallery'), /bobs\.jpg/);
  });
});

describe('createPageCache with spans', () => {
  test('keeps a page while changes fall outside its span; any gap in the versions drops it', async () => {
    const cache = createPageCache(createChangeLog(t.sql));
    let renders = 0;
    const [from, to] = ['2020-01-02 00:00:00+00', '2020-01-01 00:00:00.5+00'];
    const page = () => cache.get('span', async (cover) => { renders++; cover({ sort: 'newest', from, to }); return 'page'; });
    const insert = (id: string, at: string, visibility = 'public') =>
      t.sql`insert into images ${t.sql({ ...listedRow({ id, user_id: aliceId, visibility }), created_at: at })}`;
    await page();
    await insert('span-newer', '2021-06-01 00:00:00+00');
    await insert('span-older', '2019-06-01 00:00:00+00');
    await insert('span-private', '2020-01-01 12:00:00+00', 'private');
    await page();
    assert.equal(renders, 1, 'newer and older images are outside it, and a private one is in no public list');
    await insert('span-edge', '2020-01-01 00:00:00.5+00');
    await page();
    assert.equal(renders, 2, 'an image at its end is in it');
    await page();
    await t.sql`update public_version set n = n + 1`;
    await page();
    assert.equal(renders, 3, 'a version no change names');
  });

  test('spanOf: from the cursor to the next page row, or back from the cursor', () => {
    const rows = [1, 2, 3].map((i) => ({ key: `t${i}` }));
    assert.deepEqual(spanOf('newest', rows, 2, {}), { sort: 'newest', from: undefined, to: 't3' });
    const sizes = [5, 4, 3].map((i) => ({ key: String(i) }));
    assert.deepEqual(spanOf('largest', sizes, 2, { cursor: { key: '9', id: 'x' } }), { sort: 'largest', from: '9', to: '3' });
    assert.deepEqual(spanOf('oldest', rows.slice(0, 2), 2, { cursor: { key: 't0', id: 'x' } }), { sort: 'oldest', from: 't0', to: undefined });
    assert.deepEqual(spanOf('newest', rows, 2, { cursor: { key: 't4', id: 'x' }, before: true }), { sort: 'newest', from: 't1', to: 't4' });
    assert.deepEqual(spanOf('taken', rows, 2, {}), { sort: 'taken' });
  });
});

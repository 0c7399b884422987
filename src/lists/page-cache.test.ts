import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApp } from '../app.tsx';
import { newUser, TestClient } from '../test-support/client.ts';
import { jpeg } from '../test-support/fixtures.ts';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { createPageCache } from './page-cache.ts';
import { createChangeLog } from './public-changes.ts';

// Two instances of the app over one database, like two servers behind a load balancer: each has
// its own page cache, and a change made through one must show through the other at once.
describe('the public page cache across instances', () => {
  let t: TestApp;
  let other: Pick<TestApp, 'app'>;
  const visitor = () => new TestClient(other);
  const gallery = async () => (await (await visitor().request('/gallery')).text());
  const idOf = async (filename: string) =>
    ((await t.sql`select id from images where filename = ${filename}`) as unknown as [{ id: string }])[0].id;

  before(async () => {
    t = await startTestApp();
    other = { app: createApp(t) };
  });
  after(() => t.close());

  test('public_version moves with public images only', async () => {
    const version = async () => ((await t.sql`select n from public_version`) as unknown as [{ n: string }])[0].n;
    const alice = await newUser(t, 'version');
    const start = await version();
    await alice.upload([{ name: 'quiet.jpg', data: await jpeg(20, 20) }], 'private');
    assert.equal(await version(), start, 'a private upload changes no public page');
    await alice.upload([{ name: 'loud.jpg', data: await jpeg(21, 20) }], 'public');
    assert.notEqual(await version(), start);
  });

  test('uploads, edits, visibility changes and deletes through one instance show through the other', async () => {
    const alice = await newUser(t, 'alice');
    await alice.upload([{ name: 'sunrise.jpg', data: await jpeg(30, 20) }], 'public');
    assert.match(await gallery(), /sunrise\.jpg/);
    assert.equal(await gallery(), await gallery(), 'served from the cache: the same page');

    await alice.upload([{ name: 'sunset.jpg', data: await jpeg(31, 20) }], 'public');
    assert.match(await gallery(), /sunset\.jpg/, 'upload');

    const id = await idOf('sunset.jpg');
    await alice.postForm(`/images/${id}/details`, { title: 'Evening over the bay', caption: '', alt_text: '' });
    assert.match(await gallery(), /Evening over the bay/, 'edit');

    await alice.postForm(`/images/${id}/visibility`, { visibility: 'private' });
    assert.doesNotMatch(await gallery(), /Evening over the bay/, 'made private');
    await alice.postForm(`/images/${id}/visibility`, { visibility: 'public' });
    assert.match(await gallery(), /Evening over the bay/, 'made public again');

    await alice.postForm(`/images/${id}/delete`, {});
    assert.doesNotMatch(await gallery(), /Evening over the bay/, 'delete');
    assert.match(await (await visitor().request('/u/alice')).text(), /sunrise\.jpg/);

    await alice.postForm('/settings/delete-account', { password: 'correct horse battery' });
    assert.doesNotMatch(await gallery(), /sunrise\.jpg/, 'account deleted');
  });

  test('a cached page costs a visitor one query: the check that visitors may browse shares the version read', async () => {
    let queries = 0;
    const sql = new Proxy(t.sql, { apply: (query, self, args) => (queries++, Reflect.apply(query, self, args)) });
    const counted = new TestClient({ app: createApp({ ...t, sql }) });
    const alice = await newUser(t, 'counted');
    await alice.upload([{ name: 'counted.jpg', data: await jpeg(22, 20) }], 'public');
    for (const path of ['/gallery', '/', '/gallery.atom']) {
      assert.match(await (await counted.request(path)).text(), /counted\.jpg/, `${path} rendered`);
      queries = 0;
      const res = await counted.request(path);
      assert.equal(res.status, 200);
      assert.match(await res.text(), /counted\.jpg/);
      assert.equal(queries, 1, `${path}, from the cache`);
    }
    await t.sql`update instance_settings set gallery_public = false`;
    try {
      queries = 0;
      const res = await counted.request('/gallery');
      assert.equal(res.status, 303, 'members only now: the same read says so');
      assert.equal(queries, 1);
    } finally {
      await t.sql`update instance_settings set gallery_public = true`;
    }
  });

  test('a signed-in user gets their own header around a cached list, and visitors never see it', async () => {
    const bob = await newUser(t, 'bob');
    await bob.upload([{ name: 'harbour.jpg', data: await jpeg(32, 20) }], 'public');
    assert.match(await gallery(), /Log in/);
    const signedIn = await (await new TestClient(other).request('/gallery', { headers: { Cookie: [...bob.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } })).text();
    assert.match(signedIn, /Log out bob/);
    assert.match(signedIn, /harbour\.jpg/);
    const again = await gallery();
    assert.doesNotMatch(again, /Log out/);
    assert.match(again, /harbour\.jpg/);
  });

  test('requests that miss together share one rendering', async () => {
    const cache = createPageCache(createChangeLog(t.sql));
    let renders = 0;
    const render = async () => {
      renders++;
      await new Promise((r) => setTimeout(r, 20));
      return '<p>page</p>';
    };
    const pages = await Promise.all(Array.from({ length: 10 }, () => cache.get('page /gallery', render)));
    assert.deepEqual(new Set(pages), new Set(['<p>page</p>']));
    assert.equal(renders, 1);
    await cache.get('page /gallery', render);
    assert.equal(renders, 1, 'then served from the cache');
    await t.sql`update public_version set n = n + 1`;
    await cache.get('page /gallery', render);
    assert.equal(renders, 2, 'rendered again once the version moved');
  });

  test('keeps at most its size budget, dropping the least recently used page first', async () => {
    const cache = createPageCache(createChangeLog(t.sql), 20);
    const rendered: string[] = [];
    const page = (key: string) => cache.get(key, async () => { rendered.push(key); return key.padEnd(10, '.'); });
    await page('a');
    await page('b');
    await page('a'); // hit: now b is the least recently used
    await page('c'); // 30 bytes: b goes
    await page('a');
    await page('b');
    assert.deepEqual(rendered, ['a', 'b', 'c', 'b']);
  });

  test('htmx asks for the next items and gets a fragment, cached apart from the page', async () => {
    const items = await (await visitor().request('/gallery', { headers: { 'HX-Request': 'true' } })).text();
    assert.doesNotMatch(items, /<html/);
    assert.match(items, /class="tile ar-\d+"/);
    assert.match(await gallery(), /<html/);
  });
});

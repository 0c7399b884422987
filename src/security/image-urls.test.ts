// Every image URL a page shows must serve an image; public derivative URLs must stop being used
// when the owner withdraws the image; downloads are named for what they really are.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { newUser, TestClient } from '../test-support/client.ts';
import { jpeg, makeImage } from '../test-support/fixtures.ts';

let t: TestApp;
let owner: TestClient;
let visitor: TestClient;

before(async () => {
  t = await startTestApp();
  owner = await newUser(t, 'pictures');
  visitor = new TestClient(t);
});
after(() => t.close());

/** Every `src` and every `srcset` candidate of the page's <img> elements. */
async function imageSources(c: TestClient, path: string) {
  const res = await c.request(path);
  assert.equal(res.status, 200, path);
  const html = await res.text();
  const urls = new Set<string>();
  for (const [tag] of html.matchAll(/<img\b[^>]*>/g)) {
    const src = /\ssrc="([^"]+)"/.exec(tag)?.[1];
    if (src) urls.add(src);
    const srcset = /\ssrcset="([^"]+)"/.exec(tag)?.[1];
    for (const candidate of srcset?.split(',') ?? []) urls.add(candidate.trim().split(/\s+/)[0]!);
  }
  return [...urls].map((u) => u.replaceAll('&amp;', '&'));
}

async function idOf(filename: string) {
  const [row] = await t.sql<{ id: string }[]>`select id from images where filename = ${filename}`;
  return row!.id;
}

describe('image URLs on pages', () => {
  test('every src and srcset candidate of the gallery, dashboard, user page and image page answers 200 with an image', async () => {
    await owner.upload([{ name: 'wide.jpg', data: await jpeg(1800, 1000) }, { name: 'hidden.png', data: await makeImage('png', 900, 900) }], 'public');
    await t.sql`update images set visibility = 'private' where filename = 'hidden.png'`;
    const pub = await idOf('wide.jpg');
    const priv = await idOf('hidden.png');
    const pages: [TestClient, string, number][] = [
      [visitor, '/gallery', 2], // 1x and 2x of the public image
      [visitor, '/u/pictures', 2],
      [owner, '/gallery', 2],
      [owner, '/dashboard', 4], // both images, 1x and 2x
      [visitor, `/images/${pub}`, 1],
      [owner, `/images/${pub}`, 1],
      [owner, `/images/${priv}`, 1],
    ];
    for (const [client, path, expected] of pages) {
      const urls = (await imageSources(client, path)).filter((u) => u.startsWith('/images/'));
      assert.equal(urls.length, expected, `${path}: ${urls.join(' ')}`);
      for (const url of urls) {
        const res = await client.request(url);
        assert.equal(res.status, 200, `${path} shows ${url}`);
        assert.match(res.headers.get('content-type') ?? '', /^image\//, url);
        assert.ok((await res.arrayBuffer()).byteLength > 0, url);
      }
    }
  });
});

describe('withdrawn images and shared caches', () => {
  test('a public derivative URL answers 404 once the image is private, and the pages use a new one', async () => {
    await owner.upload([{ name: 'withdrawn.jpg', data: await jpeg(500, 400) }], 'public');
    const id = await idOf('withdrawn.jpg');
    const before = await imageSources(visitor, `/images/${id}`);
    const res = await visitor.request(before[0]!);
    assert.match(res.headers.get('cache-control')!, /^public, .*immutable/);

    const made = await owner.postForm(`/images/${id}/visibility`, { visibility: 'private' });
    assert.equal(made.status, 303);
    for (const c of [visitor, owner]) assert.equal((await c.request(before[0]!)).status, 404, 'the old public URL is withdrawn');
    const after = await imageSources(owner, `/images/${id}`);
    assert.notDeepEqual(after, before);
    const mine = await owner.request(after[0]!);
    assert.equal(mine.status, 200);
    assert.match(mine.headers.get('cache-control')!, /^private/);

    // Public again: yet another URL, never one a cache saw before the withdrawal.
    await owner.postForm(`/images/${id}/visibility`, { visibility: 'public' });
    const again = await imageSources(visitor, `/images/${id}`);
    assert.notDeepEqual(again, before);
    assert.equal((await visitor.request(again[0]!)).status, 200);
  });

  test('deleted: every URL of the image answers 404', async () => {
    await owner.upload([{ name: 'deleted.jpg', data: await jpeg(300, 300) }], 'public');
    const id = await idOf('deleted.jpg');
    const urls = [...(await imageSources(visitor, '/u/pictures')).filter((u) => u.includes(id)), `/images/${id}/original`];
    assert.equal(urls.length, 3);
    assert.equal((await owner.postForm(`/images/${id}/delete`, {})).status, 303);
    for (const url of urls) assert.equal((await visitor.request(url)).status, 404, url);
  });

  test("the public full-size copy may sit in shared caches for a minute at most", async () => {
    await owner.upload([{ name: 'short-lived.jpg', data: await jpeg(200, 200) }], 'public');
    const res = await visitor.request(`/images/${await idOf('short-lived.jpg')}/original`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'public, max-age=60');
  });
});

describe('download names', () => {
  test('a PNG named invoice.html is saved as invoice.png; a right extension is kept', async () => {
    await owner.upload([
      { name: 'invoice.html', data: await makeImage('png', 50, 50) },
      { name: 'Holiday.JPEG', data: await jpeg(60, 50) },
      { name: 'noextension', data: await makeImage('gif', 40, 40) },
    ], 'public');
    const expected = { 'invoice.html': 'invoice.png', 'Holiday.JPEG': 'Holiday.JPEG', noextension: 'noextension.gif' };
    for (const [uploaded, saved] of Object.entries(expected)) {
      const path = `/images/${await idOf(uploaded)}/original?download=1`;
      for (const c of [owner, visitor]) {
        const disposition = (await c.request(path)).headers.get('content-disposition')!;
        assert.equal(disposition, `attachment; filename="${saved}"; filename*=UTF-8''${saved}`, `${uploaded} for ${c === owner ? 'owner' : 'visitor'}`);
      }
    }
  });
});

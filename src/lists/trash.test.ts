// The trash: a delete takes an image out of every URL and list at once, keeps its bytes (and its
// place in the quota) until it is restored, emptied, or purged by the janitor after TRASH_DAYS.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../config.ts';
import { janitorDeps } from '../deps.ts';
import { runJanitor } from '../janitor/janitor.ts';
import { allKeys, type KeyParts } from '../images/keys.ts';
import { originalUrl, variantUrl } from '../images/urls.ts';
import { encodeFlash } from '../web/flash.ts';
import { assertConsistent, isStored, storedKeys, uploadedKeys } from '../test-support/consistency.ts';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { newUser, TestClient } from '../test-support/client.ts';
import { jpeg } from '../test-support/fixtures.ts';
import { needsServer, whileLocked } from '../test-support/locks.ts';

let t: TestApp;
let alice: TestClient;
let bob: TestClient;
let visitor: TestClient;
before(async () => {
  t = await startTestApp();
  alice = await newUser(t, 'alice');
  bob = await newUser(t, 'bob');
  visitor = new TestClient(t);
});
after(() => t.close());

type Row = KeyParts & { epoch: number; user_id: string; share_token: string | null };
let shade = 0;

/** Uploads one image of fresh pixels (or `data`); its row. */
async function upload(c: TestClient, name: string, visibility: 'public' | 'private', data?: Buffer) {
  assert.equal((await c.upload([{ name, data: data ?? (await jpeg(120 + shade++, 80)) }], visibility)).status, 200);
  const [row] = await t.sql<Row[]>`select * from images where filename = ${name}`;
  return row!;
}
/** Every URL of an image: its page, original, download and derivatives. */
const urlsOf = (r: Row) => [`/images/${r.id}`, originalUrl(r.id), originalUrl(r.id, true),
  variantUrl(r, 'thumb'), variantUrl(r, 'thumb2x'), variantUrl(r, 'display')];
const deletedAt = async (id: string) => (await t.sql`select deleted_at from images where id = ${id}`)[0]?.deleted_at as Date | null | undefined;
const usedBytes = async (username: string) =>
  Number((await t.sql`select used_bytes from users where username = ${username}`)[0]!.used_bytes);
const publicVersion = async () => (await t.sql`select n from public_version`)[0]!.n as string;
/** POST /images/:id/delete, from the list `context` names (`in=dashboard&q=…`, as the page's forms carry it). */
const del = (c: TestClient, id: string, context = '') => c.postForm(`/images/${id}/delete${context ? `?${context}` : ''}`, {});

describe('deleting moves to the trash', () => {
  test('POST /images/:id/delete: out of every URL at once, for the owner too; objects kept; a flash with Undo', async () => {
    const img = await upload(alice, 'gone.jpg', 'public');
    await alice.postForm(`/images/${img.id}/visibility`, { visibility: 'unlisted' });
    const [shared] = await t.sql<Row[]>`select * from images where id = ${img.id}`;
    const urls = [...urlsOf(shared!), `/images/${img.id}?share=${shared!.share_token}`, `${originalUrl(img.id)}?share=${shared!.share_token}`];
    for (const url of urls) assert.equal((await alice.request(url)).status, 200, url);

    const res = await del(alice, img.id);
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/dashboard');
    const dash = await (await alice.request('/dashboard')).text();
    assert.match(dash, /Moved “gone\.jpg” to the trash\./);
    assert.match(dash, new RegExp(`<form method="post" action="/trash/restore"[^>]*><input type="hidden" name="ids" value="${img.id}"/><input type="hidden" name="back" value="/dashboard"/>`));
    assert.ok(await deletedAt(img.id));
    for (const c of [alice, bob, visitor]) {
      for (const url of urls) assert.equal((await c.request(url)).status, 404, url);
    }
    for (const key of uploadedKeys(img)) assert.ok(await isStored(t.storage, key), key);
    // Nor can it be changed while it is there: its owner is told where it is; anyone else, nothing.
    for (const [path, form] of [['details', { title: 'x' }], ['visibility', { visibility: 'public' }], ['share/revoke', {}]] as const) {
      const refused = await alice.postForm(`/images/${img.id}/${path}`, form);
      assert.equal(refused.status, 409, path);
      const body = await refused.text();
      assert.match(body, /This image is in the trash\. Restore it from the trash to change it\./);
      assert.match(body, /<a href="\/trash">Open the trash<\/a>/);
      assert.equal((await bob.postForm(`/images/${img.id}/${path}`, form)).status, 404, path);
    }
    const [row] = await t.sql`select title, visibility from images where id = ${img.id}`;
    assert.deepEqual({ ...row }, { title: '', visibility: 'unlisted' }, 'unchanged');
    assert.equal((await del(bob, img.id)).status, 404, "another's");
  });

  test('deleting an image already in the trash (another tab): done, said so, with its Undo; the trash unchanged', async () => {
    const img = await upload(alice, 'twice.jpg', 'private');
    await del(alice, img.id);
    const trashedAt = await deletedAt(img.id);
    const again = await del(alice, img.id, 'in=dashboard');
    assert.equal(again.status, 303);
    assert.equal(again.headers.get('location'), '/dashboard');
    const page = await (await alice.request('/dashboard')).text();
    assert.match(page, /This image was already in the trash\./);
    assert.match(page, new RegExp(`action="/trash/restore"[^>]*><input type="hidden" name="ids" value="${img.id}"/>`));
    const toast = await alice.request(`/images/${img.id}`, { method: 'DELETE', headers: { 'HX-Request': 'true', 'HX-Current-URL': 'http://localhost/dashboard' } });
    assert.equal(toast.status, 200);
    const html = await toast.text();
    assert.match(html, /^<hx-partial hx-target="#notice-toast"/);
    assert.match(html, /This image was already in the trash\./);
    assert.match(html, new RegExp(`name="ids" value="${img.id}"`));
    assert.deepEqual(await deletedAt(img.id), trashedAt, 'its time in the trash runs from the first delete');
    assert.equal((await alice.postForm('/trash/restore', { ids: img.id })).status, 303);
    assert.equal(await deletedAt(img.id), null, 'the Undo restores it');
  });

  test('from a list (the form\'s URL names it): back to that list, at the card that followed, and the Undo returns there', async () => {
    const [a, b, c] = [await upload(alice, 'walk-a.jpg', 'private'), await upload(alice, 'walk-b.jpg', 'private'), await upload(alice, 'walk-c.jpg', 'private')];
    const res = await del(alice, b.id, 'in=dashboard&q=walk&sort=oldest');
    assert.equal(res.headers.get('location'), `/dashboard?q=walk&sort=oldest#image-${c.id}`);
    const page = await (await alice.request('/dashboard?q=walk&sort=oldest')).text();
    assert.match(page, /name="back" value="\/dashboard\?q=walk&amp;sort=oldest"/);
    assert.deepEqual([...page.matchAll(/id="image-([\w-]+)"/g)].map((m) => m[1]), [a.id, c.id]);
  });

  test('DELETE /images/:id (htmx): an Undo toast for #notice-toast that returns to the page shown; nothing else', async () => {
    const img = await upload(alice, 'toast.jpg', 'private');
    const res = await alice.request(`/images/${img.id}`, {
      method: 'DELETE',
      headers: { 'HX-Request': 'true', 'HX-Request-Type': 'partial', 'HX-Current-URL': 'http://localhost/dashboard?q=toast&sort=largest' },
    });
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /^<hx-partial hx-target="#notice-toast" hx-swap="innerHTML">/);
    assert.match(html, /Moved “toast\.jpg” to the trash\./);
    assert.match(html, new RegExp(`name="ids" value="${img.id}"`));
    assert.match(html, /name="back" value="\/dashboard\?q=toast&amp;sort=largest"/);
    assert.ok(await deletedAt(img.id));

    const other = await upload(alice, 'toast2.jpg', 'private');
    const foreign = await alice.request(`/images/${other.id}`, {
      method: 'DELETE', headers: { 'HX-Request': 'true', 'HX-Current-URL': 'https://evil.example/dashboard' },
    });
    assert.match(await foreign.text(), /name="back" value="\/dashboard"/, 'another origin is not returned to');
  });

  test('the card asks nothing first: no hx-confirm, and it removes itself by id', async () => {
    await upload(alice, 'card.jpg', 'private');
    const html = await (await alice.request('/dashboard')).text();
    assert.doesNotMatch(html, /hx-confirm/);
    assert.match(html, /hx-delete="\/images\/([\w-]+)" hx-target="#image-\1" hx-swap="delete"/);
  });
});

describe('the trash keeps its images out of every list', () => {
  test('gone from the gallery, /u/:name and the dashboard (page cache included), and back after a restore', async () => {
    const img = await upload(alice, 'listed.jpg', 'public');
    const lists = async () => Promise.all([visitor.request('/gallery'), visitor.request('/u/alice'), alice.request('/dashboard')]
      .map(async (r) => (await (await r).text()).includes(`id="image-${img.id}"`)));
    assert.deepEqual(await lists(), [true, true, true]);
    assert.deepEqual(await lists(), [true, true, true], 'now from the page cache');
    const version = await publicVersion();
    await del(alice, img.id);
    assert.notEqual(await publicVersion(), version, 'public pages are invalidated');
    assert.deepEqual(await lists(), [false, false, false]);
    assert.equal((await alice.postForm('/trash/restore', { ids: img.id })).status, 303);
    assert.deepEqual(await lists(), [true, true, true]);
  });

  test('trashing a private image, or changing nothing public, leaves the public pages cached', async () => {
    const img = await upload(alice, 'quiet.jpg', 'private');
    const version = await publicVersion();
    await del(alice, img.id);
    await alice.postForm('/trash/restore', { ids: img.id });
    assert.equal(await publicVersion(), version);
  });
});

describe('GET /trash', () => {
  test('lists my trashed images, newest trashed first, with their thumbnails (mine only) and dates', async () => {
    const carol = await newUser(t, 'carol');
    const first = await upload(carol, 'first-trashed.jpg', 'public');
    const second = await upload(carol, 'second-trashed.jpg', 'private');
    await upload(carol, 'kept.jpg', 'private');
    await del(carol, first.id);
    await del(carol, second.id);
    const html = await (await carol.request('/trash')).text();
    assert.deepEqual([...html.matchAll(/id="trash-([\w-]+)"/g)].map((m) => m[1]), [second.id, first.id]);
    assert.match(html, /<ul class="grid trash-grid">/);
    assert.doesNotMatch(html, /kept\.jpg/);
    assert.match(html, /<time datetime="[^"]+"[^>]*>/);
    const thumbs = [...html.matchAll(/(?:src|srcset)="(\/trash\/[^" ]+)/g)].map((m) => m[1]!);
    assert.equal(thumbs.length, 4);
    for (const url of thumbs) {
      const res = await carol.request(url);
      assert.equal(res.status, 200, url);
      assert.equal(res.headers.get('cache-control'), 'private, max-age=3600');
      for (const c of [alice, visitor]) assert.equal((await c.request(url)).status, 404, url);
    }
    await carol.postForm('/trash/restore', { ids: first.id });
    assert.equal((await carol.request(thumbs.find((u) => u.includes(first.id))!)).status, 404, 'only while in the trash');
    assert.equal((await visitor.request('/trash')).status, 303, 'visitors log in first');
  });

  test('pages with a keyset cursor through every trashed image once', async () => {
    const dan = await newUser(t, 'dan');
    const [{ id: userId }] = (await t.sql`select id from users where username = 'dan'`) as unknown as [{ id: string }];
    await t.sql`insert into images ${t.sql(Array.from({ length: 50 }, (_, i) => ({
      id: `dan${String(i).padStart(3, '0')}`, user_id: userId, filename: `d${i}.jpg`, visibility: 'private', format: 'jpeg',
      width: 10, height: 10, bytes: 100, sha256: `dan${i}`, placeholder: 'x', thumb_hash: '0123456789abcdef',
      thumb2x_hash: '0123456789abcdef', display_hash: '0123456789abcdef', clean_bytes: 100, stored_bytes: 300, deleted_at: new Date(),
    })))}`;
    const seen: string[] = [];
    let url: string | undefined = '/trash';
    while (url) {
      const html = await (await dan.request(url)).text();
      seen.push(...[...html.matchAll(/id="trash-([\w-]+)"/g)].map((m) => m[1]!));
      url = html.match(/<a href="([^"]+)" rel="next"/)?.[1];
    }
    assert.equal(seen.length, 50);
    assert.deepEqual(seen, [...seen].sort().reverse(), 'one moment, so the id orders them');
    // The lists' sort and "previous page" are not the trash's: their cursors are refused, not a 500.
    const cursor = (key: string) => Buffer.from(`${key}|dan010`).toString('base64url');
    assert.equal((await dan.request(`/trash?sort=largest&cursor=${cursor('100')}`)).status, 400);
    assert.equal((await dan.request(`/trash?cursor=${cursor('100')}`)).status, 400);
    assert.equal((await dan.request(`/trash?before=${cursor('2026-01-01 00:00:00+00')}`)).status, 400);
    const bySort = await dan.request(`/trash?sort=largest&cursor=${cursor('2999-01-01 00:00:00+00')}`);
    assert.equal(bySort.status, 200, 'a sort is ignored: the trash has one order');
    assert.equal([...(await bySort.text()).matchAll(/id="trash-([\w-]+)"/g)].length, 48);
    await t.sql`delete from images where user_id = ${userId}`; // rows without objects
  });
});

describe('POST /trash/restore', () => {
  test('brings an image back: the same URLs answer again, its visibility kept', async () => {
    const img = await upload(alice, 'back.jpg', 'public');
    await del(alice, img.id);
    const res = await alice.postForm('/trash/restore', { ids: img.id, back: '/dashboard?q=back' });
    assert.equal(res.headers.get('location'), `/dashboard?q=back#image-${img.id}`);
    assert.equal(await deletedAt(img.id), null);
    for (const url of urlsOf(img)) assert.equal((await visitor.request(url)).status, 200, url);
    assert.match(await (await alice.request('/dashboard')).text(), /Restored 1 image\./);
  });

  test("ignores another user's ids, and returns only to a path of this site", async () => {
    const img = await upload(alice, 'not-bobs.jpg', 'private');
    await del(alice, img.id);
    const res = await bob.postForm('/trash/restore', { ids: img.id, back: '/dashboard' });
    assert.equal(res.headers.get('location'), '/dashboard');
    assert.ok(await deletedAt(img.id));
    for (const back of ['//evil.example/', 'https://evil.example/', '/\\evil.example', '/a#b']) {
      const r = await alice.postForm('/trash/restore', { ids: img.id, back });
      assert.equal(r.headers.get('location'), '/trash', back);
    }
  });

  test('a forged flash cookie shows nothing it could not have been given', async () => {
    const dashboardWith = async (flash: string) => {
      const c = new TestClient(t);
      c.cookies = new Map(alice.cookies);
      c.cookies.set('flash', flash);
      return (await c.request('/dashboard')).text();
    };
    const genuine = encodeFlash({ message: 'Moved', undo: { ids: ['x'], back: '/ok' } });
    assert.match(await dashboardWith(genuine), /class="flash"[\s\S]*name="back" value="\/ok"/);
    // A bad Undo is dropped; the message (plain text, shown escaped) stays.
    const forged = genuine.replace(/\.[^.]+\./, `.${Buffer.from('//evil.example').toString('base64url')}.`);
    for (const bad of [forged, `${genuine}.not%20an%20id`]) {
      const html = await dashboardWith(bad);
      assert.match(html, /<p class="flash" role="status">Moved<\/p>/);
      assert.doesNotMatch(html, /evil\.example|action="\/trash\/restore"/);
    }
    assert.doesNotMatch(await dashboardWith('not base64 at all!'), /class="flash"/);
  });

  test('a delete from a long search (CJK, URL-encoded) keeps its message and an Undo back to that search', async () => {
    const img = await upload(alice, 'long-search.jpg', 'private');
    const q = '海'.repeat(100);
    const context = new URLSearchParams({ in: 'dashboard', q, sort: 'oldest' }).toString();
    assert.equal((await del(alice, img.id, context)).status, 303);
    const back = `/dashboard?${new URLSearchParams({ q, sort: 'oldest' })}`;
    assert.ok(back.length > 900, String(back.length));
    const html = await (await alice.request(back)).text();
    assert.match(html, /Moved “long-search\.jpg” to the trash\./);
    assert.match(html, new RegExp(`name="ids" value="${img.id}"/><input type="hidden" name="back" value="${back.replace(/[?]/g, '\\?').replace(/&/g, '&amp;')}"`));
    assert.equal((await alice.postForm('/trash/restore', { ids: img.id, back })).headers.get('location'), `${back}#image-${img.id}`);
  });
});

describe('POST /trash/empty', () => {
  test('asks first, then deletes the rows and their objects, and frees the quota they held', async () => {
    const erin = await newUser(t, 'erin');
    const [a, b, kept] = [await upload(erin, 'e1.jpg', 'private'), await upload(erin, 'e2.jpg', 'public'), await upload(erin, 'e3.jpg', 'private')];
    const used = await usedBytes('erin');
    await del(erin, a.id);
    await del(erin, b.id);
    assert.equal(await usedBytes('erin'), used, 'the trash still counts against the quota');

    const ask = await erin.postForm('/trash/empty', {});
    assert.equal(ask.status, 200);
    assert.match(await ask.text(), /Empty the trash\?[\s\S]*All 2 images in the trash/);
    assert.ok(await deletedAt(a.id), 'nothing deleted yet');

    const res = await erin.postForm('/trash/empty', { confirm: '1' });
    assert.equal(res.headers.get('location'), '/trash');
    assert.equal(await deletedAt(a.id), undefined);
    assert.equal(await deletedAt(b.id), undefined);
    for (const key of [...allKeys(a), ...allKeys(b)]) assert.equal(await isStored(t.storage, key), false, key);
    assert.equal((await t.sql`select 1 from pending_deletions`).length, 0);
    const [{ stored_bytes }] = (await t.sql`select stored_bytes from images where id = ${kept.id}`) as unknown as [{ stored_bytes: string }];
    assert.equal(await usedBytes('erin'), Number(stored_bytes));
    await assertConsistent(t.sql, t.storage);
  });

  test('"Delete selected for good…" with nothing ticked is refused (422), not an offer to empty it all', async () => {
    const joe = await newUser(t, 'joe');
    const img = await upload(joe, 'j1.jpg', 'private');
    await del(joe, img.id);
    const page = await (await joe.request('/trash')).text();
    assert.match(page, /<button type="submit" class="danger secondary" formaction="\/trash\/empty" name="selected" value="1">/);
    for (const fields of [{ selected: '1' }, { selected: '1', confirm: '1' }] as Record<string, string>[]) {
      const res = await joe.postForm('/trash/empty', fields);
      assert.equal(res.status, 422);
      const html = await res.text();
      assert.match(html, /Select at least one image/);
      assert.doesNotMatch(html, /Empty the trash\?/);
    }
    assert.ok(await deletedAt(img.id));
    // With a selection it asks about those, and the confirmation sends them again.
    const ask = await joe.postForm('/trash/empty', { selected: '1', ids: img.id });
    assert.match(await ask.text(), /Delete 1 image for good\?[\s\S]*name="ids" value="[\w-]+"/);
  });

  test('an image restored while the trash is being emptied stays', { skip: needsServer }, async () => {
    const kay = await newUser(t, 'kay');
    const [kept, gone] = [await upload(kay, 'k1.jpg', 'private'), await upload(kay, 'k2.jpg', 'private')];
    await del(kay, kept.id);
    await del(kay, gone.id);
    // The restore holds the row when the purge comes to it, and commits first.
    const res = await whileLocked(t.sql,
      (tx) => tx`update images set deleted_at = null where id = ${kept.id}`,
      () => kay.postForm('/trash/empty', { confirm: '1' }));
    assert.equal(res.status, 303);
    assert.equal(await deletedAt(kept.id), null);
    for (const key of uploadedKeys(kept)) assert.ok(await isStored(t.storage, key), key);
    assert.equal(await deletedAt(gone.id), undefined);
    await assertConsistent(t.sql, t.storage);
  });

  test("with ids: only those, and never another user's", async () => {
    const fay = await newUser(t, 'fay');
    const [a, b] = [await upload(fay, 'f1.jpg', 'private'), await upload(fay, 'f2.jpg', 'private')];
    await del(fay, a.id);
    await del(fay, b.id);
    const ask = await fay.request('/trash/empty', { method: 'POST', body: new URLSearchParams([['ids', a.id]]) });
    assert.match(await ask.text(), /Delete 1 image for good\?/);
    await fay.request('/trash/empty', { method: 'POST', body: new URLSearchParams([['ids', a.id], ['confirm', '1']]) });
    assert.equal(await deletedAt(a.id), undefined);
    assert.ok(await deletedAt(b.id));
    for (const fields of [{ ids: b.id, confirm: '1' }, { confirm: '1' }] as Record<string, string>[]) await bob.postForm('/trash/empty', fields);
    assert.ok(await deletedAt(b.id), "bob's empty trash is his own");
  });
});

describe('the janitor', () => {
  test('purges what has been in the trash longer than TRASH_DAYS, and nothing else', async () => {
    const gus = await newUser(t, 'gus');
    const [old, recent, live] = [await upload(gus, 'old.jpg', 'public'), await upload(gus, 'recent.jpg', 'private'), await upload(gus, 'live.jpg', 'private')];
    await del(gus, old.id);
    await del(gus, recent.id);
    await t.sql`update images set deleted_at = now() - interval '30 days 1 minute' where id = ${old.id}`;
    await t.sql`update images set deleted_at = now() - interval '29 days 23 hours' where id = ${recent.id}`;
    const report = await runJanitor(janitorDeps(t), 3_600_000);
    assert.equal(report.trashed, 1);
    assert.equal(await deletedAt(old.id), undefined);
    for (const key of allKeys(old)) assert.equal(await isStored(t.storage, key), false, key);
    assert.ok(await deletedAt(recent.id));
    assert.equal(await deletedAt(live.id), null);
    for (const key of [...uploadedKeys(recent), ...uploadedKeys(live)]) assert.ok(await isStored(t.storage, key), key);
    assert.equal((await runJanitor(janitorDeps(t), 0)).orphans, 0, "trashed images' objects are not orphans");
    await assertConsistent(t.sql, t.storage);
  });
});

describe('the janitor, at scale', () => {
  test('purges batch after batch in one pass until nothing expired is left', async () => {
    await newUser(t, 'kim');
    const [{ id: userId }] = (await t.sql`select id from users where username = 'kim'`) as unknown as [{ id: string }];
    // Rows only: their objects were never written (deleting a missing object is fine).
    await t.sql`insert into images ${t.sql(Array.from({ length: 1_201 }, (_, i) => ({
      id: `kim${String(i).padStart(4, '0')}`, user_id: userId, filename: `k${i}.jpg`, visibility: 'public', format: 'jpeg',
      width: 10, height: 10, bytes: 100, sha256: `kim${i}`, placeholder: 'x', thumb_hash: '0123456789abcdef',
      thumb2x_hash: '0123456789abcdef', display_hash: '0123456789abcdef', clean_bytes: 100, stored_bytes: 300,
      deleted_at: new Date(Date.now() - 31 * 86_400_000),
    })))}`;
    assert.equal(await usedBytes('kim'), 1_201 * 300);
    const version = await publicVersion();
    assert.equal((await runJanitor(janitorDeps(t), 3_600_000)).trashed, 1_201);
    assert.equal((await t.sql`select 1 from images where user_id = ${userId}`).length, 0);
    assert.equal(await usedBytes('kim'), 0);
    assert.equal(await publicVersion(), version, 'no public list showed them: the cached pages stay');
    assert.equal((await t.sql`select 1 from pending_deletions`).length, 0);
  });
});

describe('uploading bytes that sit in the trash', () => {
  test('restores that image and reports the file as a duplicate of it', async () => {
    const data = await jpeg(333, 222);
    const img = await upload(alice, 'again.jpg', 'public', data);
    await del(alice, img.id);
    const used = await usedBytes('alice');
    const res = await alice.upload([{ name: 'again-renamed.jpg', data }, { name: 'new-one.jpg', data: await jpeg(334, 222) }], 'private');
    assert.equal(res.status, 200);
    assert.match(await res.text(), new RegExp(`/images/${img.id}`));
    assert.equal(await deletedAt(img.id), null);
    assert.equal((await t.sql`select 1 from images where filename = 'again-renamed.jpg'`).length, 0);
    const [{ visibility }] = (await t.sql`select visibility from images where id = ${img.id}`) as unknown as [{ visibility: string }];
    assert.equal(visibility, 'public', 'as it was');
    const [{ stored_bytes }] = (await t.sql`select stored_bytes from images where filename = 'new-one.jpg'`) as unknown as [{ stored_bytes: string }];
    assert.equal(await usedBytes('alice'), used + Number(stored_bytes), 'the restored one was still counted');
  });

  test('an upload that is refused (its visibility, sent after the files, is not valid) leaves it in the trash', async () => {
    const data = await jpeg(335, 222);
    const img = await upload(alice, 'stays.jpg', 'public', data);
    await del(alice, img.id);
    const form = new FormData();
    form.append('images', new Blob([data as Uint8Array<ArrayBuffer>]), 'stays-again.jpg');
    form.set('visibility', 'everyone');
    assert.equal((await alice.request('/upload', { method: 'POST', body: form })).status, 422);
    assert.ok(await deletedAt(img.id));
  });
});

describe('deleting the account', () => {
  test('empties the trash too: every row and object of it', async () => {
    const hal = await newUser(t, 'hal');
    const [a, b] = [await upload(hal, 'h1.jpg', 'private'), await upload(hal, 'h2.jpg', 'public')];
    await del(hal, a.id);
    const before = (await storedKeys(t.storage)).size;
    assert.equal((await hal.postForm('/settings/delete-account', { password: 'correct horse battery' })).status, 303);
    assert.equal((await t.sql`select 1 from images where id in ${t.sql([a.id, b.id])}`).length, 0);
    assert.equal((await storedKeys(t.storage)).size, before - 8, 'four objects each (no clean copy was asked for)');
    await assertConsistent(t.sql, t.storage);
  });
});

describe('CSRF', () => {
  test('a foreign Origin cannot restore or empty the trash', async () => {
    const img = await upload(alice, 'csrf.jpg', 'private');
    await del(alice, img.id);
    for (const [path, fields] of [['/trash/restore', { ids: img.id }], ['/trash/empty', { confirm: '1' }], ['/trash/empty', { ids: img.id, confirm: '1' }]] as const) {
      const res = await alice.postForm(path, fields, { Origin: 'https://evil.example' });
      assert.equal(res.status, 403, path);
    }
    assert.ok(await deletedAt(img.id));
  });
});

describe('TRASH_DAYS', () => {
  test('is an integer of 0 or more, 30 unless set', () => {
    assert.equal(loadConfig({}).trashDays, 30);
    assert.equal(loadConfig({ TRASH_DAYS: '0' }).trashDays, 0);
    for (const bad of ['-1', '1.5', 'forever']) {
      assert.throws(() => loadConfig({ TRASH_DAYS: bad }), (e: Error) => e instanceof ConfigError && /TRASH_DAYS/.test(e.message), bad);
    }
  });

  test('0 deletes at once: rows and objects, by page, by htmx and in bulk (after a confirmation)', async () => {
    const now = await startTestApp({ TRASH_DAYS: '0' });
    try {
      const ivy = await newUser(now, 'ivy');
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        await ivy.upload([{ name: `i${i}.jpg`, data: await jpeg(90 + i, 60) }], 'public');
        ids.push((await now.sql`select id from images where filename = ${`i${i}.jpg`}`)[0]!.id);
      }
      assert.equal((await ivy.postForm(`/images/${ids[0]}/delete`, {})).status, 303);
      assert.match(await (await ivy.request('/dashboard')).text(), /The image was deleted\./);
      const res = await ivy.request(`/images/${ids[1]}`, { method: 'DELETE', headers: { 'HX-Request': 'true' } });
      assert.equal(await res.text(), '');
      const body = new URLSearchParams([['ids', ids[2]!], ['ids', ids[3]!], ['action', 'delete']]);
      assert.match(await (await ivy.request('/images/bulk', { method: 'POST', body })).text(), /Delete 2 images\?/);
      body.set('confirm', '1');
      assert.equal((await ivy.request('/images/bulk', { method: 'POST', body })).status, 303);
      assert.equal((await now.sql`select 1 from images`).length, 0);
      assert.equal((await storedKeys(now.storage)).size, 0);
      assert.equal((await now.sql`select 1 from pending_deletions`).length, 0);
    } finally {
      await now.close();
    }
  });
});

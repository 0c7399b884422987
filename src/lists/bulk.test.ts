import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { storedKeys } from '../test-support/consistency.ts';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { newUser, type TestClient } from '../test-support/client.ts';
import { jpeg } from '../test-support/fixtures.ts';

let t: TestApp;
let owner: TestClient;
let other: TestClient;
before(async () => {
  t = await startTestApp();
  owner = await newUser(t, 'bulker');
  other = await newUser(t, 'victim2');
});
after(() => t.close());

let shade = 0;
/** Uploads `names` one request each, in order (so the last is the newest); their ids in that order. */
async function uploadMany(c: TestClient, names: string[], visibility = 'private') {
  for (const name of names) await c.upload([{ name, data: await jpeg(50 + shade++, 40) }], visibility);
  const rows = await t.sql<{ id: string; filename: string }[]>`select id, filename from images where filename in ${t.sql(names)}`;
  return names.map((n) => rows.find((r) => r.filename === n)!.id);
}
const bulk = (c: TestClient, ids: string[], action: string, extra: Record<string, string> = {}) => {
  const body = new URLSearchParams(ids.map((id) => ['ids', id]));
  body.set('action', action);
  for (const [k, v] of Object.entries(extra)) body.set(k, v);
  return c.request('/images/bulk', { method: 'POST', body });
};
const trashed = async (ids: string[]) =>
  (await t.sql`select id from images where id in ${t.sql(ids)} and deleted_at is not null`).length;

describe('POST /images/bulk', () => {
  test('changes the visibility of many images, then returns to the same list at a card it changed', async () => {
    const ids = await uploadMany(owner, ['v1.jpg', 'v2.jpg', 'v3.jpg']);
    const res = await bulk(owner, ids.slice(0, 2), 'public', { q: 'v', sort: 'oldest' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), `/dashboard?q=v&sort=oldest#image-${ids[0]}`);
    const rows = await t.sql`select filename, visibility from images where id in ${t.sql(ids)} order by filename`;
    assert.deepEqual(rows.map((r) => r.visibility), ['public', 'public', 'private']);
    const dash = await (await owner.request('/dashboard')).text();
    assert.match(dash, /<p class="flash" role="status">Made 2 images public\.<\/p>/);
    assert.doesNotMatch(await (await owner.request('/dashboard')).text(), /class="flash"/, 'shown once');
  });

  test('delete moves to the trash at once, without asking, and offers Undo; it returns to the card that followed', async () => {
    // Newest first on the dashboard: d3, d2, d1, and d0 after them.
    const [d0, d1, d2, d3] = await uploadMany(owner, ['d0.jpg', 'd1.jpg', 'd2.jpg', 'd3.jpg']) as [string, string, string, string];
    const objects = (await storedKeys(t.storage)).size;
    const res = await bulk(owner, [d2, d1], 'delete', { q: 'd', sort: 'newest' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), `/dashboard?q=d#image-${d0}`);
    assert.equal(await trashed([d1, d2]), 2);
    assert.equal(await trashed([d0, d3]), 0);
    assert.equal((await storedKeys(t.storage)).size, objects, 'the objects stay while they are in the trash');

    const dash = await (await owner.request('/dashboard?q=d')).text();
    assert.match(dash, /Moved 2 images to the trash\./);
    const undo = dash.slice(dash.indexOf('action="/trash/restore"'));
    assert.match(undo, new RegExp(`name="ids" value="${d2}"`));
    assert.match(undo, new RegExp(`name="ids" value="${d1}"`));
    assert.match(undo, /name="back" value="\/dashboard\?q=d"/);
    assert.doesNotMatch(dash, new RegExp(`id="image-(${d1}|${d2})"`), 'they left the list');

    // Undo: back in the list, at the first of them.
    const restore = await owner.postForm('/trash/restore', { ids: d2, back: '/dashboard?q=d' });
    assert.equal(restore.headers.get('location'), `/dashboard?q=d#image-${d2}`);
    assert.equal(await trashed([d2]), 0);
  });

  test('deleting the last cards of the list returns to the one before them, or to the list when it is empty', async () => {
    const [e0, e1, e2] = await uploadMany(owner, ['e0.jpg', 'e1.jpg', 'e2.jpg']) as [string, string, string];
    const res = await bulk(owner, [e0], 'delete', { q: 'e' });
    assert.equal(res.headers.get('location'), `/dashboard?q=e#image-${e1}`);
    const res2 = await bulk(owner, [e1, e2], 'delete', { sort: 'oldest', q: 'e' });
    assert.equal(res2.headers.get('location'), '/dashboard?q=e&sort=oldest');
    assert.equal(await trashed([e0, e1, e2]), 3);
  });

  test('more images than an Undo can carry: moved all the same, and the message points to the trash', async () => {
    const lots = await newUser(t, 'lots');
    const [{ id: userId }] = (await t.sql`select id from users where username = 'lots'`) as unknown as [{ id: string }];
    const ids = Array.from({ length: 101 }, (_, i) => `lots${String(i).padStart(3, '0')}`);
    await t.sql`insert into images ${t.sql(ids.map((id) => ({
      id, user_id: userId, filename: `${id}.jpg`, visibility: 'private', format: 'jpeg', width: 10, height: 10, bytes: 100,
      sha256: id, placeholder: 'x', thumb_hash: '0123456789abcdef', thumb2x_hash: '0123456789abcdef',
      display_hash: '0123456789abcdef', clean_bytes: 100, stored_bytes: 300,
    })))}`;
    assert.equal((await bulk(lots, ids, 'delete')).status, 303);
    assert.equal(await trashed(ids), 101);
    const html = await (await lots.request('/dashboard')).text();
    assert.match(html, /Moved 101 images to the trash \(restore them from the trash page\)\./);
    assert.doesNotMatch(html, /action="\/trash\/restore"/);
    await t.sql`delete from images where user_id = ${userId}`; // rows without objects
  });

  test('"Choose an action…" (an empty action) is refused: the dashboard again (422), the message beside the menu', async () => {
    const [id] = await uploadMany(owner, ['c1.jpg']);
    const res = await bulk(owner, [id!], '');
    assert.equal(res.status, 422);
    const html = await res.text();
    assert.match(html, /<h1>My images<\/h1>/);
    assert.match(html, /<p class="field-error" id="bulk-action-error">Choose an action for the selected images\.<\/p>/);
    const [row] = await t.sql`select visibility, deleted_at from images where id = ${id!}`;
    assert.deepEqual([row!.visibility, row!.deleted_at], ['private', null]);
  });

  test('nothing selected: the dashboard again (422), the message beside the bulk bar, the action kept', async () => {
    const res = await owner.postForm('/images/bulk', { action: 'private' });
    assert.equal(res.status, 422);
    const html = await res.text();
    assert.match(html, /<h1>My images<\/h1>/);
    assert.match(html, /<p class="field-error" id="bulk-action-error">Select at least one image, then an action\.<\/p>/);
    assert.match(html, /<option value="private" selected="">Make private<\/option>/);
  });

  test("another user's ids are ignored, whatever the action", async () => {
    const theirs = await uploadMany(other, ['theirs1.jpg']);
    for (const action of ['public', 'delete']) {
      const res = await bulk(owner, theirs, action);
      assert.equal(res.headers.get('location'), '/dashboard', 'no fragment naming their image');
    }
    const [row] = await t.sql`select visibility, deleted_at from images where id = ${theirs[0]!}`;
    assert.deepEqual([row!.visibility, row!.deleted_at], ['private', null]);
  });

  test('returns to the dashboard only, whatever q and sort say', async () => {
    const [id] = await uploadMany(owner, ['r1.jpg']);
    for (const [q, sort] of [['//evil.example', 'newest'], ['x', 'https://evil.example'], ['\\\\evil.example/', '']]) {
      const res = await bulk(owner, [id!], 'private', { q: q!, sort: sort! });
      assert.equal(res.status, 303);
      assert.match(res.headers.get('location')!, /^\/dashboard(\?[^#]*)?(#image-[\w-]+)?$/);
      assert.equal(new URL(res.headers.get('location')!, 'http://localhost').origin, 'http://localhost');
    }
  });

  test('the dashboard offers the bulk form and a checkbox per card', async () => {
    const html = await (await owner.request('/dashboard')).text();
    assert.match(html, /<form id="bulk" method="post" action="\/images\/bulk"/);
    assert.match(html, /<input type="checkbox" class="select" name="ids" value="[\w-]+" form="bulk"/);
  });
});

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

async function uploadMany(c: TestClient, names: string[], visibility = 'private') {
  await c.upload(await Promise.all(names.map(async (name, i) => ({ name, data: await jpeg(50 + i, 40) }))), visibility);
  return (await t.sql`select id from images where filename in ${t.sql(names)} order by filename`).map((r) => r.id as string);
}
const bulk = (c: TestClient, ids: string[], action: string, confirm = false) => {
  const body = new URLSearchParams(ids.map((id) => ['ids', id]));
  body.set('action', action);
  if (confirm) body.set('confirm', '1');
  return c.request('/images/bulk', { method: 'POST', body });
};

describe('POST /images/bulk', () => {
  test('changes the visibility of many images in one request and says so after the redirect', async () => {
    const ids = await uploadMany(owner, ['v1.jpg', 'v2.jpg', 'v3.jpg']);
    const res = await bulk(owner, ids.slice(0, 2), 'public');
    assert.equal(res.status, 303);
    const rows = await t.sql`select filename, visibility from images where id in ${t.sql(ids)} order by filename`;
    assert.deepEqual(rows.map((r) => r.visibility), ['public', 'public', 'private']);
    const dash = await (await owner.request('/dashboard')).text();
    assert.match(dash, /<p class="flash" role="status">Made 2 images public\.<\/p>/);
    assert.doesNotMatch(await (await owner.request('/dashboard')).text(), /class="flash"/, 'shown once');
  });

  test('delete asks for confirmation first, then removes rows and objects', async () => {
    const ids = await uploadMany(owner, ['d1.jpg', 'd2.jpg']);
    const before = (await storedKeys(t.storage)).size;
    const confirm = await bulk(owner, ids, 'delete');
    assert.equal(confirm.status, 200);
    const page = await confirm.text();
    assert.match(page, /Delete 2 images\?/);
    assert.equal((await t.sql`select 1 from images where id in ${t.sql(ids)}`).length, 2, 'nothing deleted yet');
    assert.equal((await bulk(owner, ids, 'delete', true)).status, 303);
    assert.equal((await t.sql`select 1 from images where id in ${t.sql(ids)}`).length, 0);
    assert.equal((await storedKeys(t.storage)).size, before - 10);
    assert.match(await (await owner.request('/dashboard')).text(), /Deleted 2 images\./);
  });

  test("another user's ids are ignored, whatever the action", async () => {
    const theirs = await uploadMany(other, ['theirs1.jpg']);
    for (const action of ['public', 'delete']) await bulk(owner, theirs, action, true);
    const [row] = await t.sql`select visibility from images where id = ${theirs[0]!}`;
    assert.equal(row!.visibility, 'private');
  });

  test('nothing selected: the dashboard again (422), the message beside the bulk bar, the action kept', async () => {
    const res = await owner.postForm('/images/bulk', { action: 'private' });
    assert.equal(res.status, 422);
    const html = await res.text();
    assert.match(html, /<h1>My images<\/h1>/);
    assert.match(html, /<p class="field-error" id="bulk-action-error">Select at least one image, then an action\.<\/p>/);
    assert.match(html, /<option value="private" selected="">Make private<\/option>/);
  });

  test('the dashboard offers the bulk form and a checkbox per card', async () => {
    const html = await (await owner.request('/dashboard')).text();
    assert.match(html, /<form id="bulk" method="post" action="\/images\/bulk"/);
    assert.match(html, /<input type="checkbox" class="select" name="ids" value="[\w-]+" form="bulk"/);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { storedKeys } from '../test-support/consistency.ts';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { newUser, TestClient } from '../test-support/client.ts';
import { jpeg } from '../test-support/fixtures.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const count = async (q: PromiseLike<readonly unknown[]>) => (await q).length;

describe('POST /settings/delete-account', () => {
  test('with the wrong password: 422 and nothing deleted', async () => {
    const c = await newUser(t, 'keeper');
    await c.upload([{ name: 'a.jpg', data: await jpeg(50, 40) }], 'public');
    const res = await c.postForm('/settings/delete-account', { password: 'not my password' });
    assert.equal(res.status, 422);
    assert.match(await res.text(), /That password is not right; nothing was deleted/);
    assert.equal(await count(t.sql`select 1 from users where username = 'keeper'`), 1);
    assert.equal((await c.request('/dashboard')).status, 200);
  });

  test('with the password: removes the user, every session, every row and every object', async () => {
    const other = await newUser(t, 'bystander');
    await other.upload([{ name: 'theirs.jpg', data: await jpeg(51, 40) }], 'public');
    const c = await newUser(t, 'leaver');
    const second = new TestClient(t);
    await second.postForm('/login', { username: 'leaver', password: 'correct horse battery' });
    await c.upload([{ name: 'x.jpg', data: await jpeg(52, 40) }, { name: 'y.jpg', data: await jpeg(53, 40) }], 'private');
    const [{ id }] = (await t.sql`select id from users where username = 'leaver'`) as unknown as [{ id: string }];
    const before = (await storedKeys(t.storage)).size;

    const res = await c.postForm('/settings/delete-account', { password: 'correct horse battery' });
    assert.equal(res.status, 303);
    assert.equal(await count(t.sql`select 1 from users where id = ${id}`), 0);
    assert.equal(await count(t.sql`select 1 from sessions where user_id = ${id}`), 0);
    assert.equal(await count(t.sql`select 1 from images where user_id = ${id}`), 0);
    assert.equal((await storedKeys(t.storage)).size, before - 8); // four objects each (no clean copy was asked for)
    assert.equal(await count(t.sql`select 1 from pending_deletions`), 0);
    // Both of the account's sessions are signed out.
    for (const client of [c, second]) assert.equal((await client.request('/dashboard')).status, 303);
    assert.equal(await count(t.sql`select 1 from images i join users u on u.id = i.user_id where u.username = 'bystander'`), 1);
  });

  test('GET /settings shows the account and needs a signed-in user', async () => {
    const c = await newUser(t, 'settler');
    assert.match(await (await c.request('/settings')).text(), /settler@example\.com/);
    assert.equal((await new TestClient(t).request('/settings')).status, 303);
  });
});

describe('POST /settings/email', () => {
  test('asks the new address to confirm with the current password; a taken one or a wrong password changes nothing', async () => {
    const c = await newUser(t, 'mover');
    await newUser(t, 'occupant');
    const wrong = await c.postForm('/settings/email', { email: 'new@example.com', current: 'nope' });
    assert.equal(wrong.status, 422);
    const taken = await c.postForm('/settings/email', { email: 'OCCUPANT@example.com', current: 'correct horse battery' });
    assert.equal(taken.status, 422);
    assert.match(await taken.text(), /An account with this email already exists/);
    const bad = await c.postForm('/settings/email', { email: 'not an email', current: 'correct horse battery' });
    assert.equal(bad.status, 422);
    assert.equal((await t.sql`select email from users where username = 'mover'`)[0]!.email, 'mover@example.com');
    const ok = await c.postForm('/settings/email', { email: 'moved@example.com', current: 'correct horse battery' });
    assert.equal(ok.status, 303);
    assert.match(await (await c.request('/settings?done=email')).text(), /Waiting for <strong>moved@example\.com<\/strong> to be confirmed/);
    const [row] = await t.sql`select email, pending_email from users where username = 'mover'`;
    assert.deepEqual({ ...row }, { email: 'mover@example.com', pending_email: 'moved@example.com' }, 'the old address holds until the new one is confirmed');
  });
});

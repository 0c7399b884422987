// Attacks on sessions: stolen tables, fixation, replay after logout / password change, expiry.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { newUser, TestClient } from '../test-support/client.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const PASSWORD = 'correct horse battery';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** A second browser of the same user. */
async function loginAgain(username: string, password = PASSWORD) {
  const c = new TestClient(t);
  assert.equal((await c.postForm('/login', { username, password })).status, 303);
  return c;
}

const signedIn = async (c: TestClient) => (await c.request('/dashboard')).status === 200;

describe('session tokens', () => {
  test('carry at least 128 random bits, and only their SHA-256 is stored', async () => {
    const c = await newUser(t, 'tokens');
    const token = c.cookies.get('session')!;
    assert.ok(token.length * 5 >= 128, 'base32 characters carry 5 bits each');
    const ids = (await t.sql`select s.id from sessions s join users u on u.id = s.user_id where u.username = 'tokens'`).map((r) => r.id);
    assert.deepEqual(ids, [sha256(token)]);
    // The stored value does not work as a cookie.
    const thief = new TestClient(t);
    thief.cookies.set('session', ids[0]!);
    assert.equal(await signedIn(thief), false);
  });

  test('a planted session cookie is never adopted at login', async () => {
    await newUser(t, 'fixation');
    const c = new TestClient(t);
    c.cookies.set('session', 'a'.repeat(40));
    await c.postForm('/login', { username: 'fixation', password: PASSWORD });
    assert.notEqual(c.cookies.get('session'), 'a'.repeat(40));
    assert.equal((await t.sql`select 1 from sessions where id = ${sha256('a'.repeat(40))}`).length, 0);
  });
});

describe('ending sessions', () => {
  test('a cookie replayed after logout is signed out', async () => {
    const c = await newUser(t, 'replay');
    const old = c.cookies.get('session')!;
    await c.request('/logout', { method: 'POST' });
    const replay = new TestClient(t);
    replay.cookies.set('session', old);
    assert.equal(await signedIn(replay), false);
  });

  test('changing the password ends every session but gives this browser a new one', async () => {
    const c = await newUser(t, 'changer');
    const other = await loginAgain('changer');
    const oldCookie = c.cookies.get('session')!;
    const wrong = await c.postForm('/settings/password', { current: 'not it', password: 'brand new passphrase' });
    assert.equal(wrong.status, 422);
    assert.ok(await signedIn(other));
    const res = await c.postForm('/settings/password', { current: PASSWORD, password: 'brand new passphrase' });
    assert.equal(res.status, 303);
    assert.notEqual(c.cookies.get('session'), oldCookie);
    assert.ok(await signedIn(c));
    assert.equal(await signedIn(other), false);
    const replay = new TestClient(t);
    replay.cookies.set('session', oldCookie);
    assert.equal(await signedIn(replay), false);
    await loginAgain('changer', 'brand new passphrase');
    assert.equal((await new TestClient(t).postForm('/login', { username: 'changer', password: PASSWORD })).status, 401);
  });

  test('"sign out other sessions" keeps only this one; the settings page lists them', async () => {
    const c = await newUser(t, 'many');
    const a = await loginAgain('many');
    const b = await loginAgain('many');
    const page = await (await c.request('/settings')).text();
    assert.equal((page.match(/<li>/g) ?? []).length, 3);
    assert.match(page, /\(this browser\)/);
    assert.equal((await c.request('/settings/sessions/sign-out-others', { method: 'POST' })).status, 303);
    assert.ok(await signedIn(c));
    assert.equal(await signedIn(a), false);
    assert.equal(await signedIn(b), false);
  });

  test('an expired session is signed out', async () => {
    const c = await newUser(t, 'expired');
    await t.sql`update sessions set expires_at = now() - interval '1 second'
      where user_id = (select id from users where username = 'expired')`;
    assert.equal(await signedIn(c), false);
  });

  test('the session of a deleted account is signed out', async () => {
    const c = await newUser(t, 'deleted');
    await t.sql`delete from users where username = 'deleted'`;
    assert.equal(await signedIn(c), false);
    assert.equal((await c.request('/upload', { method: 'POST', body: new FormData() })).status, 401);
  });
});

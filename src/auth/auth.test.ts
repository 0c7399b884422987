import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { newUser, TestClient } from '../test-support/client.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const countUsers = async () => Number((await t.sql`select count(*)::int as n from users`)[0]!.n);

describe('POST /signup', () => {
  test('creates the account, hashes the password with Argon2id and signs the user in', async () => {
    const c = new TestClient(t);
    const res = await c.postForm('/signup', { email: 'Ada@Example.com', username: 'ada', password: 'a long passphrase' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/dashboard');
    const [row] = await t.sql`select email, password_hash from users where username = 'ada'`;
    assert.equal(row!.email, 'Ada@Example.com');
    assert.match(row!.password_hash, /^\$argon2id\$/);
    assert.equal((await c.request('/dashboard')).status, 200);
  });

  test('re-renders the form with 422, a message per field and the values kept (not the password)', async () => {
    const before = await countUsers();
    const res = await new TestClient(t).postForm('/signup', { email: 'not-an-email', username: 'x!', password: 'short' });
    assert.equal(res.status, 422);
    const html = await res.text();
    assert.match(html, /Enter a valid email address/);
    assert.match(html, /Username must be 3 to 32 letters/);
    assert.match(html, /Password must be at least 8 characters/);
    assert.match(html, /value="not-an-email"/);
    assert.match(html, /value="x!"/);
    assert.doesNotMatch(html, /value="short"/);
    assert.equal(await countUsers(), before);
  });

  test('refuses missing fields with 422', async () => {
    const res = await new TestClient(t).postForm('/signup', {});
    assert.equal(res.status, 422);
    assert.match(await res.text(), /field-error/);
  });

  test('refuses a username or email taken in another letter case', async () => {
    await newUser(t, 'grace');
    const before = await countUsers();
    const res = await new TestClient(t).postForm('/signup', { email: 'GRACE@example.com', username: 'Grace', password: 'another passphrase' });
    assert.equal(res.status, 422);
    const html = await res.text();
    assert.match(html, /This username is taken/);
    assert.match(html, /An account with this email already exists/);
    assert.equal(await countUsers(), before);
  });

  test('refuses a password over 256 characters before hashing', async () => {
    const res = await new TestClient(t).postForm('/signup', { email: 'long@example.com', username: 'longpw', password: 'x'.repeat(257) });
    assert.equal(res.status, 422);
    assert.match(await res.text(), /at most 256 characters/);
  });
});

describe('POST /login', () => {
  test('accepts the username or the email, case-insensitively, and sets a fresh HttpOnly Lax cookie', async () => {
    await newUser(t, 'linus');
    for (const login of ['linus', 'LINUS@example.com']) {
      const c = new TestClient(t);
      c.cookies.set('session', 'planted-by-an-attacker');
      const res = await c.postForm('/login', { username: login, password: 'correct horse battery' });
      assert.equal(res.status, 303, login);
      const cookie = res.headers.getSetCookie().find((l) => l.startsWith('session=') && !l.startsWith('session=;'));
      assert.ok(cookie, 'a session cookie is set');
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Lax/);
      assert.doesNotMatch(cookie, /Secure/);
      assert.notEqual(c.cookies.get('session'), 'planted-by-an-attacker');
    }
  });

  test('gives one generic message for an unknown user and for a wrong password', async () => {
    await newUser(t, 'margaret');
    const wrong = await new TestClient(t).postForm('/login', { username: 'margaret', password: 'wrong password!' });
    const unknown = await new TestClient(t).postForm('/login', { username: 'nobody-here', password: 'wrong password!' });
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    const msg = /Wrong username\/email or password\./;
    assert.match(await wrong.text(), msg);
    assert.match(await unknown.text(), msg);
    assert.equal(wrong.headers.getSetCookie().length, 0);
  });

  test('a fresh session on every login; the old one stays valid only until logout', async () => {
    const c = await newUser(t, 'barbara');
    const first = c.cookies.get('session');
    await c.postForm('/login', { username: 'barbara', password: 'correct horse battery' });
    assert.notEqual(c.cookies.get('session'), first);
    const [{ n }] = await t.sql`select count(*)::int as n from sessions where id = ${first!}` as unknown as [{ n: number }];
    assert.equal(n, 0, 'the session the browser had is ended on login');
  });

  test('only redirects to paths of this site after login', async () => {
    await newUser(t, 'ken');
    const res = await new TestClient(t).postForm('/login', { username: 'ken', password: 'correct horse battery', next: '//evil.example/x' });
    assert.equal(res.headers.get('location'), '/dashboard');
    for (const next of ['/\t/evil.example', '/\\evil.example', '/ /x', 'https://evil.example']) {
      const res2 = await new TestClient(t).postForm('/login', { username: 'ken', password: 'correct horse battery', next });
      assert.equal(res2.headers.get('location'), '/dashboard', JSON.stringify(next));
    }
    const ok = await new TestClient(t).postForm('/login', { username: 'ken', password: 'correct horse battery', next: '/upload' });
    assert.equal(ok.headers.get('location'), '/upload');
  });
});

describe('POST /logout', () => {
  test('ends the session in the database; the old cookie is then signed out', async () => {
    const c = await newUser(t, 'dennis');
    const cookie = c.cookies.get('session')!;
    const res = await c.request('/logout', { method: 'POST' });
    assert.equal(res.status, 303);
    const replay = new TestClient(t);
    replay.cookies.set('session', cookie);
    const dash = await replay.request('/dashboard');
    assert.equal(dash.status, 303);
    assert.match(dash.headers.get('location')!, /^\/login/);
  });

  test('GET /logout changes nothing', async () => {
    const c = await newUser(t, 'bjarne');
    assert.equal((await c.request('/logout')).status, 404);
    assert.equal((await c.request('/dashboard')).status, 200);
  });
});

describe('CSRF', () => {
  test('refuses state changes from a foreign origin or without an Origin', async () => {
    const c = await newUser(t, 'alan');
    const foreign = await c.request('/logout', { method: 'POST', headers: { Origin: 'https://evil.example' } });
    assert.equal(foreign.status, 403);
    const missing = new TestClient(t);
    const res = await missing.request('/signup', {
      method: 'POST',
      headers: { Origin: undefined as unknown as string },
      body: new URLSearchParams({ email: 'x@example.com', username: 'csrfuser', password: 'long enough pw' }),
    });
    assert.equal(res.status, 403);
    assert.equal((await t.sql`select 1 from users where username = 'csrfuser'`).length, 0);
    assert.equal((await c.request('/dashboard')).status, 200, 'still signed in');
  });
});

describe('Cookies behind https', () => {
  test('are Secure and __Host- prefixed', async () => {
    const s = await startTestApp({ PUBLIC_URL: 'https://images.example' });
    try {
      const res = await s.app.request('https://images.example/signup', {
        method: 'POST',
        headers: { Origin: 'https://images.example', 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email: 's@example.com', username: 'secure', password: 'long enough pw' }),
      });
      assert.equal(res.status, 303);
      const cookie = res.headers.getSetCookie()[0]!;
      assert.match(cookie, /^__Host-session=/);
      assert.match(cookie, /Secure/);
      assert.match(cookie, /Path=\//);
      assert.match(res.headers.get('strict-transport-security') ?? '', /max-age=31536000/);
    } finally {
      await s.close();
    }
  });
});

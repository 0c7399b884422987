// Abuse: password guessing, account enumeration, oversized passwords and bodies.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { newUser, TestClient } from '../test-support/client.ts';
import { jpeg } from '../test-support/fixtures.ts';
import { LIMITS } from '../auth/throttle.ts';
import { argon2Runs } from '../auth/password.ts';

let t: TestApp;
before(async () => {
  // Behind a proxy: the tests choose each client's address with X-Forwarded-For.
  t = await startTestApp({ TRUST_PROXY: '1', MAX_FILES: '2', MAX_FILE_MB: '1', LOGIN_ATTEMPTS_PER_ADDRESS: '20' });
});
after(() => t.close());

const from = (ip: string) => ({ 'X-Forwarded-For': ip });
const login = (username: string, password: string, ip: string) =>
  new TestClient(t).postForm('/login', { username, password }, from(ip));
const countImages = async () => (await t.sql`select count(*)::int as n from images`)[0]!.n as number;

describe('login throttling', () => {
  test('past the limit per account: 429 with Retry-After, even with the right password; the owner gets back in after the window', async () => {
    await newUser(t, 'target');
    for (let i = 0; i < LIMITS.account; i++) assert.equal((await login('target', `guess ${i}`, `10.0.0.${i}`)).status, 401);
    const blocked = await login('target', 'correct horse battery', '10.0.1.1');
    assert.equal(blocked.status, 429);
    assert.ok(Number(blocked.headers.get('retry-after')) > 0);
    assert.match(await blocked.text(), /Too many login attempts/);
    // Never locked out for good: when the window has passed, the owner logs in.
    await t.sql`update rate_limits set window_ends = now() - interval '1 second' where key like 'password:account:%'`;
    assert.equal((await login('TARGET', 'correct horse battery', '10.0.1.1')).status, 303);
  });

  test('the limit is per account, whatever name was typed: username, email, any case', async () => {
    await newUser(t, 'victim');
    const names = ['victim', 'victim@example.com', 'VICTIM', 'Victim@Example.com'];
    for (let i = 0; i < LIMITS.account; i++) {
      assert.equal((await login(names[i % names.length]!, `guess ${i}`, `10.6.0.${i}`)).status, 401);
    }
    for (const name of names) assert.equal((await login(name, 'another guess', '10.6.1.1')).status, 429, name);
  });

  test('an unknown login is limited like a real account, so the limit does not tell which exist', async () => {
    for (let i = 0; i < LIMITS.account; i++) assert.equal((await login('nobody-here', `guess ${i}`, `10.6.2.${i}`)).status, 401);
    assert.equal((await login('nobody-here', 'another guess', '10.6.3.1')).status, 429);
  });

  test('only the address the proxy appended counts, not what the client put before it', async () => {
    for (let i = 0; i < t.config.loginAttemptsPerAddress; i++) await login(`spoof${i}`, 'wrong password', `1.2.3.${i}, 10.8.8.8`);
    assert.equal((await login('spoofer', 'wrong password', '9.9.9.9, 10.8.8.8')).status, 429);
  });

  test('past the limit per address, whatever the accounts tried', async () => {
    for (let i = 0; i < t.config.loginAttemptsPerAddress; i++) await login(`nobody${i}`, 'wrong password', '10.9.9.9');
    const res = await login('someone-else', 'wrong password', '10.9.9.9');
    assert.equal(res.status, 429);
    assert.equal((await login('someone-else', 'wrong password', '10.9.9.10')).status, 401, 'other addresses are unaffected');
  });

  test('sign-ups are throttled per address', async () => {
    let last: Response | undefined;
    for (let i = 0; i <= t.config.signupsPerHour; i++) {
      last = await new TestClient(t).postForm('/signup', { email: `s${i}@example.com`, username: `signup${i}`, password: 'long enough pw' }, from('10.7.7.7'));
    }
    assert.equal(last!.status, 429);
    assert.ok(Number(last!.headers.get('retry-after')) > 0);
    assert.equal((await t.sql`select 1 from users where username = ${`signup${t.config.signupsPerHour}`}`).length, 0);
  });
});

describe('password checks in settings', () => {
  const wrong = (c: TestClient, path: string, i: number) => {
    const fields: Record<string, Record<string, string>> = {
      '/settings/email': { email: `new${i}@example.com`, current: `wrong ${i}` },
      '/settings/password': { current: `wrong ${i}`, password: 'a new long password' },
      '/settings/delete-account': { password: `wrong ${i}` },
    };
    return c.postForm(path, fields[path]!, from(`10.20.${i}.1`));
  };

  test('every form that checks the password counts against the same per-account limit as logging in', async () => {
    const c = await newUser(t, 'settled');
    const paths = ['/settings/email', '/settings/password', '/settings/delete-account'];
    // Some guesses at the login form, the rest in settings: one count.
    for (let i = 0; i < 4; i++) assert.equal((await login('settled', `guess ${i}`, `10.21.0.${i}`)).status, 401);
    for (let i = 4; i < LIMITS.account; i++) assert.equal((await wrong(c, paths[i % 3]!, i)).status, 422);
    for (const path of paths) {
      const res = await wrong(c, path, 99);
      assert.equal(res.status, 429, path);
      assert.ok(Number(res.headers.get('retry-after')) > 0);
    }
    // Even the right password is not checked while the limit holds.
    const right = await c.postForm('/settings/email', { email: 'moved@example.com', current: 'correct horse battery' }, from('10.22.0.1'));
    assert.equal(right.status, 429);
    assert.equal((await login('settled', 'correct horse battery', '10.22.0.2')).status, 429);
    assert.equal((await t.sql`select email from users where username = 'settled'`)[0]!.email, 'settled@example.com');
  });

  test('"email already in use" is told only after the right password, and each such answer counts', async () => {
    await newUser(t, 'holder');
    const c = await newUser(t, 'prober');
    const wrongPassword = await c.postForm('/settings/email', { email: 'holder@example.com', current: 'not my password' }, from('10.23.0.1'));
    assert.equal(wrongPassword.status, 422);
    assert.doesNotMatch(await wrongPassword.text(), /already exists/);
    let last: Response | undefined;
    for (let i = 0; i <= LIMITS.account; i++) {
      last = await c.postForm('/settings/email', { email: 'holder@example.com', current: 'correct horse battery' }, from(`10.23.1.${i}`));
      if (last.status === 429) break;
      assert.match(await last.text(), /already exists/);
    }
    assert.equal(last!.status, 429, 'probing addresses with the right password is limited too');
  });
});

describe('account enumeration', () => {
  // Not timed (timings are noise on a busy machine): the work is counted instead. An unknown
  // login costs one Argon2 verification, exactly like a wrong password for a real account.
  test('an unknown user and a wrong password get the same answer after the same work', async () => {
    await newUser(t, 'existing');
    const attempt = async (username: string, ip: string) => {
      const before = argon2Runs();
      const res = await login(username, 'wrong password', ip);
      return { status: res.status, body: (await res.text()).replace(username, 'NAME'), verifications: argon2Runs() - before };
    };
    const known = await attempt('existing', '10.3.0.1');
    const unknown = await attempt('no-such-user', '10.4.0.1');
    assert.deepEqual(known, { ...unknown, body: known.body });
    assert.equal(known.body, unknown.body);
    assert.equal(known.status, 401);
    assert.equal(known.verifications, 1);
  });
});

describe('passwords', () => {
  test('a 1 MB password gets a 400 before any hashing', async () => {
    const before = argon2Runs();
    const res = await new TestClient(t).postForm('/signup', { email: 'big@example.com', username: 'bigpw', password: 'x'.repeat(1024 * 1024) }, from('10.5.0.1'));
    assert.equal(res.status, 400);
    assert.equal(argon2Runs(), before);
    assert.equal((await t.sql`select 1 from users where username = 'bigpw'`).length, 0);
  });

  test('any Unicode up to 256 characters, never truncated', async () => {
    const password = `${'🔑'.repeat(100)}пароль密码`;
    const c = new TestClient(t);
    const res = await c.postForm('/signup', { email: 'uni@example.com', username: 'unicode', password }, from('10.5.0.2'));
    assert.equal(res.status, 303);
    assert.equal((await login('unicode', password, '10.5.0.3')).status, 303);
    assert.equal((await login('unicode', password.slice(0, -1), '10.5.0.4')).status, 401, 'the last character counts');
  });
});

describe('request bodies', () => {
  test('an upload streaming more than the limit (no Content-Length) gets 413 and nothing is stored', async () => {
    const c = await newUser(t, 'streamer');
    const before = await countImages();
    const form = new FormData();
    form.set('visibility', 'public');
    form.append('images', new Blob([new Uint8Array(await jpeg(100, 100))]), 'ok.jpg');
    form.append('images', new Blob([new Uint8Array(3 * 1024 * 1024)]), 'huge.jpg');
    const res = await c.postStreamed('/upload', form);
    assert.equal(res.status, 413);
    assert.match(await res.text(), /The upload is larger than 3 MB/);
    assert.equal(await countImages(), before);
  });

  test('a Content-Length over the limit is refused before reading', async () => {
    const c = await newUser(t, 'declarer');
    const res = await c.request('/upload', {
      method: 'POST',
      headers: { 'Content-Type': 'multipart/form-data; boundary=x', 'Content-Length': String(50 * 1024 * 1024) },
      body: '--x--',
    });
    assert.equal(res.status, 413);
  });

  test('forms other than uploads have a small body limit', async () => {
    const res = await new TestClient(t).postForm('/login', { username: 'x', password: 'y', pad: 'z'.repeat(100_000) }, from('10.5.0.9'));
    assert.equal(res.status, 400);
    assert.match(await res.text(), /The form is too large/);
  });
});

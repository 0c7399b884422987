// Abuse: password guessing, account enumeration, oversized passwords and bodies.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { newUser, TestClient } from '../test-support/client.ts';
import { jpeg } from '../test-support/fixtures.ts';
import { LIMITS } from '../auth/throttle.ts';

let t: TestApp;
before(async () => {
  // Behind a proxy: the tests choose each client's address with X-Forwarded-For.
  t = await startTestApp({ TRUST_PROXY: '1', MAX_FILES: '2', MAX_FILE_MB: '1' });
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
    await t.sql`update rate_limits set window_ends = now() - interval '1 second' where key like 'login:account:%'`;
    assert.equal((await login('TARGET', 'correct horse battery', '10.0.1.1')).status, 303);
  });

  test('only the address the proxy appended counts, not what the client put before it', async () => {
    for (let i = 0; i < LIMITS.address; i++) await login(`spoof${i}`, 'wrong password', `1.2.3.${i}, 10.8.8.8`);
    assert.equal((await login('spoofer', 'wrong password', '9.9.9.9, 10.8.8.8')).status, 429);
  });

  test('past the limit per address, whatever the accounts tried', async () => {
    for (let i = 0; i < LIMITS.address; i++) await login(`nobody${i}`, 'wrong password', '10.9.9.9');
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

describe('account enumeration', () => {
  test('an unknown user and a wrong password get the same answer in about the same time', async () => {
    await newUser(t, 'existing');
    const timed = async (username: string, ip: string) => {
      const started = performance.now();
      const res = await login(username, 'wrong password', ip);
      return { ms: performance.now() - started, status: res.status, body: (await res.text()).replace(username, 'NAME') };
    };
    const known = [];
    const unknown = [];
    for (let i = 0; i < 4; i++) {
      known.push(await timed('existing', `10.3.0.${i}`));
      unknown.push(await timed('no-such-user', `10.4.0.${i}`));
    }
    assert.deepEqual(new Set([...known, ...unknown].map((r) => r.status)), new Set([401]));
    assert.equal(known[0]!.body, unknown[0]!.body);
    const avg = (xs: { ms: number }[]) => xs.reduce((a, x) => a + x.ms, 0) / xs.length;
    const ratio = avg(unknown) / avg(known);
    assert.ok(ratio > 0.5 && ratio < 2, `unknown/known login time ratio ${ratio.toFixed(2)}`);
  });
});

describe('passwords', () => {
  test('a 1 MB password gets a fast 400 before any hashing', async () => {
    const started = performance.now();
    const res = await new TestClient(t).postForm('/signup', { email: 'big@example.com', username: 'bigpw', password: 'x'.repeat(1024 * 1024) }, from('10.5.0.1'));
    assert.equal(res.status, 400);
    assert.ok(performance.now() - started < 500);
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
    const encoded = new Response(form);
    const res = await c.request('/upload', {
      method: 'POST',
      headers: { 'Content-Type': encoded.headers.get('content-type')! },
      body: encoded.body,
      duplex: 'half',
    } as RequestInit & { headers: Record<string, string> });
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

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApp } from '../app.tsx';
import { loadConfig } from '../config.ts';
import { tokenOf } from '../test-support/api.ts';
import { newUser, TestClient } from '../test-support/client.ts';
import { jpeg } from '../test-support/fixtures.ts';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import type { Storage } from '../storage/storage.ts';
import { createLogger } from './logging.ts';

type Line = Record<string, unknown> & { level: number; msg: string; requestId?: string };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let t: TestApp;
let owner: TestClient;
let ownerId: string;
let imageId: string;
before(async () => {
  t = await startTestApp();
  owner = await newUser(t, 'logged');
  await owner.upload([{ name: 'mine.jpg', data: await jpeg(60, 60) }], 'private');
  ownerId = (await t.sql<{ id: string }[]>`select id from users where username = 'logged'`)[0]!.id;
  imageId = (await t.sql<{ id: string }[]>`select id from images`)[0]!.id;
});
after(() => t.close());

/** The app over `t`'s database with a log of its own: `raw` as written, `lines` parsed. */
function logged(env: Record<string, string> = {}, storage: Storage = t.storage, level: 'info' | 'warn' = 'info') {
  const raw: string[] = [];
  const log = createLogger(level, { write: (s: string) => void raw.push(s) });
  const config = loadConfig({ DATA_DIR: t.config.dataDir, ...env });
  const app = createApp({ ...t, config, storage, log });
  const lines = () => raw.map((s) => JSON.parse(s) as Line);
  return { app, raw, lines, requests: () => lines().filter((l) => l.msg === 'request') };
}

describe('the request log', () => {
  test('writes one JSON line per request: method, route pattern, status, duration and the id it answered with', async () => {
    const l = logged();
    const res = await l.app.request('/images/no-such-image-xyz?share=abc');
    assert.equal(res.status, 404);
    assert.equal(l.raw.length, 1);
    assert.ok(l.raw[0]!.endsWith('\n'), 'one line');
    const [line] = l.requests();
    assert.equal(line!.level, 30);
    assert.equal(line!.method, 'GET');
    assert.equal(line!.route, '/images/:id');
    assert.equal(line!.status, 404);
    assert.equal(typeof line!.ms, 'number');
    assert.match(res.headers.get('X-Request-Id')!, UUID);
    assert.equal(line!.requestId, res.headers.get('X-Request-Id'));
    assert.equal(line!.userId, undefined);
    assert.equal(typeof line!.time, 'string');
  });

  test('names the signed-in user, by session or by API token, and the bytes when the response says', async () => {
    const l = logged();
    const token = await tokenOf(owner, 'read');
    await owner.on(l).request(`/images/${imageId}/original`);
    await l.app.request('/api/v1/images', { headers: { Authorization: `Bearer ${token}` } });
    const [page, api] = l.requests();
    assert.equal(page!.userId, ownerId);
    assert.equal(page!.route, '/images/:id/original');
    const [row] = await t.sql<{ bytes: number }[]>`select bytes::int from images where id = ${imageId}`;
    assert.equal(page!.bytes, row!.bytes);
    assert.equal(api!.userId, ownerId);
    assert.equal(api!.route, '/api/v1/images');
  });

  test('never holds a cookie, an Authorization header, a password or a token from the URL', async () => {
    const l = logged();
    const secrets = ['cookie-secret-4711', 'bearer-secret-4712', 'password-secret-4713', 'reset-secret-4714', 'query-secret-4715', 'share-secret-4716'];
    const c = new TestClient(l);
    c.cookies.set('auth_session', secrets[0]!);
    await c.request('/dashboard', { headers: { Authorization: `Bearer ${secrets[1]}` } });
    await l.app.request('/api/v1/images', { headers: { Authorization: `Bearer ${secrets[1]}`, Cookie: `auth_session=${secrets[0]}` } });
    await c.postForm('/login', { username: 'logged', password: secrets[2]! });
    await c.request(`/password/reset/${secrets[3]}`);
    await c.request(`/reset?token=${secrets[4]}`);
    await c.request(`/images/${imageId}?share=${secrets[5]}`);
    assert.equal(l.requests().length, 6);
    const all = l.raw.join('');
    for (const secret of secrets) assert.ok(!all.includes(secret), `${secret} is not logged`);
    assert.doesNotMatch(all, /"(cookie|authorization|password|token|headers|query|url)"/i, 'no field of that kind');
    // A refused token is answered by the API's middleware: its pattern is all that is named.
    assert.deepEqual(l.requests().map((r) => r.route), ['/dashboard', '/api/v1/*', '/login', '/password/reset/:token', '/*', '/images/:id']);
  });

  test('leaves out what is below LOG_LEVEL', async () => {
    const l = logged({}, t.storage, 'warn');
    await l.app.request('/healthz');
    assert.equal(l.raw.length, 0);
  });
});

describe('X-Request-Id', () => {
  test('a client\'s own is ignored without TRUST_PROXY', async () => {
    const l = logged();
    const res = await l.app.request('/healthz', { headers: { 'X-Request-Id': 'from-the-client-1' } });
    assert.match(res.headers.get('X-Request-Id')!, UUID);
    assert.equal(l.requests()[0]!.requestId, res.headers.get('X-Request-Id'));
  });

  test('the balancer\'s is kept with TRUST_PROXY=1, unless it is long or holds odd characters', async () => {
    const l = logged({ TRUST_PROXY: '1' });
    const kept = await l.app.request('/healthz', { headers: { 'X-Request-Id': 'lb-7f3a:01' } });
    assert.equal(kept.headers.get('X-Request-Id'), 'lb-7f3a:01');
    for (const bad of ['x'.repeat(200), 'has spaces in it', 'quote"and{brace}', '']) {
      const res = await l.app.request('/healthz', { headers: { 'X-Request-Id': bad } });
      assert.match(res.headers.get('X-Request-Id')!, UUID, JSON.stringify(bad));
    }
    assert.deepEqual(l.requests().map((r) => r.requestId).slice(0, 1), ['lb-7f3a:01']);
  });
});

describe('unexpected errors', () => {
  const failing = () => ({ ...t.storage, get: async () => { throw new Error('injected: storage down'); } });

  test('a page\'s is logged once, with its stack and the request id, and the answer says nothing of it', async () => {
    const l = logged({}, failing());
    const res = await owner.on(l).request(`/images/${imageId}/original`);
    assert.equal(res.status, 500);
    assert.doesNotMatch(await res.text(), /injected/);
    const errors = l.lines().filter((x) => x.level >= 50);
    assert.equal(errors.length, 1);
    const err = errors[0]!.err as { stack: string; message: string };
    assert.match(err.stack, /injected: storage down\n\s+at /);
    assert.equal(errors[0]!.requestId, res.headers.get('X-Request-Id'));
    assert.equal(errors[0]!.route, '/images/:id/original');
    assert.equal(l.requests()[0]!.status, 500);
  });

  test('the API\'s is logged once too', async () => {
    const l = logged({}, failing());
    const token = await tokenOf(owner, 'read', 'for the error');
    const res = await l.app.request(`/api/v1/images/${imageId}/original`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(res.status, 500);
    const errors = l.lines().filter((x) => x.level >= 50);
    assert.equal(errors.length, 1);
    assert.match((errors[0]!.err as { stack: string }).stack, /injected: storage down/);
    assert.equal(errors[0]!.requestId, res.headers.get('X-Request-Id'));
  });
});

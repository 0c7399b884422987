// Hostile values in every route: NUL characters, impossible dates in page cursors. PostgreSQL
// refuses them with an error; the app must answer 400 first, never 500. And every page that
// depends on the session says so to caches.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { newUser, TestClient } from '../test-support/client.ts';
import { jpeg } from '../test-support/fixtures.ts';

let t: TestApp;
let user: TestClient;
let imageId: string;
const errors: string[] = [];

before(async () => {
  // A 500 is logged: collect what the app reports, to name it in a failure.
  t = await startTestApp({}, { logTo: (line) => void errors.push(line) });
  user = await newUser(t, 'walker');
  await user.upload([{ name: 'mine.jpg', data: await jpeg(100, 100) }], 'public');
  imageId = (await t.sql<{ id: string }[]>`select id from images`)[0]!.id;
});
after(async () => {
  await t.close();
});

const NUL = '%00';
const cursor = (text: string) => Buffer.from(text).toString('base64url');
const BAD_VALUES = [
  `a${NUL}b`,
  NUL,
  cursor('2024-13-45 99:99:99+00|abc'),
  cursor('2024-02-30 10:00:00+00|abc'),
  cursor('0000-01-01 00:00:00+00|abc'),
];
const FIELDS = ['username', 'password', 'email', 'current', 'title', 'caption', 'alt_text', 'visibility', 'expires', 'ids', 'action', 'next', 'q'];

/** Every route of the app with each parameter replaced by `value`, and a real image id too. */
function urlsFor(value: string) {
  const paths = new Set<string>();
  for (const route of t.app.routes) {
    if (!route.path.startsWith('/') || route.path.includes('*')) continue;
    for (const param of [value, imageId]) {
      paths.add(route.path.replace(/:[a-z]+(\{[^}]*\})?/gi, (_m, _p, pattern) => (pattern ? value : param)));
    }
  }
  return [...paths].flatMap((p) => [p, `${p}?q=${value}&cursor=${value}&sort=${value}`, `${p}?share=${value}&in=${value}`]);
}

describe('hostile values in every route', () => {
  test('GET and POST with NUL and impossible dates anywhere: never a 5xx', async () => {
    const anonymous = new TestClient(t);
    // Its own user: the walk posts to /logout and /settings/delete-account too.
    const signedIn = await newUser(t, 'walker2');
    const failures: string[] = [];
    for (const value of BAD_VALUES) {
      for (const path of urlsFor(value)) {
        for (const client of [anonymous, signedIn]) {
          const get = await client.request(path);
          if (get.status >= 500) failures.push(`GET ${path} ${get.status}`);
          const form = Object.fromEntries(FIELDS.map((f) => [f, decodeURIComponent(value)]));
          const post = await client.request(path, { method: 'POST', body: new URLSearchParams(form) });
          if (post.status >= 500) failures.push(`POST ${path} ${post.status}`);
        }
      }
    }
    assert.deepEqual(failures, [], errors.join('\n'));
  });

  test('NUL in the URL, a login or a form field: 400 with a page that says why', async () => {
    for (const path of [`/gallery?q=a${NUL}b`, `/images/${NUL}`, `/dashboard?q=${NUL}`]) {
      const res = await user.request(path);
      assert.equal(res.status, 400, path);
      assert.match(await res.text(), /character that is not allowed/);
    }
    const login = await new TestClient(t).postForm('/login', { username: 'a\u0000b', password: 'whatever it is' });
    assert.equal(login.status, 400);
    const details = await user.postForm(`/images/${imageId}/details`, { title: 'x\u0000', caption: '', alt_text: '' });
    assert.equal(details.status, 400);
    assert.equal((await t.sql`select title from images where id = ${imageId}`)[0]!.title, '');
  });

  test('a cursor of the right shape but an impossible date: 400', async () => {
    for (const path of ['/gallery', '/dashboard', '/u/walker']) {
      const res = await user.request(`${path}?cursor=${cursor('2024-13-45 99:99:99+00|abc')}`);
      assert.equal(res.status, 400, path);
    }
    // A real date still pages.
    assert.equal((await user.request(`/gallery?cursor=${cursor('2024-02-29 10:00:00.5+00|abc')}`)).status, 200);
  });
});

describe('caching of pages that depend on the session', () => {
  test('signed-in pages are private and no-store; every page varies by Cookie', async () => {
    for (const path of ['/dashboard', '/settings', `/images/${imageId}`, '/gallery', '/upload', '/']) {
      const res = await user.request(path);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get('cache-control'), 'private, no-store', path);
      assert.match(res.headers.get('vary') ?? '', /\bCookie\b/, path);
    }
    const anonymous = await new TestClient(t).request('/gallery');
    assert.match(anonymous.headers.get('vary') ?? '', /\bCookie\b/);
  });
});

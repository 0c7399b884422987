// Every error anywhere in the app is HTML meant for its context: a fragment when htmx (or our
// upload script) asked for one, a whole page otherwise, with the same status either way.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApp } from '../app.tsx';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { newUser, TestClient } from '../test-support/client.ts';
import { jpeg } from '../test-support/fixtures.ts';

let t: TestApp;
let owner: TestClient;
let imageId: string;
let broken: TestClient; // the same app over a storage that fails every read

before(async () => {
  t = await startTestApp();
  owner = await newUser(t, 'errors');
  await owner.upload([{ name: 'mine.jpg', data: await jpeg(60, 60) }], 'private');
  imageId = (await t.sql<{ id: string }[]>`select id from images`)[0]!.id;
  const failing = { ...t.storage, get: async () => { throw new Error('injected: storage down'); } };
  broken = new TestClient({ app: createApp({ ...t, storage: failing }) });
  broken.cookies = owner.cookies;
});
after(() => t.close());

const HTMX = { 'HX-Request': 'true', 'HX-Request-Type': 'partial' };
type Ask = (headers: Record<string, string>) => Promise<Response>;
const form = (c: TestClient, path: string, fields: Record<string, string>, extra: Record<string, string> = {}): Ask =>
  (headers) => c.postForm(path, fields, { ...headers, ...extra });
const get = (c: TestClient, path: string): Ask => (headers) => c.request(path, { headers });

const CASES: [string, () => Ask, number][] = [
  ['an unknown URL', () => get(owner, '/no-such-page'), 404],
  ["someone else's or a missing image", () => get(new TestClient(t), `/images/${imageId}`), 404],
  ['the bytes of a missing image', () => get(owner, '/images/missing/original'), 404],
  ['a user page of nobody', () => get(owner, '/u/nobody-here'), 404],
  ['deleting a missing image (DELETE)', () => (headers) => owner.request('/images/missing', { method: 'DELETE', headers }), 404],
  ['deleting a missing image (POST)', () => form(owner, '/images/missing/delete', {}), 404],
  ['details of a missing image', () => form(owner, '/images/missing/details', { title: 'x' }), 404],
  ['details too long', () => form(owner, `/images/${imageId}/details`, { title: 'x'.repeat(300) }), 422],
  ['an unknown visibility', () => form(owner, `/images/${imageId}/visibility`, { visibility: 'everyone' }), 422],
  ['a bulk action without a selection', () => form(owner, '/images/bulk', { action: 'public' }), 422],
  ['a forged page link', () => get(owner, '/gallery?cursor=forged'), 400],
  ['a NUL character', () => get(owner, '/dashboard?q=%00'), 400],
  ['a cross-site POST', () => form(owner, '/settings/sessions/sign-out-others', {}, { Origin: 'https://evil.example' }), 403],
  ['a signed-out POST', () => form(new TestClient(t), '/images/bulk', { action: 'public', ids: imageId }), 401],
  ['an incomplete sign-up', () => form(new TestClient(t), '/signup', { email: 'not an email' }), 422],
  ['a wrong password', () => form(new TestClient(t), '/login', { username: 'errors', password: 'wrong password' }), 401],
  ['an incomplete settings form', () => form(owner, '/settings/password', { current: '' }), 422],
  ['an upload that is not a form', () => (headers) => owner.request('/upload', {
    method: 'POST', body: 'just text', headers: { ...headers, 'Content-Type': 'text/plain' } }), 400],
  ['an upload form without images', () => form(owner, '/upload', { visibility: 'public' }), 422],
  ['an upload without images', () => (headers) => owner.upload([], 'public', headers), 422],
  ['an upload declared too large', () => (headers) => owner.request('/upload', {
    method: 'POST', body: '--x--', headers: { ...headers, 'Content-Type': 'multipart/form-data; boundary=x', 'Content-Length': String(10 ** 10) } }), 413],
  ['a server error', () => get(broken, `/images/${imageId}/original`), 500],
];

function assertFragment(html: string, what: string) {
  assert.doesNotMatch(html, /<!DOCTYPE|<html|<body/i, `${what}: a fragment, not a page`);
  assert.match(html, /^<[a-z][a-z-]*[\s>]/, `${what}: HTML`);
}

describe('errors in context', () => {
  for (const [what, ask, status] of CASES) {
    test(`${what}: ${status}, a fragment for htmx and a page otherwise`, async () => {
      const page = await ask()({});
      assert.equal(page.status, status, `${what} (page)`);
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(await page.text(), /^<!DOCTYPE html>/, `${what}: a whole page`);

      const fragment = await ask()(HTMX);
      assert.equal(fragment.status, status, `${what} (htmx)`);
      assert.match(fragment.headers.get('content-type') ?? '', /^text\/html/);
      assertFragment(await fragment.text(), what);
    });
  }

  test('an error fragment is a toast with its message, the answer\'s only content; signed out, a way to log in', async () => {
    const toast = /^<hx-partial hx-target="#alert-toast" hx-swap="innerHTML"><div class="toast alert" role="alert">[\s\S]*<\/div><\/hx-partial>$/;
    const gone = await (await owner.request('/images/missing', { method: 'DELETE', headers: HTMX })).text();
    assert.match(gone, toast);
    assert.match(gone, /<span>There is nothing here, or you may not see it\.<\/span>/);
    assert.match(gone, /<button type="button" class="icon-button" data-dismiss="true" aria-label="Dismiss">/);
    assert.doesNotMatch(gone, /<h1|\/login/);
    const out = await (await form(new TestClient(t), '/images/bulk', { action: 'public', ids: imageId })(HTMX)).text();
    assert.match(out, toast);
    assert.match(out, /<span>You are signed out\. [^<]+<\/span><a href="\/login">Log in<\/a>/);
    // A whole page keeps its heading and its way back.
    const page = await (await owner.request('/images/missing', { method: 'DELETE' })).text();
    assert.match(page, /<h1>Not found<\/h1>[\s\S]*Back to the start page/);
  });

  test('every route, asked with a NUL in its URL, answers 400 as a page and as a fragment (the API: as a problem)', async () => {
    for (const route of t.app.routes) {
      if (route.method === 'ALL' || !route.path.startsWith('/')) continue;
      const path = `${route.path.replace(/:[a-z_]+(\{[^}]*\})?/gi, 'x')}?q=%00`;
      for (const headers of [{}, HTMX]) {
        const res = await owner.request(path, { method: route.method, headers });
        assert.equal(res.status, 400, `${route.method} ${path}`);
        if (path.startsWith('/api/v1/')) {
          assert.equal(res.headers.get('content-type'), 'application/problem+json', `${route.method} ${path}`);
          continue;
        }
        const html = await res.text();
        if (headers === HTMX) assertFragment(html, `${route.method} ${path}`);
        else assert.match(html, /^<!DOCTYPE html>/, `${route.method} ${path}`);
      }
    }
  });

  test("the upload script's requests (X-Fragment) get fragments too, errors included", async () => {
    const res = await owner.postForm('/upload', { visibility: 'public' }, { 'X-Fragment': '1' });
    assert.equal(res.status, 422);
    assertFragment(await res.text(), 'upload without images');
    const broke = await broken.request(`/images/${imageId}/original`, { headers: { 'X-Fragment': '1' } });
    assert.equal(broke.status, 500);
    assertFragment(await broke.text(), 'a server error');
  });
});

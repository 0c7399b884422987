// Attacks through what the app sends back: script injection, spoofed names, framing, sniffing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { newUser, TestClient, type TestClient as Client } from '../test-support/client.ts';
import { jpeg } from '../test-support/fixtures.ts';
import { cleanFilename } from '../upload/multipart.ts';

let t: TestApp;
let owner: Client;
before(async () => {
  t = await startTestApp();
  owner = await newUser(t, 'namer');
});
after(() => t.close());

describe('security headers', () => {
  test('every page, error pages included, carries the CSP and the other headers', async () => {
    const image = await owner.upload([{ name: 'h.jpg', data: await jpeg(30, 30) }], 'public');
    assert.equal(image.status, 200);
    const [{ id }] = (await t.sql`select id from images`) as unknown as [{ id: string }];
    for (const path of ['/', '/signup', '/login', '/gallery', '/dashboard', '/upload', '/settings', `/images/${id}`, '/no-such-page']) {
      const res = await owner.request(path);
      const csp = res.headers.get('content-security-policy') ?? '';
      for (const directive of ["script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]) {
        assert.ok(csp.includes(directive), `${path}: ${directive}`);
      }
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, path);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(res.headers.get('referrer-policy'), 'same-origin', path);
      const html = await res.text();
      assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, `${path}: no inline script`);
    }
  });

  test('htmx is configured for same-origin requests only and served from our origin', async () => {
    const html = await (await new TestClient(t).request('/')).text();
    assert.match(html, /<meta name="htmx-config" content="\{&quot;mode&quot;:&quot;same-origin&quot;/);
    assert.match(html, /<script src="\/static\/vendor\/htmx\.min\.js"/);
    const htmx = await new TestClient(t).request('/static/vendor/htmx.min.js');
    assert.equal(htmx.status, 200);
    assert.match(htmx.headers.get('content-type')!, /javascript/);
  });
});

describe('user text', () => {
  const hostile = [
    '<img src=x onerror=alert(1)>.jpg',
    '<div hx-get="/logout" hx-trigger="load" hx-swap="outerHTML">x</div>.png',
    '"><script>alert(1)</script>.webp',
  ];

  test('hostile filenames are shown as text on every page that shows them', async () => {
    await owner.upload(await Promise.all(hostile.map(async (name, i) => ({ name, data: await jpeg(31 + i, 30) }))), 'public');
    const ids = (await t.sql`select id from images where filename like '%<%'`).map((r) => r.id);
    assert.equal(ids.length, 3);
    const pages = [await owner.request('/dashboard'), await new TestClient(t).request('/gallery'),
      ...(await Promise.all(ids.map((id) => new TestClient(t).request(`/images/${id}`))))];
    for (const res of pages) {
      const html = await res.text();
      assert.doesNotMatch(html, /<img src=x|<div hx-get|<script>alert/);
      assert.doesNotMatch(html, /hx-trigger="load"/);
    }
    const dash = await (await owner.request('/dashboard')).text();
    assert.match(dash, /&lt;img src=x onerror=alert\(1\)&gt;\.jpg/);
    assert.match(dash, /&lt;div hx-get=&quot;\/logout&quot;/);
  });

  test('a right-to-left override cannot disguise a filename', async () => {
    const res = await owner.upload([{ name: 'invoice\u202Egpj.exe', data: await jpeg(40, 30) }], 'private');
    assert.match(await res.text(), /invoicegpj\.exe/);
    const [{ filename }] = (await t.sql`select filename from images where filename like 'invoice%'`) as unknown as [{ filename: string }];
    assert.equal(filename, 'invoicegpj.exe');
  });

  test('a filename with a Windows path or control characters keeps only its name', async () => {
    await owner.upload([{ name: 'C:\\Users\\me\\holiday.jpg', data: await jpeg(41, 30) }], 'private');
    assert.equal((await t.sql`select 1 from images where filename = 'holiday.jpg'`).length, 1);
    assert.equal(cleanFilename('evil\u0007\u0000name\u202Dx.jpg'), 'evilnamex.jpg');
    assert.equal(cleanFilename('a %22quoted%22 name.png'), 'a "quoted" name.png');
    assert.equal(cleanFilename('\u202E'), 'unnamed');
  });
});

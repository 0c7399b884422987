import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { staticRoutes } from './static.ts';

const require = createRequire(import.meta.url);
const photoswipeDir = dirname(require.resolve('photoswipe/dist/photoswipe.css'));

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const get = (path: string, headers: Record<string, string> = {}) => t.app.request(path, { headers });
const bytes = async (res: Response) => Buffer.from(await res.arrayBuffer());

describe('GET /static/vendor/:file', () => {
  test('answers br, gzip or plain by Accept-Encoding, each decoding to the package file', async () => {
    const file = await readFile(require.resolve('htmx.org/dist/htmx.min.js'));
    const br = await get('/static/vendor/htmx.min.js', { 'Accept-Encoding': 'gzip, deflate, br, zstd' });
    assert.equal(br.status, 200);
    assert.equal(br.headers.get('Content-Encoding'), 'br');
    assert.match(br.headers.get('Content-Type')!, /^text\/javascript/);
    assert.match(br.headers.get('Vary')!, /Accept-Encoding/);
    const brBody = await bytes(br);
    assert.ok(brBody.length < file.length / 2, `br is ${brBody.length} bytes of ${file.length}`);
    assert.deepEqual(brotliDecompressSync(brBody), file);

    const gz = await get('/static/vendor/htmx.min.js', { 'Accept-Encoding': 'gzip' });
    assert.equal(gz.headers.get('Content-Encoding'), 'gzip');
    assert.deepEqual(gunzipSync(await bytes(gz)), file);

    const refused = await get('/static/vendor/htmx.min.js', { 'Accept-Encoding': 'br;q=0, gzip;q=0.5' });
    assert.equal(refused.headers.get('Content-Encoding'), 'gzip');

    const plain = await get('/static/vendor/htmx.min.js');
    assert.equal(plain.headers.get('Content-Encoding'), null);
    assert.match(plain.headers.get('Vary')!, /Accept-Encoding/);
    assert.equal(plain.headers.get('Content-Length'), String(file.length));
    assert.deepEqual(await bytes(plain), file);
  });

  test('serves PhotoSwipe from its package', async () => {
    for (const name of ['photoswipe.esm.min.js', 'photoswipe-lightbox.esm.min.js', 'photoswipe.css']) {
      const res = await get(`/static/vendor/${name}`);
      assert.equal(res.status, 200, name);
      assert.deepEqual(await bytes(res), await readFile(join(photoswipeDir, name)), name);
    }
    assert.match((await get('/static/vendor/photoswipe.css')).headers.get('Content-Type')!, /^text\/css/);
  });

  test('serves the Inter font as font/woff2, never re-compressed, cached for a year', async () => {
    const res = await get('/static/vendor/inter.woff2', { 'Accept-Encoding': 'br, gzip' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('Content-Type'), 'font/woff2');
    assert.equal(res.headers.get('Content-Encoding'), null);
    assert.match(res.headers.get('Cache-Control')!, /max-age=31536000/);
    const fontDir = dirname(require.resolve('@fontsource-variable/inter/package.json'));
    assert.deepEqual(await bytes(res), await readFile(join(fontDir, 'files/inter-latin-wght-normal.woff2')));
  });

  test('answers 304 to a current ETag, plain or encoded, and 200 to a stale one', async () => {
    const first = await get('/static/vendor/thumbhash.js', { 'Accept-Encoding': 'br' });
    const etag = first.headers.get('ETag')!;
    assert.match(etag, /^"[\w-]+"$/);
    const plainTag = (await get('/static/vendor/thumbhash.js')).headers.get('ETag')!;
    assert.notEqual(etag, plainTag, 'each encoding is a representation of its own');
    for (const tag of [etag, plainTag, `W/${etag}`]) {
      const again = await get('/static/vendor/thumbhash.js', { 'Accept-Encoding': 'br', 'If-None-Match': tag });
      assert.equal(again.status, 304, tag);
      assert.equal(again.headers.get('ETag'), etag);
      assert.equal((await again.arrayBuffer()).byteLength, 0);
    }
    assert.equal((await get('/static/vendor/thumbhash.js', { 'If-None-Match': '"stale"' })).status, 200);
  });

  test('an unknown vendor file is 404', async () => {
    assert.equal((await get('/static/vendor/nope.js')).status, 404);
    assert.equal((await get('/static/vendor/..%2Fpackage.json')).status, 404);
  });
});

describe('generated assets', () => {
  test('GET /static/icons.svg is the icon sprite, as image/svg+xml, compressed', async () => {
    const res = await get('/static/icons.svg', { 'Accept-Encoding': 'br' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('Content-Type'), 'image/svg+xml');
    assert.equal(res.headers.get('Content-Encoding'), 'br');
    const svg = brotliDecompressSync(await bytes(res)).toString();
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg">/);
    assert.match(svg, /<symbol id="trash-2" viewBox="0 0 24 24"/);
  });

  test('GET /static/aspects.css names the aspect-ratio classes', async () => {
    const res = await get('/static/aspects.css');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('Content-Type')!, /^text\/css/);
    assert.match(await res.text(), /\.ar-0\{--ar:0\.2500\}/);
  });
});

describe('our own files', () => {
  test('static/*.css, *.js and *.svg are served with their types', async () => {
    for (const [file, type] of [['app.css', /^text\/css/], ['app.js', /^text\/javascript/], ['favicon.svg', /^image\/svg\+xml$/]] as const) {
      const res = await get(`/static/${file}`, { 'Accept-Encoding': 'gzip' });
      assert.equal(res.status, 200, file);
      assert.match(res.headers.get('Content-Type')!, type, file);
      assert.deepEqual(gunzipSync(await bytes(res)), await readFile(join('static', file)), file);
    }
  });

  test('GET /favicon.ico points at the SVG favicon', async () => {
    const res = await get('/favicon.ico');
    assert.equal(res.status, 301);
    assert.equal(res.headers.get('Location'), '/static/favicon.svg');
  });

  test('unknown or ill-named files are 404', async () => {
    for (const path of ['/static/nope.css', '/static/app.txt', '/static/App.css', '/static/..%2Fpackage.json', '/static/.env']) {
      assert.equal((await get(path)).status, 404, path);
    }
  });

  test('an edited file is served anew, with a new ETag', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cir-static-'));
    try {
      const routes = staticRoutes(dir);
      await writeFile(join(dir, 'site.css'), 'body { color: red }');
      const before = await routes.request('/static/site.css');
      assert.equal(await before.text(), 'body { color: red }');
      await writeFile(join(dir, 'site.css'), 'body { color: blue }');
      // A later modification time, whatever the file system's timestamp resolution.
      await utimes(join(dir, 'site.css'), new Date(), new Date(Date.now() + 5000));
      const edited = await routes.request('/static/site.css');
      assert.equal(await edited.text(), 'body { color: blue }');
      assert.notEqual(edited.headers.get('ETag'), before.headers.get('ETag'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { brotliDecompressSync, createBrotliDecompress, createGunzip, gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { newUser, TestClient } from '../test-support/client.ts';
import { jpeg } from '../test-support/fixtures.ts';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { variantUrl } from '../images/urls.ts';
import { compressResponses, pickEncoding } from './compress.ts';

const decode = { br: brotliDecompressSync, gzip: gunzipSync };
const bytes = async (res: Response) => Buffer.from(await res.arrayBuffer());

let t: TestApp;
let visitor: TestClient;
let image: { id: string; thumb: string };
before(async () => {
  t = await startTestApp();
  const owner = await newUser(t, 'squeeze');
  const res = await owner.upload([{ name: 'hill.jpg', data: await jpeg(900, 600) }], 'public');
  assert.equal(res.status, 200);
  const [row] = await t.sql<{ id: string; thumb_hash: string; epoch: number }[]>`
    select id, thumb_hash, epoch from images where filename = 'hill.jpg'`;
  image = { id: row!.id, thumb: variantUrl(row!, 'thumb') };
  visitor = new TestClient(t);
});
after(() => t.close());

describe('pickEncoding', () => {
  test('prefers br, then gzip, honours q=0 and *', () => {
    assert.equal(pickEncoding('gzip, deflate, br, zstd'), 'br');
    assert.equal(pickEncoding('gzip'), 'gzip');
    assert.equal(pickEncoding('br;q=0, gzip;q=0.8'), 'gzip');
    assert.equal(pickEncoding('*'), 'br');
    assert.equal(pickEncoding('*;q=0, gzip'), 'gzip');
    assert.equal(pickEncoding('identity'), undefined);
    assert.equal(pickEncoding('deflate'), undefined);
    assert.equal(pickEncoding(undefined), undefined);
  });
});

describe('dynamic pages', () => {
  test('are sent br or gzip as asked, decoding to the page sent plain', async () => {
    // The public gallery comes from the page cache: the same HTML for each request below.
    const plain = await visitor.request('/gallery');
    assert.equal(plain.status, 200);
    assert.equal(plain.headers.get('Content-Encoding'), null);
    assert.match(plain.headers.get('Vary')!, /Accept-Encoding/);
    const html = await bytes(plain);
    assert.match(html.toString(), /hill\.jpg/);
    for (const encoding of ['br', 'gzip'] as const) {
      const res = await visitor.request('/gallery', { headers: { 'Accept-Encoding': encoding } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('Content-Encoding'), encoding);
      assert.equal(res.headers.get('Content-Length'), null);
      assert.match(res.headers.get('Content-Type')!, /^text\/html/);
      assert.match(res.headers.get('Vary')!, /Accept-Encoding/);
      assert.ok(res.headers.get('Content-Security-Policy'), 'the other headers are kept');
      const body = await bytes(res);
      assert.ok(body.length < html.length / 2, `${encoding}: ${body.length} bytes of ${html.length}`);
      assert.deepEqual(decode[encoding](body), html);
    }
  });

  test('a signed-in page keeps its cookies and Cache-Control when compressed', async () => {
    const owner = await newUser(t, 'cookies');
    const res = await owner.request('/dashboard', { headers: { 'Accept-Encoding': 'br' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('Content-Encoding'), 'br');
    assert.equal(res.headers.get('Cache-Control'), 'private, no-store');
    assert.match(brotliDecompressSync(await bytes(res)).toString(), /cookies/);
  });

  test('a HEAD request is not encoded', async () => {
    const res = await visitor.request('/gallery', { method: 'HEAD', headers: { 'Accept-Encoding': 'br' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('Content-Encoding'), null);
  });
});

describe('image responses', () => {
  test('are never compressed, and still answer 304 to their ETag', async () => {
    const res = await visitor.request(image.thumb, { headers: { 'Accept-Encoding': 'br, gzip' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('Content-Encoding'), null);
    assert.equal(res.headers.get('Content-Type'), 'image/webp');
    const etag = res.headers.get('ETag')!;
    assert.ok(etag && !etag.startsWith('W/'), 'the strong ETag is kept');
    const webp = await bytes(res);
    assert.equal(webp.subarray(8, 12).toString(), 'WEBP');
    const again = await visitor.request(image.thumb, { headers: { 'Accept-Encoding': 'br, gzip', 'If-None-Match': etag } });
    assert.equal(again.status, 304);
    assert.equal(again.headers.get('Content-Encoding'), null);
  });

  test('ranges of originals are sent as they are', async () => {
    const whole = await bytes(await visitor.request(`/images/${image.id}/original`));
    const res = await visitor.request(`/images/${image.id}/original`, { headers: { Range: 'bytes=0-99', 'Accept-Encoding': 'br' } });
    assert.equal(res.status, 206);
    assert.equal(res.headers.get('Content-Encoding'), null);
    assert.deepEqual(await bytes(res), whole.subarray(0, 100));
  });
});

describe('compressResponses', () => {
  const big = '<p>hello, compressible world</p>\n'.repeat(200);
  const app = new Hono().use(compressResponses());
  app.get('/no-transform', (c) => c.html(big, 200, { 'Cache-Control': 'public, no-transform' }));
  app.get('/empty', (c) => c.body(null, 204));
  app.get('/not-modified', (c) => c.body(null, 304, { ETag: '"x"' }));
  app.get('/small', (c) => c.body('<p>hi</p>', 200, { 'Content-Type': 'text/html', 'Content-Length': '9' }));
  app.get('/json', (c) => c.json({ items: Array.from({ length: 200 }, (_, i) => ({ i, name: `item ${i}` })) }));
  app.get('/tagged', (c) => c.html(big, 200, { ETag: '"v1"' }));
  app.get('/svg', (c) => c.body(big, 200, { 'Content-Type': 'image/svg+xml' }));

  const ask = (path: string, encoding = 'br, gzip') => app.request(path, { headers: { 'Accept-Encoding': encoding } });

  test('leaves no-transform, 204, 304, small bodies and images alone', async () => {
    for (const path of ['/no-transform', '/empty', '/not-modified', '/small', '/svg']) {
      assert.equal((await ask(path)).headers.get('Content-Encoding'), null, path);
    }
    assert.equal(await (await ask('/no-transform')).text(), big);
  });

  test('compresses JSON and weakens a strong ETag it changes the bytes of', async () => {
    const json = await ask('/json', 'gzip');
    assert.equal(json.headers.get('Content-Encoding'), 'gzip');
    assert.equal(JSON.parse(gunzipSync(await bytes(json)).toString()).items.length, 200);
    assert.equal((await ask('/tagged')).headers.get('ETag'), 'W/"v1"');
    assert.equal((await app.request('/tagged')).headers.get('ETag'), '"v1"');
  });

  for (const encoding of ['br', 'gzip'] as const) {
    test(`a streamed response reaches the client chunk by chunk (${encoding})`, { timeout: 60_000 }, async () => {
      // The second chunk is written only once the client has decoded the first: if the encoder
      // held the first back until the end, this test would never finish.
      let decodedFirst!: () => void;
      const firstDecoded = new Promise<void>((resolve) => { decodedFirst = resolve; });
      const stream = new Hono().use(compressResponses()).get('/', (c) => c.body(new ReadableStream({
        async start(controller) {
          controller.enqueue(new TextEncoder().encode(`<p>first</p>${big}`));
          await firstDecoded;
          controller.enqueue(new TextEncoder().encode('<p>second</p>'));
          controller.close();
        },
      }), 200, { 'Content-Type': 'text/html; charset=utf-8' }));
      const res = await stream.request('/', { headers: { 'Accept-Encoding': encoding } });
      assert.equal(res.headers.get('Content-Encoding'), encoding);
      const decoder = encoding === 'br' ? createBrotliDecompress() : createGunzip();
      let text = '';
      decoder.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.endsWith(big)) decodedFirst();
      });
      const ended = new Promise((resolve) => decoder.on('end', resolve));
      for await (const chunk of res.body!) decoder.write(chunk);
      decoder.end();
      await ended;
      assert.equal(text, `<p>first</p>${big}<p>second</p>`);
    });
  }
});

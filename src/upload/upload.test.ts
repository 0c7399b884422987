import assert from 'node:assert/strict';
import { isStored, uploadedKeys } from '../test-support/consistency.ts';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { newUser, TestClient } from '../test-support/client.ts';
import { animatedGif, jpeg, makeImage } from '../test-support/fixtures.ts';
import type { ImageRow } from '../images/images.sql.ts';
import { objectKeys } from '../images/keys.ts';
import { createApp } from '../app.tsx';
import { createDecodeQueue, type DecodeQueue } from '../images/decode-queue.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp({ MAX_FILES: '5', MAX_FILE_MB: '1' });
});
after(() => t.close());

const rowsOf = (userId: string) => t.sql<ImageRow[]>`select * from images where user_id = ${userId} order by filename`;
async function countObjects() {
  let n = 0;
  for await (const _ of t.storage.list('')) n += 1;
  return n;
}
/** The page's text, tags dropped: "page.jpg Refused: Not an image we can read". */
const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
/** The result of `filename` links to an image page. */
const linked = (html: string, filename: string) =>
  new RegExp(`<a href="/images/[\\w-]+">(?:(?!</a>).)*>${filename.replace(/\./g, '\\.')}</span></a>`).test(html);
const userId = async (username: string) => (await t.sql`select id from users where username = ${username}`)[0]!.id as string;

describe('POST /upload', () => {
  test('stores many images of every accepted format in one request, each with its objects', async () => {
    const c = await newUser(t, 'uploader');
    const files = [
      { name: 'a.jpg', data: await jpeg() },
      { name: 'b.png', data: await makeImage('png', 300, 200) },
      { name: 'c.webp', data: await makeImage('webp', 200, 300) },
      { name: 'd.gif', data: await animatedGif() },
      { name: 'e.avif', data: await makeImage('avif', 120, 80) },
    ];
    const res = await c.upload(files, 'public');
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /5 of 5 images uploaded/);
    const rows = await rowsOf(await userId('uploader'));
    assert.deepEqual(rows.map((r) => [r.filename, r.format]), [
      ['a.jpg', 'jpeg'], ['b.png', 'png'], ['c.webp', 'webp'], ['d.gif', 'gif'], ['e.avif', 'avif'],
    ]);
    assert.deepEqual([rows[1]!.width, rows[1]!.height], [300, 200]);
    for (const r of rows) {
      assert.equal(r.visibility, 'public');
      for (const key of uploadedKeys(r)) assert.ok(await isStored(t.storage, key), key);
      assert.equal(await isStored(t.storage, objectKeys(r).clean), false, 'the clean copy waits for its first request');
      assert.match(html, new RegExp(`href="/images/${r.id}"`));
    }
  });

  test('keeps the good files of a batch and says per file why the others were refused', async () => {
    const c = await newUser(t, 'mixed');
    const objectsBefore = await countObjects();
    const good = await jpeg(320, 240);
    const res = await c.upload([
      { name: 'good.jpg', data: good },
      { name: 'page.jpg', data: new TextEncoder().encode('<html><script>alert(1)</script></html>'), type: 'image/jpeg' },
      { name: 'empty.png', data: new Uint8Array(0) },
      { name: 'cut.jpg', data: good.subarray(0, Math.floor(good.length / 2)) },
      { name: 'drawing.svg', data: new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>') },
    ], 'private');
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /1 of 5 images uploaded/);
    assert.match(textOf(html), /page\.jpg Refused: Not an image we can read/);
    assert.match(textOf(html), /empty\.png Refused: File is empty/);
    assert.match(textOf(html), /cut\.jpg Refused: The image is damaged or incomplete/);
    assert.match(textOf(html), /drawing\.svg Refused: Not an image we can read/);
    const rows = await rowsOf(await userId('mixed'));
    assert.deepEqual(rows.map((r) => [r.filename, r.visibility]), [['good.jpg', 'private']]);
    // Its original and three derivatives: the clean copy waits for its first request.
    assert.equal(await countObjects(), objectsBefore + 4, 'the objects of the good file only');
  });

  test('refuses a file over the size limit and the files over the count, keeping the rest', async () => {
    const c = await newUser(t, 'limits');
    const big = await makeImage('png', 1200, 1000); // > 1 MB of noise
    assert.ok(big.length > 1024 * 1024);
    const smalls = await Promise.all(Array.from({ length: 6 }, () => jpeg(64, 64)));
    const files = [{ name: 'big.png', data: big }, ...smalls.map((data, i) => ({ name: `s${i}.jpg`, data }))];
    const res = await c.upload(files, 'public');
    const html = await res.text();
    assert.equal(res.status, 200);
    assert.match(textOf(html), /big\.png Refused: File is larger than the limit of 1 MB/);
    assert.match(textOf(html), /s5\.jpg Refused: Too many files: at most 5 per upload/);
    const rows = await rowsOf(await userId('limits'));
    assert.deepEqual(rows.map((r) => r.filename), ['s0.jpg', 's1.jpg', 's2.jpg', 's3.jpg']);
  });

  test('refuses an upload without a visibility or without files, storing nothing', async () => {
    const c = await newUser(t, 'nofields');
    const objectsBefore = await countObjects();
    const noVisibility = await c.upload([{ name: 'a.jpg', data: await jpeg(50, 50) }]);
    assert.equal(noVisibility.status, 422);
    assert.match(await noVisibility.text(), /Choose whether the images are public or private/);
    const noFiles = await c.upload([], 'public');
    assert.equal(noFiles.status, 422);
    assert.match(await noFiles.text(), /Choose at least one image/);
    const bad = await c.upload([{ name: 'a.jpg', data: await jpeg(50, 50) }], 'everyone');
    assert.equal(bad.status, 422);
    assert.equal((await rowsOf(await userId('nofields'))).length, 0);
    assert.equal(await countObjects(), objectsBefore);
  });

  test('answers htmx with the results fragment only', async () => {
    const c = await newUser(t, 'htmxer');
    const res = await c.upload([{ name: 'x.jpg', data: await jpeg(40, 40) }], 'private', { 'HX-Request': 'true', 'HX-Request-Type': 'partial' });
    const html = await res.text();
    assert.match(html, /1 of 1 image uploaded/);
    assert.doesNotMatch(html, /<html/);
  });

  test('escapes hostile filenames', async () => {
    const c = await newUser(t, 'xss');
    const res = await c.upload([{ name: '<img src=x onerror=alert(1)>.jpg', data: await jpeg(40, 40) }], 'public');
    const html = await res.text();
    assert.doesNotMatch(html, /<img src=x/);
    assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;\.jpg/);
  });

  test('requires a signed-in user', async () => {
    const rowsBefore = (await t.sql`select count(*)::int as n from images`)[0]!.n;
    const objectsBefore = await countObjects();
    const res = await new TestClient(t).upload([{ name: 'a.jpg', data: await jpeg(40, 40) }], 'public');
    assert.equal(res.status, 401);
    assert.match(await res.text(), /You are signed out/);
    assert.equal((await t.sql`select count(*)::int as n from images`)[0]!.n, rowsBefore);
    assert.equal(await countObjects(), objectsBefore);
    const page = await new TestClient(t).request('/upload');
    assert.equal(page.status, 303);
  });

  test('a body that is not multipart is a clear 400', async () => {
    const c = await newUser(t, 'garbage');
    const res = await c.request('/upload', {
      method: 'POST',
      headers: { 'Content-Type': 'multipart/form-data; boundary=xyz' },
      body: 'this is not multipart at all',
    });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /The upload could not be read/);
  });

  test('a bad visibility sent before the files refuses the upload before anything is decoded', async () => {
    let decodes = 0;
    const app = createApp({ ...t, decodes: { ...t.decodes, run: (u, job) => ((decodes += 1), t.decodes.run(u, job)) } });
    const c = await newUser({ app }, 'early');
    const res = await c.upload([{ name: 'a.jpg', data: await jpeg(50, 51) }, { name: 'b.jpg', data: await jpeg(51, 50) }], 'everyone');
    assert.equal(res.status, 422);
    assert.match(await res.text(), /Choose whether the images are public or private/);
    assert.equal(decodes, 0);
  });

  test("one account's next file is decoded while its last is encoded, never two decodes at once", { timeout: 30_000 }, async () => {
    const queue = createDecodeQueue({ slots: 1, perUser: 1, queue: 10 });
    const events: string[] = [];
    let secondDecodes!: () => void;
    const second = new Promise<void>((resolve) => (secondDecodes = resolve));
    let n = 0;
    // The first file's encodes wait for the second file's decode to start: only a decode slot
    // given up at the handover lets it start (with one slot, anything else would never end).
    const decodes: DecodeQueue = { ...queue, run: (u, job) => {
      const i = ++n;
      return queue.run(u, async (toEncoding) => {
        events.push(`decode ${i}`);
        if (i === 2) secondDecodes();
        const done = await job(async () => {
          await toEncoding();
          events.push(`encode ${i}`);
          if (i === 1) await second;
        });
        events.push(`done ${i}`);
        return done;
      });
    } };
    const c = await newUser({ app: createApp({ ...t, decodes }) }, 'pipelined');
    const res = await c.upload([{ name: 'a.jpg', data: await jpeg(60, 40) }, { name: 'b.jpg', data: await jpeg(40, 60) }], 'private');
    assert.match(await res.text(), /2 of 2 images uploaded/);
    const at = (event: string) => events.indexOf(event);
    assert.ok(at('decode 2') >= 0 && at('decode 2') < at('done 1'), `decoded beside the encode: ${events}`);
    assert.ok(at('encode 2') > at('done 1'), `one encode slot: ${events}`);
  });

  test('fields sent after the files: stored when valid; refused with nothing written when not', async () => {
    let writes = 0;
    const counting = { ...t.storage, put: (...a: Parameters<typeof t.storage.put>) => ((writes += 1), t.storage.put(...a)),
      putFile: (...a: Parameters<typeof t.storage.putFile>) => ((writes += 1), t.storage.putFile(...a)) };
    const c = await newUser({ app: createApp({ ...t, storage: counting }) }, 'late');
    const send = (visibility: string, data: Uint8Array) => {
      const form = new FormData();
      form.append('images', new Blob([data as Uint8Array<ArrayBuffer>]), 'late.jpg');
      form.set('visibility', visibility);
      return c.request('/upload', { method: 'POST', body: form });
    };
    const refused = await send('everyone', await jpeg(52, 50));
    assert.equal(refused.status, 422);
    assert.equal(writes, 0, 'no object was written');
    const stored = await send('public', await jpeg(53, 50));
    assert.equal(stored.status, 200);
    assert.match(await stored.text(), /1 of 1 image uploaded/);
    assert.equal(writes, 4, 'the original and three derivatives');
    assert.equal((await rowsOf(await userId('late')))[0]!.visibility, 'public');
  });
});

describe('duplicates', () => {
  test('the same bytes again, in a later upload or the same batch, are "already in your library"', async () => {
    const c = await newUser(t, 'dupes');
    const photo = await jpeg(80, 60);
    const first = await c.upload([{ name: 'one.jpg', data: photo }], 'public');
    assert.match(await first.text(), /1 of 1 image uploaded/);
    const again = await (await c.upload([{ name: 'again.jpg', data: photo }, { name: 'twin.jpg', data: photo }], 'private')).text();
    for (const name of ['again.jpg', 'twin.jpg']) {
      assert.match(textOf(again), new RegExp(`${name} Already in your library`));
      assert.ok(linked(again, name), name);
    }
    const batch = await (await c.upload([{ name: 'x.jpg', data: await jpeg(20, 20) }, { name: 'y.jpg', data: await jpeg(20, 20) }], 'public')).text();
    assert.match(batch, /2 of 2 images uploaded/);
    const same = await jpeg(30, 30);
    const inBatch = await (await c.upload([{ name: 'p.jpg', data: same }, { name: 'q.jpg', data: same }], 'public')).text();
    assert.match(inBatch, /1 of 2 images uploaded/);
    assert.match(textOf(inBatch), /q\.jpg Already in your library/);
    assert.ok(linked(inBatch, 'q.jpg'));
    assert.deepEqual((await rowsOf(await userId('dupes'))).map((r) => r.filename), ['one.jpg', 'p.jpg', 'x.jpg', 'y.jpg']);
  });

  test('another user may upload the same bytes', async () => {
    const photo = await jpeg(70, 50);
    await (await newUser(t, 'dupe-a')).upload([{ name: 'a.jpg', data: photo }], 'public');
    const res = await (await newUser(t, 'dupe-b')).upload([{ name: 'b.jpg', data: photo }], 'public');
    assert.match(await res.text(), /1 of 1 image uploaded/);
  });
});

describe('bytes that sit in the trash', () => {
  const trashedAt = async (id: string) => (await t.sql`select deleted_at from images where id = ${id}`)[0]!.deleted_at as Date | null;

  test('an upload over the body limit leaves them there; an accepted one takes them out', async () => {
    const c = await newUser(t, 'binner');
    const photo = await jpeg(81, 61);
    assert.equal((await c.upload([{ name: 'binned.jpg', data: photo }], 'public')).status, 200);
    const [row] = await rowsOf(await userId('binner'));
    assert.equal((await c.postForm(`/images/${row!.id}/delete`, {})).status, 303);

    // Streamed (no Content-Length): the trashed file is read and checked before the body fails.
    const form = new FormData();
    form.set('visibility', 'public');
    form.append('images', new Blob([photo as Uint8Array<ArrayBuffer>]), 'binned-again.jpg');
    form.append('images', new Blob([new Uint8Array(7 * 1024 * 1024)]), 'huge.jpg');
    const res = await c.postStreamed('/upload', form);
    assert.equal(res.status, 413);
    assert.ok(await trashedAt(row!.id), 'still in the trash');

    const accepted = await c.upload([{ name: 'binned-again.jpg', data: photo }], 'private');
    assert.match(textOf(await accepted.text()), /binned-again\.jpg Already in your library/);
    assert.equal(await trashedAt(row!.id), null);
  });
});

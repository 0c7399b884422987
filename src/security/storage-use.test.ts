// Attack: storing far more than the quota charges (a tiny PNG of many pixels), or leaving
// something behind on every delete. The quota bounds what is really stored: every object an image
// keeps (original, clean copy, derivatives), as the dashboard meter shows.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { newUser, type TestClient } from '../test-support/client.ts';
import { jpeg } from '../test-support/fixtures.ts';
import { storedBytesOfUser } from '../test-support/consistency.ts';
import { processImage } from '../images/pipeline.ts';
import { readdir } from 'node:fs/promises';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cir-quota-'));
});
after(() => rm(dir, { recursive: true, force: true }));

/** What storing `data` costs at upload: the original plus every derivative (the clean copy comes on its first request). */
async function storedSize(data: Buffer) {
  const path = join(dir, `in-${Math.random()}`);
  await writeFile(path, data);
  const img = await processImage(path, { maxPixels: 100_000_000, memoryBytes: 1 << 30 });
  return data.length + img.thumb.data.length + img.thumb2x.data.length + img.display.data.length;
}

const quotaOf = (bytes: number) => ({ QUOTA_MB: String(bytes / 1024 / 1024) });
const meter = async (c: TestClient) =>
  Number((await (await c.request('/dashboard')).text()).match(/<meter id="usage"[^>]* value="(\d+)"/)![1]);
const idOf = async (t: TestApp, username: string) => (await t.sql<{ id: string }[]>`select id from users where username = ${username}`)[0]!.id;

async function withApp(env: Record<string, string>, run: (t: TestApp) => Promise<void>) {
  const t = await startTestApp(env);
  try {
    await run(t);
  } finally {
    await t.close();
  }
}

describe('quota', () => {
  test('a 4000 x 4000 PNG that compresses to a few KB is charged everything it keeps, as stored', async () => {
    const png = await sharp({ create: { width: 4000, height: 4000, channels: 3, background: '#3a6ea5' } }).png({ compressionLevel: 9 }).toBuffer();
    await withApp({}, async (t) => {
      const c = await newUser(t, 'flat');
      assert.match(await (await c.upload([{ name: 'flat.png', data: png }], 'public')).text(), /1 of 1 image uploaded/);
      const stored = await storedBytesOfUser(t.sql, t.storage, await idOf(t, 'flat'));
      assert.ok(stored > png.length, `the objects (${stored} B) weigh more than the original (${png.length} B)`);
      assert.equal(await meter(c), stored);
    });
  });

  test('a duplicate in the batch costs no quota', async () => {
    const [a, b] = await Promise.all([jpeg(55, 45), jpeg(56, 45)]);
    await withApp(quotaOf((await storedSize(a)) + (await storedSize(b))), async (t) => {
      const c = await newUser(t, 'dupquota');
      const html = await (await c.upload([{ name: 'a.jpg', data: a }, { name: 'a-again.jpg', data: a }, { name: 'b.jpg', data: b }], 'public')).text();
      assert.match(html, /2 of 3 images uploaded/);
      assert.match(html, /a-again\.jpg<\/span><\/a><span class="tile-note">.*?Already in your library/);
    });
  });

  test('a file that fits exactly is stored; the next is refused with the space left, and its objects go', async () => {
    const [a, b, c3] = await Promise.all([jpeg(50, 50), jpeg(60, 60), jpeg(40, 40)]);
    await withApp(quotaOf((await storedSize(a)) + (await storedSize(b))), async (t) => {
      const c = await newUser(t, 'quota');
      assert.match(await (await c.upload([{ name: 'a.jpg', data: a }], 'public')).text(), /1 of 1 image uploaded/);
      const html = await (await c.upload([{ name: 'b.jpg', data: b }, { name: 'c.jpg', data: c3 }], 'public')).text();
      assert.match(html, /1 of 2 images uploaded/);
      assert.match(html, /c\.jpg<\/span><span class="tile-note"><strong>Refused:<\/strong> Over your storage quota: 0 bytes left of /);
      let objects = 0;
      for await (const _ of t.storage.list('')) objects += 1;
      assert.equal(objects, 8, 'a and b only (4 objects each: no clean copy until one is asked for)');
    });
  });

  test('deleting an image gives its space back once it leaves the trash: the meter and the quota follow every change', async () => {
    const [a, b, c3] = await Promise.all([jpeg(51, 50), jpeg(61, 60), jpeg(41, 40)]);
    const [sa, sb, sc] = [await storedSize(a), await storedSize(b), await storedSize(c3)];
    await withApp(quotaOf(sa + sb), async (t) => {
      const c = await newUser(t, 'space');
      await c.upload([{ name: 'a.jpg', data: a }, { name: 'b.jpg', data: b }], 'public');
      assert.equal(await meter(c), sa + sb);
      assert.match(await (await c.upload([{ name: 'c.jpg', data: c3 }], 'public')).text(), /Over your storage quota/);
      const [{ id }] = await t.sql<{ id: string }[]>`select id from images where filename = 'a.jpg'`;
      await c.postForm(`/images/${id!}/delete`, {});
      assert.equal(await meter(c), sa + sb, 'the trash still counts');
      assert.match(await (await c.upload([{ name: 'c.jpg', data: c3 }], 'public')).text(), /Over your storage quota/);
      await c.postForm('/trash/empty', { confirm: '1' });
      assert.equal(await meter(c), sb);
      assert.match(await (await c.upload([{ name: 'c.jpg', data: c3 }], 'public')).text(), /1 of 1 image uploaded/);
      assert.equal(await meter(c), sb + sc);
      assert.equal(await meter(c), await storedBytesOfUser(t.sql, t.storage, await idOf(t, 'space')));
    });
  });

  test('deleting images leaves no empty folders behind on disk', { skip: process.env.TEST_STORAGE === 's3' }, async () => {
    await withApp({}, async (t) => {
      const c = await newUser(t, 'tidy');
      await c.upload([{ name: 'one.jpg', data: await jpeg(70, 70) }, { name: 'two.jpg', data: await jpeg(71, 70) }], 'private');
      const ids = (await t.sql<{ id: string }[]>`select id from images`).map((r) => r.id);
      await c.postForm(`/images/${ids[0]!}/delete`, {});
      await c.postForm('/images/bulk', { action: 'delete', ids: ids[1]! });
      await c.postForm('/trash/empty', { confirm: '1' });
      assert.equal((await t.sql`select 1 from images`).length, 0);
      const left = await readdir(join(t.config.dataDir, 'objects'), { recursive: true });
      assert.deepEqual(left.filter((p) => p.startsWith('images/')), []);
    });
  });
});

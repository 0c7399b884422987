// The full-size, metadata-free copy everyone but the owner gets is made on its first request,
// then kept and charged to the owner once, whoever asks and however many ask at once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { newUser, TestClient } from '../test-support/client.ts';
import { jpeg, jpegWithExif, PHONE_EXIF, readTags } from '../test-support/fixtures.ts';
import { assertConsistent, isStored, storedBytesOfUser, storedKeys } from '../test-support/consistency.ts';
import { runJanitor } from '../janitor/janitor.ts';
import { janitorDeps } from '../deps.ts';
import { objectKeys } from './keys.ts';
import { ensureCleanCopy } from './clean-copy.ts';
import { createDecodeQueue } from './decode-queue.ts';
import { createApp } from '../app.tsx';
import type { ImageRow } from './images.sql.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp({ TRASH_DAYS: '0' });
});
after(() => t.close());

const rowOf = async (filename: string) => (await t.sql<ImageRow[]>`select * from images where filename = ${filename}`)[0]!;
const usedBytes = async (userId: string) => Number((await t.sql<{ used_bytes: string }[]>`select used_bytes from users where id = ${userId}`)[0]!.used_bytes);
const visitor = () => new TestClient(t);

/** A sideways phone photo with GPS, uploaded public by a new user; its row. */
async function uploadPhoto(username: string, filename: string) {
  const owner = await newUser(t, username);
  const data = await jpegWithExif(300, 200, [...PHONE_EXIF, '-Orientation#=6']);
  assert.match(await (await owner.upload([{ name: filename, data }], 'public')).text(), /1 of 1 image uploaded/);
  return { owner, data, row: await rowOf(filename) };
}

describe('the clean copy, made on its first request', () => {
  test('an upload keeps the original and the derivatives, no clean copy, and charges exactly those', async () => {
    const { row } = await uploadPhoto('nocopy', 'nocopy.jpg');
    assert.equal(row.clean_bytes, null);
    assert.equal(await isStored(t.storage, objectKeys(row).clean), false);
    assert.equal(await usedBytes(row.user_id), await storedBytesOfUser(t.sql, t.storage, row.user_id));
    await assertConsistent(t.sql, t.storage);
  });

  test('GET /images/:id/original by a visitor makes it: upright, no EXIF or GPS; kept and charged once', async () => {
    const { owner, data, row } = await uploadPhoto('lazy', 'lazy.jpg');
    const before = await usedBytes(row.user_id);
    const res = await visitor().request(`/images/${row.id}/original`);
    assert.equal(res.status, 200);
    const body = Buffer.from(await res.arrayBuffer());
    assert.equal(Number(res.headers.get('content-length')), body.length);
    const m = await sharp(body).metadata();
    assert.deepEqual([m.format, m.width, m.height, m.orientation, m.exif], ['jpeg', 200, 300, undefined, undefined]);
    assert.doesNotMatch(JSON.stringify(await readTags(body)), /GPS|Apple|iPhone/);
    // Kept, byte for byte what was sent, and charged once.
    const after = await rowOf('lazy.jpg');
    assert.equal(Number(after.clean_bytes), body.length);
    assert.equal(Number(after.stored_bytes), Number(row.stored_bytes) + body.length);
    assert.equal(await usedBytes(row.user_id), before + body.length);
    assert.equal(await usedBytes(row.user_id), await storedBytesOfUser(t.sql, t.storage, row.user_id));
    const again = await visitor().request(`/images/${row.id}/original?download=1`);
    assert.deepEqual(Buffer.from(await again.arrayBuffer()), body);
    assert.equal(await usedBytes(row.user_id), before + body.length, 'not charged again');
    // The owner still gets their exact original, and asking for it makes nothing.
    assert.deepEqual(Buffer.from(await (await owner.request(`/images/${row.id}/original`)).arrayBuffer()), data);
    await assertConsistent(t.sql, t.storage);
  });

  test('when every decode slot is taken and none may wait, a visitor gets a 503 to try again; nothing is kept', async () => {
    const { row } = await uploadPhoto('busy', 'busy.jpg');
    const decodes = createDecodeQueue({ slots: 1, perUser: 1, queue: 0 });
    const busy = new TestClient({ app: createApp({ ...t, decodes }) });
    let release!: () => void;
    const held = decodes.run('someone-else', () => new Promise<void>((resolve) => (release = resolve)));
    try {
      const res = await busy.request(`/images/${row.id}/original`);
      assert.equal(res.status, 503);
      assert.equal(res.headers.get('retry-after'), '60');
      assert.equal((await rowOf('busy.jpg')).clean_bytes, null);
      assert.equal(await isStored(t.storage, objectKeys(row).clean), false);
    } finally {
      release();
      await held;
    }
    assert.equal((await busy.request(`/images/${row.id}/original`)).status, 200, 'made once a slot is free');
  });

  test('the owner asking for their original makes no copy', async () => {
    const { owner, row } = await uploadPhoto('ownonly', 'ownonly.jpg');
    assert.equal((await owner.request(`/images/${row.id}/original`)).status, 200);
    assert.equal((await rowOf('ownonly.jpg')).clean_bytes, null);
    assert.equal(await isStored(t.storage, objectKeys(row).clean), false);
  });

  test('concurrent first requests, in one instance and in two, make one object and one charge', async () => {
    const { row } = await uploadPhoto('racing', 'racing.jpg');
    const before = await usedBytes(row.user_id);
    const bodies = await Promise.all(Array.from({ length: 4 }, async () =>
      Buffer.from(await (await visitor().request(`/images/${row.id}/original`)).arrayBuffer())));
    for (const b of bodies) assert.deepEqual(b, bodies[0]);
    assert.equal(await usedBytes(row.user_id), before + bodies[0]!.length);

    // Two instances share only the database and the bucket: each makes and writes the same copy;
    // the database records (and charges) one.
    const { row: other } = await uploadPhoto('racing2', 'racing2.jpg');
    const start = await usedBytes(other.user_id);
    const instances = [{ ...t }, { ...t }];
    const sizes = await Promise.all(instances.map((deps) => ensureCleanCopy(deps, other)));
    assert.equal(sizes[0], sizes[1]);
    assert.equal(await usedBytes(other.user_id), start + sizes[0]!);
    assert.equal(Number((await rowOf('racing2.jpg')).clean_bytes), sizes[0]);
    assert.equal(await usedBytes(other.user_id), await storedBytesOfUser(t.sql, t.storage, other.user_id));
    await assertConsistent(t.sql, t.storage);
  });

  test('an owner over their quota: the copy is still served, kept and charged (over quota)', async () => {
    const { row } = await uploadPhoto('fullup', 'fullup.jpg');
    await t.sql`update users set quota_bytes = ${Number(row.stored_bytes)} where id = ${row.user_id}`;
    const res = await visitor().request(`/images/${row.id}/original`);
    assert.equal(res.status, 200);
    const body = Buffer.from(await res.arrayBuffer());
    assert.equal(await usedBytes(row.user_id), Number(row.stored_bytes) + body.length);
  });

  test('the janitor keeps a clean copy as in use; deleting the image removes it', async () => {
    const { owner, row } = await uploadPhoto('gone', 'gone.jpg');
    await visitor().request(`/images/${row.id}/original`);
    const key = objectKeys(row).clean;
    assert.equal(await isStored(t.storage, key), true);
    const report = await runJanitor(janitorDeps(t), 0);
    assert.equal(report.orphans, 0);
    assert.equal(await isStored(t.storage, key), true);
    assert.equal((await owner.request(`/images/${row.id}/delete`, { method: 'POST' })).status, 303);
    assert.equal(await isStored(t.storage, key), false);
    assert.deepEqual([...(await storedKeys(t.storage))].filter((k) => k.includes(row.id)), []);
    await assertConsistent(t.sql, t.storage);
  });

  test('an image deleted while its copy is being made leaves nothing behind', async () => {
    const { owner, row } = await uploadPhoto('midway', 'midway.jpg');
    // The owner deletes it for good (row, then objects) just before the copy is written.
    const storage = { ...t.storage, putFile: async (key: string, path: string, type: string) => {
      assert.equal((await owner.request(`/images/${row.id}/delete`, { method: 'POST' })).status, 303);
      return t.storage.putFile(key, path, type);
    } };
    assert.equal(await ensureCleanCopy({ ...t, storage }, row), null);
    assert.deepEqual([...(await storedKeys(t.storage))].filter((k) => k.includes(row.id)), []);
    await assertConsistent(t.sql, t.storage);
  });

  test('a visitor\'s album zip makes the copies it holds, and keeps them', async () => {
    const owner = await newUser(t, 'zipper');
    await owner.upload([{ name: 'z1.jpg', data: await jpeg(90, 60) }, { name: 'z2.jpg', data: await jpeg(91, 60) }], 'public');
    const res = await owner.postForm('/albums', { title: 'Zipped', visibility: 'public' });
    assert.equal(res.status, 303);
    const album = res.headers.get('location')!.split('/')[2]!;
    const ids = new URLSearchParams([['confirm', '1'], ...(await Promise.all(['z1.jpg', 'z2.jpg'].map(async (n) => ['ids', (await rowOf(n)).id])))]);
    assert.equal((await owner.request(`/albums/${album}/images`, { method: 'POST', body: ids })).status, 303);
    const zip = await visitor().request(`/albums/${album}/download`);
    assert.equal(zip.status, 200);
    await zip.arrayBuffer();
    for (const name of ['z1.jpg', 'z2.jpg']) {
      const row = await rowOf(name);
      assert.ok(Number(row.clean_bytes) > 0, name);
      assert.equal(await isStored(t.storage, objectKeys(row).clean), true, name);
    }
    await assertConsistent(t.sql, t.storage);
  });
});

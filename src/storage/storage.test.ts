// One contract, both implementations: disk and S3 (through s3rver, a real S3-protocol server on loopback).
import assert from 'node:assert/strict';
import { isStored } from '../test-support/consistency.ts';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { openTestStorage, type TestStorage } from '../test-support/harness.ts';
import type { Storage } from './storage.ts';
import { createS3Storage } from './s3.ts';
import { createDiskStorage } from './disk.ts';
import { startS3Server } from '../test-support/s3-server.ts';

async function read(stream: Readable | null) {
  assert.ok(stream, 'object exists');
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

for (const kind of ['disk', 's3'] as const) {
  describe(`${kind} storage`, () => {
    let dir: string;
    let store: TestStorage;
    let s: Storage;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'cir-storage-'));
      store = await openTestStorage(dir, kind);
      s = store.storage;
    });
    after(async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    });

    test('put a stream, get it back byte for byte', async () => {
      const data = Buffer.alloc(3 * 1024 * 1024 + 17).map((_, i) => (i * 31) % 251);
      // Several chunks, so a store that frames streamed bodies (aws-chunked) would show it.
      const chunks = [data.subarray(0, 1000), data.subarray(1000, 2_000_000), data.subarray(2_000_000)];
      await s.put('images/a/original', Readable.from(chunks), 'image/jpeg');
      assert.deepEqual(await read(await s.get('images/a/original')), data);
      assert.equal(await isStored(s, 'images/a/original'), true);
    });

    test('putFile stores a file as it is', async () => {
      const path = join(dir, 'source.bin');
      const data = Buffer.from('file contents '.repeat(1000));
      await writeFile(path, data);
      await s.putFile('images/f/original', path, 'image/jpeg');
      assert.deepEqual(await read(await s.get('images/f/original')), data);
      await assert.rejects(s.putFile('images/g/original', join(dir, 'missing.bin'), 'image/jpeg'));
      assert.equal(await isStored(s, 'images/g/original'), false);
    });

    test('put a buffer; get a byte range', async () => {
      await s.put('images/b/thumb.webp', Buffer.from('0123456789'), 'image/webp');
      assert.equal((await read(await s.get('images/b/thumb.webp', { start: 2, end: 5 }))).toString(), '2345');
    });

    test('a missing key: get is null, exists is false, delete is fine', async () => {
      assert.equal(await s.get('images/none/original'), null);
      assert.equal(await isStored(s, 'images/none/original'), false);
      await s.delete('images/none/original');
    });

    test('delete removes the object', async () => {
      await s.put('images/c/original', Buffer.from('x'), 'image/png');
      await s.delete('images/c/original');
      assert.equal(await isStored(s, 'images/c/original'), false);
      assert.equal(await s.get('images/c/original'), null);
    });

    test('list yields the keys under a prefix', async () => {
      await s.put('images/d/one', Buffer.from('1'), 'image/png');
      await s.put('images/d/two', Buffer.from('2'), 'image/png');
      const keys: string[] = [];
      for await (const o of s.list('images/d/')) {
        keys.push(o.key);
        assert.ok(o.modified instanceof Date);
      }
      assert.deepEqual(keys.sort(), ['images/d/one', 'images/d/two']);
    });

    test('list goes on after a key: the keys that came after it, in the same order', async () => {
      // Folders named alike in length, as image ids are (S3 orders keys whole, a disk folder by folder).
      const keys = ['images/order/a-/1', 'images/order/a-/2.tmp', 'images/order/aa/1', 'images/order/aa/1.x', 'images/order/ab', 'images/order/b_/1', 'images/other/1'];
      for (const k of keys) await s.put(k, Buffer.from(k), 'image/png');
      const listed = async (after?: string) => {
        const seen: string[] = [];
        for await (const o of s.list('images/order/', after)) seen.push(o.key);
        return seen;
      };
      const all = await listed();
      assert.deepEqual([...all].sort(), keys.slice(0, 6).sort());
      for (const [i, key] of all.entries()) assert.deepEqual(await listed(key), all.slice(i + 1), `after ${key}`);
    });

    test('check succeeds when reachable', async () => {
      await s.check();
    });
  });
}

describe('storage contract, continued', () => {
  for (const kind of ['disk', 's3'] as const) {
    test(`${kind}: deleteMany removes every key and reports none failed`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'cir-storage-'));
      const store = await openTestStorage(dir, kind);
      try {
        const keys = Array.from({ length: 25 }, (_, i) => `images/many/${i}`);
        await Promise.all(keys.map((k) => store.storage.put(k, Buffer.from(k), 'image/png')));
        assert.deepEqual(await store.storage.deleteMany([...keys, 'images/many/not-there']), []);
        for (const k of keys) assert.equal(await isStored(store.storage, k), false);
      } finally {
        await store.close();
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('disk specifics', () => {
  test("deleting an image's last object removes its folder; the root stays", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cir-disk-'));
    try {
      const s = createDiskStorage(join(dir, 'objects'));
      await s.init();
      await s.put('images/one/original', Buffer.from('a'), 'image/jpeg');
      await s.put('images/one/thumb.webp', Buffer.from('b'), 'image/webp');
      await s.delete('images/one/original');
      assert.deepEqual(await readdir(join(dir, 'objects/images/one')), ['thumb.webp'], 'a folder that still holds objects stays');
      assert.deepEqual(await s.deleteMany(['images/one/thumb.webp']), []);
      assert.deepEqual(await readdir(join(dir, 'objects/images')), [], 'no empty folder is left behind');
      await s.put('images/top', Buffer.from('c'), 'image/jpeg');
      await s.delete('images/top');
      await s.delete('images/never-there/original');
      assert.deepEqual(await readdir(join(dir, 'objects')), [], 'the root itself stays, empty');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('S3 specifics', () => {
  let dir: string;
  let s3: Awaited<ReturnType<typeof startS3Server>>;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cir-s3-'));
    s3 = await startS3Server(dir);
  });
  after(async () => {
    await s3.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('a bucket that does not exist is a clear start-up error', async () => {
    await assert.rejects(createS3Storage({ ...s3.options, bucket: 'missing-bucket' }).init(), /S3 bucket "missing-bucket" does not exist \(create it, or set S3_CREATE_BUCKET=1\)/);
  });

  test('S3_CREATE_BUCKET creates it', async () => {
    const s = createS3Storage({ ...s3.options, bucket: 'made-at-start', createBucket: true });
    await s.init();
    await s.put('images/x/original', Buffer.from('ok'), 'image/png');
    assert.equal(await isStored(s, 'images/x/original'), true);
  });

  test('an unreachable endpoint is named at start', async () => {
    const s = createS3Storage({ ...s3.options, endpoint: 'http://127.0.0.1:1' });
    await assert.rejects(s.init(), /S3 bucket "images" is not reachable/);
  });

  test('a presigned URL serves the object with the given type and disposition, and expires', async () => {
    const s = createS3Storage(s3.options);
    await s.put('images/p/original', Buffer.from('presigned bytes'), 'image/png');
    const url = await s.presign!('images/p/original', { expiresIn: 60, contentType: 'image/png', disposition: 'attachment; filename="a.png"', cacheControl: 'private, max-age=60' });
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'presigned bytes');
    assert.equal(res.headers.get('content-type'), 'image/png');
    assert.equal(res.headers.get('content-disposition'), 'attachment; filename="a.png"');
    assert.match(url, /X-Amz-Expires=60/);
  });
});

// One contract, both implementations: disk and S3 (through s3rver, a real S3-protocol server on loopback).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { openTestStorage, type TestStorage } from '../test-support/harness.ts';
import type { Storage } from './storage.ts';

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
      assert.equal(await s.exists('images/a/original'), true);
    });

    test('put a buffer; get a byte range', async () => {
      await s.put('images/b/thumb.webp', Buffer.from('0123456789'), 'image/webp');
      assert.equal((await read(await s.get('images/b/thumb.webp', { start: 2, end: 5 }))).toString(), '2345');
    });

    test('a missing key: get is null, exists is false, delete is fine', async () => {
      assert.equal(await s.get('images/none/original'), null);
      assert.equal(await s.exists('images/none/original'), false);
      await s.delete('images/none/original');
    });

    test('delete removes the object', async () => {
      await s.put('images/c/original', Buffer.from('x'), 'image/png');
      await s.delete('images/c/original');
      assert.equal(await s.exists('images/c/original'), false);
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

    test('check succeeds when reachable', async () => {
      await s.check();
    });
  });
}

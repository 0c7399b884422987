// The process is killed in the middle of an upload batch; after a restart and the janitor, rows
// and objects agree again.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openDatabase } from '../db/client.ts';
import { createDiskStorage } from '../storage/disk.ts';
import { assertConsistent, storedKeys } from '../test-support/consistency.ts';
import { jpeg } from '../test-support/fixtures.ts';
import { appFolder, signUpOver, spawnApp } from '../test-support/process.ts';

let folder: Awaited<ReturnType<typeof appFolder>> | undefined;
after(() => folder?.close());

const signup = (url: string) => signUpOver(url, 'crash');

/** A multipart body that trickles in, so the server is mid-batch for a while. */
async function slowUpload(files: Buffer[]) {
  const form = new FormData();
  form.set('visibility', 'public');
  files.forEach((data, i) => form.append('images', new Blob([new Uint8Array(data)]), `photo-${i}.jpg`));
  const encoded = new Response(form);
  const bytes = new Uint8Array(await encoded.arrayBuffer());
  let offset = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      await new Promise((r) => setTimeout(r, 15));
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + 32 * 1024));
      offset += 32 * 1024;
    },
  });
  return { body, type: encoded.headers.get('content-type')! };
}

test('killed mid-batch: after a restart and `npm run gc` every row has its objects and no object is orphaned', async () => {
  folder = await appFolder('cir-crash-');
  const { dir } = folder;
  const env = { ...folder.env, JANITOR_INTERVAL_MINUTES: '0' };
  const storage = createDiskStorage(join(dir, 'objects'));

  const app = await spawnApp(env);
  const cookie = await signup(app.url);
  const { body, type } = await slowUpload(await Promise.all(Array.from({ length: 8 }, () => jpeg(900, 700))));
  const request = fetch(`${app.url}/upload`, {
    method: 'POST', headers: { Origin: app.url, Cookie: cookie, 'Content-Type': type }, body, duplex: 'half',
  } as RequestInit).catch(() => 'connection lost');
  // Kill it the moment the first image's objects are stored (its row would come at the end).
  while (![...(await storedKeys(storage))].some((k) => k.endsWith('/original'))) await new Promise((r) => setTimeout(r, 10));
  await app.stop('SIGKILL');
  assert.equal(await request, 'connection lost');

  // Restart: it comes up on the same data; then one janitor pass with no grace period.
  const again = await spawnApp(env);
  await again.stop();
  assert.ok((await storedKeys(storage)).size > 0, 'the crash did leave objects without rows');
  await spawnApp({ ...env, JANITOR_GRACE_MINUTES: '0' }, ['gc']);

  const db = await openDatabase({ databaseUrl: folder.databaseUrl, dataDir: dir });
  try {
    assert.equal((await db.sql`select count(*)::int as n from images`)[0]!.n, 0);
    await assertConsistent(db.sql, storage);
    assert.equal((await storedKeys(storage)).size, 0);
  } finally {
    await db.close();
  }
});

import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import postgres from 'postgres';
import { createApp } from '../app.tsx';
import { createDiskStorage } from '../storage/disk.ts';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { createLifecycle } from '../web/lifecycle.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

test('GET /healthz says the process is up', async () => {
  const res = await t.app.request('/healthz');
  assert.equal(res.status, 200);
});

test('GET /readyz is 200 when database and storage answer', async () => {
  const res = await t.app.request('/readyz');
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { database: 'ok', storage: 'ok' });
});

test('GET /readyz is 503 naming the storage when it is unreachable', async () => {
  // A storage root that is a file can never hold objects.
  const file = join(t.config.dataDir, 'not-a-dir');
  await writeFile(file, 'x');
  const broken = createApp({ ...t, storage: createDiskStorage(join(file, 'objects')) });
  const res = await broken.request('/readyz');
  assert.equal(res.status, 503);
  assert.deepEqual(await res.json(), { database: 'ok', storage: 'unreachable' });
});

test('GET /readyz is 503 naming the database when it is unreachable', async () => {
  const down = postgres('postgres://nobody@127.0.0.1:1/none', { max: 1, connect_timeout: 2 });
  try {
    const res = await createApp({ ...t, sql: down }).request('/readyz');
    assert.equal(res.status, 503);
    assert.deepEqual(await res.json(), { database: 'unreachable', storage: 'ok' });
  } finally {
    await down.end();
  }
});

test('GET /readyz is 503 once the instance drains; every answer then closes its connection', async () => {
  const lifecycle = createLifecycle();
  const app = createApp({ ...t, lifecycle });
  const before = await app.request('/healthz');
  assert.equal(before.headers.get('Connection'), null);
  lifecycle.drain();
  const res = await app.request('/readyz');
  assert.equal(res.status, 503);
  assert.deepEqual(await res.json(), { draining: true });
  assert.equal(res.headers.get('Connection'), 'close');
  // Still alive: a liveness probe must not kill the process while it finishes its work.
  const live = await app.request('/healthz');
  assert.equal(live.status, 200);
  assert.equal(live.headers.get('Connection'), 'close');
});

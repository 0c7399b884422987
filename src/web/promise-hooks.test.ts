// Hono's JSX (4.13) runs each render inside an AsyncLocalStorage. On Node 20 the first run() turns
// on promise hooks for the whole process, and from then on every promise of every request pays for
// them: about 10 % of the search's and the dashboard's throughput (bench/HISTORY.md). patches/ keeps Hono's
// render context synchronous; this holds the app, run as `npm start` runs it, to serving its pages
// with no promise hooks on. (The test runner turns them on in its own process: hence a child.)
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { TestClient } from '../test-support/client.ts';
import { jpeg } from '../test-support/fixtures.ts';
import { appFolder, spawnApp } from '../test-support/process.ts';

// Loaded into the app's process: on SIGUSR2 it says whether a promise reaction runs as its promise
// (what promise hooks do), then turns them on with an AsyncLocalStorage of its own and says again.
const PROBE = `
import { AsyncLocalStorage, executionAsyncResource } from 'node:async_hooks';
const tracked = () => new Promise((r) => Promise.resolve().then(() => r(executionAsyncResource() instanceof Promise)));
process.on('SIGUSR2', async () => {
  const before = await tracked();
  new AsyncLocalStorage().run({}, () => {});
  process.stdout.write('promise hooks: ' + JSON.stringify({ before, after: await tracked() }) + '\\n');
});
`;

let folder: Awaited<ReturnType<typeof appFolder>> | undefined;
after(() => folder?.close());

test('the app serves its pages without turning on promise hooks', async () => {
  folder = await appFolder('cir-hooks-');
  const probe = join(folder.dir, 'probe.mjs');
  await writeFile(probe, PROBE);
  const app = await spawnApp({ ...folder.env, NODE_OPTIONS: `--import=${probe}` });

  const alice = await new TestClient({ url: app.url }).signup('alice');
  await alice.upload([{ name: 'harbour.jpg', data: await jpeg(60, 40) }], 'public');
  const id = /id="image-([\w-]+)"/.exec(await (await alice.request('/dashboard')).text())?.[1];
  assert.ok(id, 'the dashboard shows the upload');
  for (const path of ['/', '/gallery', '/gallery?q=harbour', `/images/${id}`, '/albums', '/settings', '/upload', '/trash']) {
    assert.equal((await alice.request(path)).status, 200, path);
  }
  assert.equal((await fetch(`${app.url}/gallery`)).status, 200, 'a visitor');

  // The probe's line, among whatever else the app writes; an app that dies first fails the test at once.
  assert.equal(app.child.exitCode, null, 'the app is still running');
  const answer = new Promise<string>((resolve, reject) => {
    let said = '';
    app.child.stdout!.on('data', (d) => {
      said += d;
      const line = /promise hooks: (.*)\n/.exec(said);
      if (line) resolve(line[1]!);
    });
    app.child.once('exit', (code) => reject(new Error(`the app exited (${code}) before the probe answered`)));
  });
  app.child.kill('SIGUSR2');
  const { before, after } = JSON.parse(await answer);
  assert.equal(before, false, 'promise hooks were on after the app served its pages');
  assert.equal(after, true, 'the probe sees promise hooks once something turns them on');
  await app.stop();
});

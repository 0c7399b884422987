// Decode bombs and decode starvation: tiny files that decode to huge frames, and one account
// keeping every decode slot busy.
import assert from 'node:assert/strict';
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createApp } from '../app.tsx';
import { killAll, signUpOver, spawnApp, type AppProcess } from '../test-support/process.ts';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { newUser } from '../test-support/client.ts';
import { jpeg, makeImage } from '../test-support/fixtures.ts';
import type { DecodeQueue } from '../images/decode-queue.ts';

// 10,000 x 10,000 pixels each (made with sharp's `create`): 67 KB of GIF, 3.9 KB of lossless
// WebP, 2.5 KB of AVIF. Decoded whole, each takes 0.8 to 1.4 GB.
const BOMBS = ['gif', 'webp', 'avif'].map((format) => ({ format, path: new URL(`../test-support/bombs/100mp.${format}`, import.meta.url) }));

/** Signs up on a running process; returns an uploader with that session. */
async function signup(url: string, username: string) {
  const cookie = await signUpOver(url, username);
  return (files: { name: string; data: Buffer }[]) => {
    const form = new FormData();
    form.set('visibility', 'private');
    for (const f of files) form.append('images', new Blob([new Uint8Array(f.data)]), f.name);
    return fetch(`${url}/upload`, { method: 'POST', headers: { Origin: url, Cookie: cookie }, body: form });
  };
}

const status = (pid: number) => readFile(`/proc/${pid}/status`, 'utf8');
const kb = (text: string, field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(text)![1]);

describe('decode bombs against the real process', () => {
  let dir: string;
  let app: AppProcess;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cir-bombs-'));
    app = await spawnApp({ DATA_DIR: dir, JANITOR_INTERVAL_MINUTES: '0', MALLOC_ARENA_MAX: '2' });
  });
  after(async () => {
    killAll();
    await rm(dir, { recursive: true, force: true });
  });

  test('100 MP GIF, WebP and AVIF: refused per file, peak memory grows < 300 MB, another user uploads in < 2 s meanwhile', async () => {
    const attacker = await signup(app.url, 'bomber');
    const victim = await signup(app.url, 'bystander');
    const small = await jpeg(20, 20);
    const bombs = await Promise.all(BOMBS.map(async (b) => ({ name: `bomb.${b.format}`, data: await readFile(b.path) })));
    // Warm up the code paths, then measure the peak from here (writing 5 resets VmHWM to VmRSS).
    assert.equal((await victim([{ name: 'warm.jpg', data: await jpeg(30, 30) }])).status, 200);
    const pid = app.child.pid!;
    await writeFile(`/proc/${pid}/clear_refs`, '5');
    const baseline = kb(await status(pid), 'VmRSS');

    const attacks = [attacker(bombs), attacker([bombs[0]!, bombs[1]!]), attacker([bombs[2]!])];
    const started = performance.now();
    const mine = await victim([{ name: 'small.jpg', data: small }]);
    const victimMs = performance.now() - started;
    const answers = await Promise.all(attacks);

    assert.equal(mine.status, 200);
    assert.match(await mine.text(), /1 of 1 image uploaded/);
    assert.ok(victimMs < 2000, `the bystander's upload took ${victimMs.toFixed(0)} ms`);
    for (const res of answers) {
      assert.equal(res.status, 422);
      const refusals = [...(await res.text()).matchAll(/bomb\.(\w+)<\/span><span class="tile-note"><strong>Refused:<\/strong> ([^<]+)/g)];
      assert.ok(refusals.length > 0);
      for (const [, format, reason] of refusals) {
        assert.match(reason!, new RegExp(`^A ${format!.toUpperCase()} is too large: more than [\\d,]+ pixels`));
      }
    }
    const growthMb = (kb(await status(pid), 'VmHWM') - baseline) / 1024;
    assert.ok(growthMb < 300, `peak RSS grew by ${growthMb.toFixed(0)} MB`);
  });
});

describe('decode slots', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ DECODE_SLOTS: '2', DECODE_QUEUE: '1' });
  });
  after(() => t.close());

  /** Holds one decode slot for `userId` until the returned function is called. */
  function holdSlot(userId: string) {
    let release!: () => void;
    const held = t.decodes.run(userId, () => new Promise<void>((resolve) => (release = resolve)));
    return async () => {
      release();
      await held;
    };
  }
  const idOf = async (username: string) => (await t.sql<{ id: string }[]>`select id from users where username = ${username}`)[0]!.id;

  test("while one account's decodes wait, another account's upload goes through", async () => {
    const hog = await newUser(t, 'hog');
    const other = await newUser(t, 'other');
    const release = await holdSlot(await idOf('hog'));
    // The hog's own upload waits for its slot (its one decode at a time is taken)...
    const waiting = hog.upload([{ name: 'hog.jpg', data: await jpeg(40, 40) }], 'private');
    while (t.decodes.load().waiting === 0) await new Promise((r) => setTimeout(r, 10));
    // ...while the other account's upload is decoded now.
    const res = await other.upload([{ name: 'other.jpg', data: await jpeg(40, 40) }], 'private');
    assert.equal(res.status, 200);
    assert.deepEqual(t.decodes.load(), { active: 1, waiting: 1 }, 'the hog still waits');
    await release();
    assert.equal((await waiting).status, 200);
  });

  test('past the queue, files are refused at once with 503 and Retry-After; nothing else is lost', async () => {
    const c = await newUser(t, 'latecomer');
    const kept = await jpeg(41, 40);
    assert.equal((await c.upload([{ name: 'kept.jpg', data: kept }], 'private')).status, 200);
    const releases = [await holdSlot('someone'), await holdSlot('someone-else')];
    const queued = t.decodes.run('third', async () => {}); // fills the queue of one
    const res = await c.upload([
      { name: 'busy.jpg', data: await jpeg(40, 41) },
      { name: 'again.jpg', data: kept },
      { name: 'empty.jpg', data: Buffer.alloc(0) },
    ], 'private');
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '60');
    const html = await res.text();
    assert.match(html, /busy\.jpg<\/span><span class="tile-note"><strong>Refused:<\/strong> The server is busy processing other images/);
    assert.match(html, /again\.jpg<\/span><\/a><span class="tile-note">.*?Already in your library/);
    assert.match(html, /empty\.jpg<\/span><span class="tile-note"><strong>Refused:<\/strong> File is empty/);
    for (const release of releases) await release();
    await queued;
    assert.equal((await c.upload([{ name: 'busy.jpg', data: await jpeg(40, 41) }], 'private')).status, 200, 'sent again later, it is stored');
  });

  test('the same bytes twice in one upload are decoded once', async () => {
    let decodes = 0;
    const counting: DecodeQueue = { ...t.decodes, run: (userId, job) => ((decodes += 1), t.decodes.run(userId, job)) };
    const app = createApp({ ...t, decodes: counting });
    const c = await newUser({ app }, 'twice');
    const photo = await makeImage('png', 300, 300);
    const res = await c.upload([{ name: 'one.png', data: photo }, { name: 'two.png', data: photo }, { name: 'three.png', data: photo }], 'private');
    const html = await res.text();
    assert.equal(decodes, 1);
    assert.match(html, /1 of 3 images uploaded/);
    assert.equal((html.match(/Already in your library/g) ?? []).length, 2);
  });
});

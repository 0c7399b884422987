import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { serve } from '@hono/node-server';
import { createApp } from '../app.tsx';
import { newUser, type Target } from '../test-support/client.ts';
import { jpeg } from '../test-support/fixtures.ts';
import { startTestApp, type TestApp } from '../test-support/harness.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp({ MAX_FILES: '5', MAX_FILE_MB: '1' });
});
after(() => t.close());

const PROGRESS = { 'X-Fragment': '1', 'X-Upload-Progress': '1' };
type Line = { done: number; of: number } | { status: number; html: string; retryAfter?: number };

/** The response's JSON lines, each as soon as it has arrived. */
async function* linesOf(res: Response): AsyncGenerator<Line> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    for (let end = buffer.indexOf('\n'); end !== -1; end = buffer.indexOf('\n')) {
      yield JSON.parse(buffer.slice(0, end)) as Line;
      buffer = buffer.slice(end + 1);
    }
  }
  assert.equal(buffer, '', 'every line ends with a newline');
}

/**
 * The app, with the decode of the second file of an upload held until `release()`: a line the
 * server wrote can only be read before that if it was sent at once, not buffered until the end.
 */
function holdingSecondDecode() {
  let decodes = 0;
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const app = createApp({
    ...t,
    decodes: {
      ...t.decodes,
      run: async (userId, job) => {
        decodes += 1;
        if (decodes === 2) await held;
        return t.decodes.run(userId, job);
      },
    },
  });
  return { app, release };
}

/** Uploads two images asking for progress; checks each line as it arrives. */
async function uploadWatchingProgress(target: Target, release: () => void, username: string) {
  const c = await newUser(target, username);
  const res = await c.upload([{ name: 'one.jpg', data: await jpeg(60, 40) }, { name: 'two.jpg', data: await jpeg(40, 60) }], 'public', PROGRESS);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('Content-Type')!, /^application\/x-ndjson/);
  assert.equal(res.headers.get('Content-Encoding'), null, 'not compressed: a compressor may hold lines back');
  const lines: Line[] = [];
  for await (const line of linesOf(res)) {
    lines.push(line);
    // The first file is processed, the second is held: this line came while the work went on.
    if ('done' in line && line.done === 1) release();
  }
  const progress = lines.slice(0, -1) as { done: number; of: number }[];
  const final = lines.at(-1) as { status: number; html: string };
  assert.ok(progress.length >= 2, JSON.stringify(lines));
  for (const [i, p] of progress.entries()) {
    assert.equal(p.of, 2);
    if (i > 0) assert.equal(p.done, progress[i - 1]!.done + 1, 'one more file each time, none skipped');
  }
  assert.ok(progress[0]!.done <= 1);
  assert.equal(progress.at(-1)!.done, 2);
  assert.equal(final.status, 200);
  assert.match(final.html, /2 of 2 images uploaded/);
  assert.doesNotMatch(final.html, /<html/);
  const rows = await t.sql<{ filename: string; visibility: string }[]>`
    select filename, visibility from images i join users u on u.id = i.user_id where u.username = ${username} order by filename`;
  assert.deepEqual(rows.map((r) => [r.filename, r.visibility]), [['one.jpg', 'public'], ['two.jpg', 'public']]);
  for (const name of ['one.jpg', 'two.jpg']) assert.match(final.html, new RegExp(`<img src="/images/[\\w-]+/thumb/[0-9a-f]+-0\\.webp"[^>]*>(?:(?!</li>).)*${name}`));
}

describe('POST /upload with X-Upload-Progress', () => {
  test('streams a line as each file is processed, then the answer, through app.request', { timeout: 60_000 }, async () => {
    const { app, release } = holdingSecondDecode();
    await uploadWatchingProgress({ app }, release, 'streamer');
  });

  test('streams each line as it is written through a real Node server', { timeout: 60_000 }, async () => {
    const { app, release } = holdingSecondDecode();
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await once(server, 'listening');
    try {
      await uploadWatchingProgress({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }, release, 'noder');
    } finally {
      server.close();
      (server as import('node:http').Server).closeAllConnections();
    }
  });

  test('per-file outcomes are the same as without progress, refusals included', async () => {
    const c = await newUser(t, 'mixedstream');
    const good = await jpeg(30, 30);
    const files = [
      { name: 'good.jpg', data: good },
      { name: 'again.jpg', data: good },
      { name: 'cut.jpg', data: good.subarray(0, Math.floor(good.length / 2)) },
      { name: 'empty.png', data: new Uint8Array(0) },
    ];
    const lines: Line[] = [];
    for await (const line of linesOf(await c.upload(files, 'private', PROGRESS))) lines.push(line);
    const final = lines.at(-1) as { status: number; html: string };
    assert.deepEqual(lines.at(-2), { done: 4, of: 4 });
    assert.equal(final.status, 200);
    const plain = await (await c.upload([{ name: 'other.jpg', data: await jpeg(31, 30) }, ...files.slice(2)], 'private', { 'X-Fragment': '1' })).text();
    const reasons = (html: string) => [...html.matchAll(/<strong>Refused:<\/strong> ([^<]+)/g)].map((m) => m[1]);
    assert.deepEqual(reasons(final.html), ['The image is damaged or incomplete: it could not be decoded', 'File is empty']);
    assert.deepEqual(reasons(final.html), reasons(plain));
    assert.match(final.html, /1 of 4 images uploaded/);
    assert.match(final.html, /again\.jpg<\/span><\/a><span class="tile-note">.*?Already in your library/);
  });

  test('an upload whose fields are refused ends with the refusal as its only line', async () => {
    const c = await newUser(t, 'badfields');
    const lines: Line[] = [];
    for await (const line of linesOf(await c.upload([{ name: 'a.jpg', data: await jpeg(20, 20) }], 'everyone', PROGRESS))) lines.push(line);
    assert.equal(lines.length, 1);
    assert.equal((lines[0] as { status: number }).status, 422);
    assert.match((lines[0] as { html: string }).html, /Choose whether the images are public or private/);
  });

  test('a body refused before it is read is answered as without progress', async () => {
    const c = await newUser(t, 'toolarge');
    const res = await c.request('/upload', {
      method: 'POST',
      headers: { ...PROGRESS, 'Content-Type': 'multipart/form-data; boundary=x', 'Content-Length': String(100 * 1024 * 1024) },
      body: '--x--',
    });
    assert.equal(res.status, 413);
    assert.match(res.headers.get('Content-Type')!, /^text\/html/);
    assert.match(await res.text(), /The upload is larger than/);
  });
});

describe('the upload page', () => {
  test('carries the limits the script checks files against', async () => {
    const html = await (await (await newUser(t, 'limitsform')).request('/upload')).text();
    assert.match(html, /data-max-files="5"/);
    assert.match(html, /data-max-file-bytes="1048576"/);
    assert.match(html, /data-max-file-size="1 MB"/);
    assert.match(html, /data-accept="image\/jpeg,image\/png,image\/webp,image\/gif,image\/avif,image\/heic,image\/heif,.heic,.heif"/);
  });

  test('starts on the visibility asked for, and after an upload without script on the one just sent', async () => {
    const c = await newUser(t, 'keeper');
    const checked = (html: string) => html.match(/<input type="radio" name="visibility" value="(\w+)" checked/)?.[1];
    assert.equal(checked(await (await c.request('/upload')).text()), 'private');
    assert.equal(checked(await (await c.request('/upload?visibility=public')).text()), 'public');
    const page = await (await c.upload([{ name: 'kept.jpg', data: await jpeg(21, 20) }], 'public')).text();
    assert.match(page, /1 of 1 image uploaded/);
    assert.equal(checked(page), 'public');
    assert.match(page, /href="\/upload\?visibility=public"[^>]*>.*?Upload more/);
  });
});

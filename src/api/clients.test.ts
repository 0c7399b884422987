// The clients the tokens page hands out, run for real against a listening server: the curl
// command exactly as printed (by bash, with Debian's curl), and the ShareX uploader replayed the
// way ShareX sends it. PUBLIC_URL is not set, so the origin they carry is the request's own.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { serve } from '@hono/node-server';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { PASSWORD, TestClient } from '../test-support/client.ts';
import { jpeg, makeImage } from '../test-support/fixtures.ts';

let t: TestApp;
let server: Server;
let url: string; // the server's origin, as clients reach it
let tmp: string;

before(async () => {
  t = await startTestApp();
  server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  tmp = await mkdtemp(join(tmpdir(), 'cir-clients-'));
});
after(async () => {
  server.close();
  server.closeAllConnections();
  await t.close();
  await rm(tmp, { recursive: true, force: true });
});

const run = promisify(execFile);
const unescapeHtml = (s: string) =>
  s.replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A new token made on the settings page: the token it shows once, and its curl command as a shell gets it when pasted. */
async function newToken(who: TestClient, scope: 'read' | 'write') {
  const res = await who.postForm('/settings/tokens', { name: `${scope} client`, scope, expires: 'never', current: PASSWORD });
  assert.equal(res.status, 200);
  const html = await res.text();
  const token = html.match(/id="new-token"[^>]*value="([^"]*)"/)?.[1];
  const curl = html.match(/<textarea id="curl-command"[^>]*>([^<]*)<\/textarea>/)?.[1];
  assert.ok(token && curl, 'the page shows the token and its curl command');
  return { token, command: unescapeHtml(curl) };
}

/** What `bash -c command` prints, run in the temporary folder. */
async function shell(command: string) {
  const { stdout } = await run('bash', ['-c', command], { cwd: tmp });
  return stdout;
}

/**
 * Resolves ShareX's `{json:path}` placeholders (`results[0].image_url`: names after dots,
 * indexes in brackets) against a response's JSON, as ShareX does for URL and ThumbnailURL.
 */
function resolveSharex(template: string, body: unknown) {
  return template.replace(/\{json:([^}]+)\}/g, (_, path: string) => {
    let value = body;
    for (const [, name, index] of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
      value = (value as Record<string, unknown> | undefined)?.[index ?? name!];
    }
    assert.equal(typeof value, 'string', `{json:${path}} names a string`);
    return value as string;
  });
}

const isWebp = (bytes: Uint8Array) => Buffer.from(bytes.subarray(0, 4)).toString() === 'RIFF' && Buffer.from(bytes.subarray(8, 12)).toString() === 'WEBP';

describe('curl, as the tokens page prints it', () => {
  test('the upload command stores a real JPEG, private: its links answer its owner and nobody else', async () => {
    const owner = await new TestClient({ url }).signup('curler');
    const { command } = await newToken(owner, 'write');
    assert.match(command, new RegExp(`^curl .* ${escapeRegExp(url)}/api/v1/images$`), 'the origin is the one the page was reached at');
    assert.equal(command.split('screenshot.png').length, 2, 'one file to replace');
    const photo = join(tmp, 'holiday.jpg');
    await writeFile(photo, await jpeg(800, 600));

    const answer = JSON.parse(await shell(command.replace('screenshot.png', photo))) as {
      results: { status: string; filename: string; id: string; url: string; image_url: string; thumb_url: string; share_url: string | null }[];
    };
    assert.equal(answer.results.length, 1);
    const [r] = answer.results;
    assert.equal(r!.status, 'stored');
    assert.equal(r!.filename, 'holiday.jpg');
    assert.equal(r!.share_url, null);
    const [row] = await t.sql<{ visibility: string; width: number }[]>`select visibility, width from images where id = ${r!.id}`;
    assert.deepEqual({ ...row }, { visibility: 'private', width: 800 });

    for (const [link, type] of [[r!.image_url, 'image/webp'], [r!.thumb_url, 'image/webp'], [r!.url, 'text/html']] as const) {
      assert.ok(link.startsWith(`${url}/`), link);
      assert.equal((await fetch(link)).status, 404, `${link} without the owner's cookie`);
      const mine = await fetch(link, { headers: { Cookie: owner.cookieHeader } });
      assert.equal(mine.status, 200, link);
      assert.match(mine.headers.get('Content-Type')!, new RegExp(`^${type}`), link);
      const bytes = new Uint8Array(await mine.arrayBuffer());
      if (type === 'image/webp') assert.ok(isWebp(bytes), `${link} is a WebP`);
    }
  });

  test("a read token's command lists the images, and uploads nothing", async () => {
    const owner = await new TestClient({ url }).signup('lister');
    const write = await newToken(owner, 'write');
    await writeFile(join(tmp, 'listed.jpg'), await jpeg(300, 200));
    const stored = JSON.parse(await shell(write.command.replace('screenshot.png', join(tmp, 'listed.jpg')))) as { results: { id: string }[] };

    const { command } = await newToken(owner, 'read');
    assert.equal(command, `curl -H "Authorization: Bearer ${command.match(/Bearer (cir_[\w-]+)/)![1]}" ${url}/api/v1/images`);
    const list = JSON.parse(await shell(command)) as { images: { id: string; filename: string }[]; next_cursor: string | null };
    assert.deepEqual(list.images.map((i) => [i.id, i.filename]), [[stored.results[0]!.id, 'listed.jpg']]);
    assert.equal(list.next_cursor, null);
  });
});

describe('ShareX, with the uploader the tokens page gives', () => {
  type Sxcu = {
    RequestMethod: string; RequestURL: string; Headers: Record<string, string>; Body: string;
    Arguments: Record<string, string>; FileFormName: string; URL: string; ThumbnailURL: string; ErrorMessage: string; DestinationType: string;
  };

  async function uploader() {
    const owner = await new TestClient({ url }).signup(`sharex${Math.random().toString(36).slice(2, 8)}`);
    const { token } = await newToken(owner, 'write');
    const res = await owner.postForm('/settings/tokens/sharex', { token });
    assert.equal(res.status, 200);
    const port = new URL(url).port;
    assert.match(res.headers.get('Content-Disposition')!, new RegExp(`^attachment; filename="127\\.0\\.0\\.1_${port}\\.sxcu"`));
    return { owner, token, sxcu: JSON.parse(await res.text()) as Sxcu };
  }

  /** The request ShareX makes for `file`: the method, URL and headers of the .sxcu, its arguments as text fields, the file in FileFormName. */
  function send(sxcu: Sxcu, file: { name: string; data: Uint8Array; type: string }) {
    assert.equal(sxcu.Body, 'MultipartFormData');
    const form = new FormData();
    for (const [name, value] of Object.entries(sxcu.Arguments)) form.append(name, value);
    form.append(sxcu.FileFormName, new Blob([new Uint8Array(file.data)], { type: file.type }), file.name);
    return fetch(sxcu.RequestURL, { method: sxcu.RequestMethod, headers: { ...sxcu.Headers, 'User-Agent': 'ShareX/16.1.0' }, body: form });
  }

  test('a screenshot goes up unlisted; the URL and thumbnail ShareX copies open for anyone, without cookies', async () => {
    const { sxcu, token } = await uploader();
    assert.equal(sxcu.DestinationType, 'ImageUploader');
    assert.equal(sxcu.RequestURL, `${url}/api/v1/images`);
    assert.deepEqual(sxcu.Headers, { Authorization: `Bearer ${token}` });

    const res = await send(sxcu, { name: 'ShareX_2026-11-25_12-00-00.png', data: await makeImage('png', 500, 300), type: 'image/png' });
    assert.equal(res.status, 201);
    const body = (await res.json()) as { results: { id: string; share_url: string }[] };
    const [{ visibility }] = await t.sql<{ visibility: string }[]>`select visibility from images where id = ${body.results[0]!.id}`;
    assert.equal(visibility, 'unlisted');

    const link = resolveSharex(sxcu.URL, body);
    const thumb = resolveSharex(sxcu.ThumbnailURL, body);
    for (const copied of [link, thumb]) {
      assert.ok(copied.startsWith(`${url}/`), copied);
      const got = await fetch(copied);
      assert.equal(got.status, 200, copied);
      assert.equal(got.headers.get('Content-Type'), 'image/webp', copied);
      assert.ok(isWebp(new Uint8Array(await got.arrayBuffer())), copied);
    }
    assert.equal((await fetch(body.results[0]!.share_url)).status, 200, 'its page opens by its link');
    // Without the link's share token, it is not public.
    assert.equal((await fetch(link.replace(/\?share=.*$/, ''))).status, 404);
  });

  test("a file that is not an image: ShareX's ErrorMessage names why", async () => {
    const { sxcu } = await uploader();
    const res = await send(sxcu, { name: 'notes.png', data: new TextEncoder().encode('not a picture at all'), type: 'image/png' });
    assert.equal(res.status, 422);
    assert.equal(res.headers.get('Content-Type'), 'application/problem+json');
    assert.match(resolveSharex(sxcu.ErrorMessage, await res.json()), /^notes\.png: \S.*/);
  });
});

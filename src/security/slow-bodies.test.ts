// Clients that announce a body and then stall, that leave refused parts on our temporary disk,
// or that open connection after connection: against the real process over TCP.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { killAll, signUpOver, spawnApp, type AppProcess } from '../test-support/process.ts';

let dir: string;
let temp: string;
let app: AppProcess;
let port: number;
let cookie: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cir-slow-'));
  temp = join(dir, 'tmp');
  await mkdir(temp);
  app = await spawnApp({
    DATA_DIR: dir, TMPDIR: temp, JANITOR_INTERVAL_MINUTES: '0',
    MAX_FILES: '10', MAX_FILE_MB: '2', UPLOAD_IDLE_SECONDS: '3', FORM_BODY_SECONDS: '2', CONNECTIONS_PER_ADDRESS: '20',
  });
  port = Number(new URL(app.url).port);
  cookie = await signUpOver(app.url, 'slow');
});
after(async () => {
  killAll();
  await rm(dir, { recursive: true, force: true });
});

type Conversation = { socket: Socket; answer: () => string; closed: Promise<void> };

/** Opens a connection (from `from`, a loopback address) and sends `parts`. */
function talk(parts: string[], from = '127.0.0.1'): Conversation {
  const socket = connect({ port, host: '127.0.0.1', localAddress: from });
  let answer = '';
  socket.on('data', (d) => (answer += d.toString('latin1')));
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('connect', () => parts.forEach((p) => socket.write(p)));
  return { socket, answer: () => answer, closed };
}

/** Resolves true when `p` settles within `ms`, false otherwise. */
const within = (p: Promise<unknown>, ms: number) =>
  Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);
const tempUploads = async () => (await readdir(temp)).filter((f) => f.startsWith('upload-'));

describe('upload bodies', () => {
  test('refused parts leave temporary disk at once; a stalled upload is ended after the idle timeout', async () => {
    const chunk = (s: string) => `${Buffer.byteLength(s).toString(16)}\r\n${s}\r\n`;
    const junk = (i: number) => `--B\r\nContent-Disposition: form-data; name="images"; filename="junk${i}.jpg"\r\n` +
      `Content-Type: image/jpeg\r\n\r\n${'x'.repeat(1024 * 1024)}\r\n`;
    const head = `POST /upload HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: ${app.url}\r\nCookie: ${cookie}\r\n` +
      'Content-Type: multipart/form-data; boundary=B\r\nTransfer-Encoding: chunked\r\n\r\n';
    const field = '--B\r\nContent-Disposition: form-data; name="visibility"\r\n\r\nprivate\r\n';
    // Five complete junk parts, the start of a sixth, then nothing.
    const sixth = '--B\r\nContent-Disposition: form-data; name="images"; filename="junk6.jpg"\r\n\r\nstarted';
    const c = talk([head, chunk(field), ...[1, 2, 3, 4, 5].map((i) => chunk(junk(i))), chunk(sixth)]);

    // Only the sixth part, still arriving, may be on disk: the five refused ones are gone though
    // the client still holds the request.
    const onlyTheSixth = async () => {
      const sizes = await Promise.all((await tempUploads()).map(async (f) => (await stat(join(temp, f)).catch(() => null))?.size));
      return sizes.length === 1 && sizes[0]! < 1024;
    };
    let settled = false;
    for (let i = 0; i < 200 && !settled; i++) {
      settled = await onlyTheSixth();
      if (!settled) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(settled, `temporary files now: ${(await tempUploads()).length}`);
    assert.equal(c.answer(), '', 'the request is still open');

    assert.ok(await within(c.closed, 15_000), 'the stalled request was ended');
    assert.match(c.answer(), /^HTTP\/1\.1 408/);
    assert.match(c.answer(), /Nothing arrived for 3 seconds/);
    assert.deepEqual(await tempUploads(), []);
  });
});

describe('small bodies', () => {
  test('forms that announce a body and send nothing get 408 and are closed after the form deadline', async () => {
    const head = `POST /login HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: ${app.url}\r\n` +
      'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n';
    const stalled = Array.from({ length: 10 }, () => talk([head, 'username=a']));
    assert.ok(await within(Promise.all(stalled.map((c) => c.closed)), 15_000), 'every stalled form was closed');
    for (const c of stalled) assert.match(c.answer(), /^HTTP\/1\.1 408/);
    // A form that arrives in time is answered as usual.
    const res = await fetch(`${app.url}/login`, { method: 'POST', headers: { Origin: app.url }, body: new URLSearchParams({ username: 'slow', password: 'wrong one' }) });
    assert.equal(res.status, 401);
  });
});

describe('connections per address', () => {
  test('past the cap, a new connection from that address is closed at once; other addresses are served', async () => {
    const held = Array.from({ length: 20 }, () => talk([], '127.0.0.2'));
    await Promise.all(held.map((c) => new Promise((r) => c.socket.once('connect', r))));
    const extra = talk(['GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'], '127.0.0.2');
    try {
      assert.ok(await within(extra.closed, 5_000), 'the 21st connection was closed');
      assert.equal(extra.answer(), '', 'without an answer');
      assert.equal(held.filter((c) => c.socket.destroyed).length, 0, 'the first 20 are still open');
      assert.equal((await fetch(`${app.url}/healthz`)).status, 200, 'another address is served');
    } finally {
      held.forEach((c) => c.socket.destroy());
    }
    // Once the server has seen them go, the address may connect again.
    let answer = '';
    for (let i = 0; i < 50 && !answer; i++) {
      const again = talk(['GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'], '127.0.0.2');
      await again.closed;
      answer = again.answer();
      if (!answer) await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(answer, /^HTTP\/1\.1 200/);
  });
});

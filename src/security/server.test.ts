// Attacks on the HTTP server itself, against the real process (`npm start`'s code) over TCP.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { killAll, signUpOver, spawnApp, type AppProcess } from '../test-support/process.ts';
import { storedKeys } from '../test-support/consistency.ts';
import { createDiskStorage } from '../storage/disk.ts';
import { jpeg } from '../test-support/fixtures.ts';

let dir: string;
let app: AppProcess;
let cookie: string;
let port: number;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cir-server-'));
  app = await spawnApp({ DATA_DIR: dir, MAX_FILES: '1', MAX_FILE_MB: '1', JANITOR_INTERVAL_MINUTES: '0' });
  port = Number(new URL(app.url).port);
  cookie = await signUpOver(app.url, 'raw');
});
after(async () => {
  killAll();
  await rm(dir, { recursive: true, force: true });
});

/** Sends raw bytes; resolves with what the server answered before closing (or after `waitMs`). */
function raw(parts: (string | Buffer)[], waitMs = 3000) {
  return new Promise<string>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => (answer += d.toString('latin1')));
    socket.on('close', () => resolve(answer));
    socket.on('error', (e) => { answer += `[error ${e.message}]`; });
    socket.on('connect', async () => {
      for (const p of parts) socket.write(p);
    });
    setTimeout(() => {
      socket.destroy();
      resolve(answer);
    }, waitMs);
  });
}

const head = (extra: string) =>
  `POST /upload HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: ${app?.url}\r\nCookie: ${cookie}\r\n` +
  `Content-Type: multipart/form-data; boundary=B\r\n${extra}\r\n`;
const part = (name: string, bytes: number) =>
  `--B\r\nContent-Disposition: form-data; name="images"; filename="${name}"\r\nContent-Type: image/jpeg\r\n\r\n${'x'.repeat(bytes)}\r\n`;
const nothingStored = async () => assert.equal((await storedKeys(createDiskStorage(join(dir, 'objects')))).size, 0);

describe('request bodies on the wire', () => {
  test('a chunked body over the limit gets 413', async () => {
    const chunk = (s: string) => `${Buffer.byteLength(s).toString(16)}\r\n${s}\r\n`;
    const body = `--B\r\nContent-Disposition: form-data; name="visibility"\r\n\r\npublic\r\n${part('a.jpg', 900_000)}${part('b.jpg', 900_000)}${part('c.jpg', 900_000)}--B--\r\n`;
    const chunks = [];
    for (let i = 0; i < body.length; i += 64 * 1024) chunks.push(chunk(body.slice(i, i + 64 * 1024)));
    const answer = await raw([head('Transfer-Encoding: chunked\r\n'), ...chunks, '0\r\n\r\n']);
    assert.match(answer, /^HTTP\/1\.1 413/);
    await nothingStored();
  });

  test('a Content-Length smaller than the body: only that many bytes are read, nothing is stored', async () => {
    const body = `--B\r\nContent-Disposition: form-data; name="visibility"\r\n\r\npublic\r\n${part('a.jpg', 500_000)}--B--\r\n`;
    const answer = await raw([head('Content-Length: 120\r\n'), body]);
    assert.match(answer, /^HTTP\/1\.1 (400|422)/);
    await nothingStored();
  });

  test('Content-Length and Transfer-Encoding together (request smuggling) are refused', async () => {
    const answer = await raw([head('Content-Length: 10\r\nTransfer-Encoding: chunked\r\n'), '0\r\n\r\n']);
    assert.match(answer, /^HTTP\/1\.1 400/);
    await nothingStored();
  });

  test('a client that hangs up in the middle of an upload: nothing of it is kept, and the server goes on', async () => {
    const image = await jpeg(64, 48);
    const filePart = (name: string, data: Buffer) => Buffer.concat([
      Buffer.from(`--B\r\nContent-Disposition: form-data; name="images"; filename="${name}"\r\nContent-Type: image/jpeg\r\n\r\n`), data, Buffer.from('\r\n')]);
    const fields = Buffer.from('--B\r\nContent-Disposition: form-data; name="visibility"\r\n\r\npublic\r\n');
    // The first file whole (decoded and written while the body goes on), then half the body is missing.
    const sent = Buffer.concat([fields, filePart('whole.jpg', image), filePart('cut.jpg', image).subarray(0, 200)]);
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.on('connect', resolve));
    socket.write(head(`Content-Length: ${sent.length * 2}\r\n`));
    socket.write(sent);
    await new Promise((r) => setTimeout(r, 300));
    socket.destroy();
    // Another upload of the same user is answered and kept, alone: the cut one left no object.
    const res = await fetch(`${app.url}/upload`, {
      method: 'POST', headers: { Cookie: cookie, Origin: app.url },
      body: (() => { const f = new FormData(); f.set('visibility', 'public'); f.append('images', new Blob([image], { type: 'image/jpeg' }), 'next.jpg'); return f; })(),
    });
    assert.match(await res.text(), /1 of 1 image uploaded/);
    const storage = createDiskStorage(join(dir, 'objects'));
    for (let waited = 0; (await storedKeys(storage)).size !== 4 && waited < 10_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    const keys = [...(await storedKeys(storage))];
    assert.equal(keys.length, 4, keys.join(', '));
    assert.equal(new Set(keys.map((k) => k.split('/')[1])).size, 1, 'the objects of one image');
  });
});

describe('slow clients', () => {
  test('200 slowloris connections do not stop normal requests, and are cut off after the header timeout', async () => {
    const sockets: Socket[] = [];
    for (let i = 0; i < 200; i++) {
      // From an address of its own (all of 127/8 is loopback): the attacker's connections count
      // against the per-address cap, the normal requests below come from 127.0.0.1.
      const s = connect({ port, host: '127.0.0.1', localAddress: '127.0.0.2' });
      s.on('error', () => {});
      s.write('GET /gallery HTTP/1.1\r\nHost: x\r\n');
      sockets.push(s);
    }
    const trickle = setInterval(() => sockets.forEach((s) => s.writable && s.write('X-a: b\r\n')), 1000);
    try {
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        assert.equal((await fetch(`${app.url}/gallery`)).status, 200);
        assert.ok(performance.now() - started < 1000);
      }
      const closed = await Promise.race([
        new Promise((r) => sockets[0]!.once('close', () => r(true))),
        new Promise((r) => setTimeout(() => r(false), 15_000)),
      ]);
      assert.equal(closed, true, 'the server closed a client that never finished its headers');
    } finally {
      clearInterval(trickle);
      sockets.forEach((s) => s.destroy());
    }
  });
});

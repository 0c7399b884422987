// SIGTERM in the middle of a large upload, against the real process over TCP: the instance stops
// taking work, lets the upload finish within the grace (or, past it, cuts it so that it leaves
// nothing), closes the database and exits. Embedded PostgreSQL and disk, or TEST_DATABASE_URL and
// TEST_STORAGE=s3.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openDatabase } from '../db/client.ts';
import { createDiskStorage } from '../storage/disk.ts';
import { createS3Storage } from '../storage/s3.ts';
import { assertConsistent, storedKeys } from '../test-support/consistency.ts';
import { jpeg } from '../test-support/fixtures.ts';
import { openTestDatabase } from '../test-support/harness.ts';
import { killAll, signUpOver, spawnApp } from '../test-support/process.ts';
import { startS3Server } from '../test-support/s3-server.ts';

const cleanups: Array<() => Promise<unknown>> = [];
after(async () => {
  killAll();
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

/** Settles with true when `p` does within `ms`, false otherwise: only ever a generous ceiling. */
const within = (p: Promise<unknown>, ms: number) =>
  Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref())]);

/** The app in its own process, on a data directory, database and storage of its own. */
async function startInstance(env: Record<string, string>) {
  const dir = await mkdtemp(join(tmpdir(), 'cir-shutdown-'));
  const temp = join(dir, 'tmp');
  await mkdir(temp);
  const serverDb = process.env.TEST_DATABASE_URL ? await openTestDatabase(join(dir, 'pg')) : undefined;
  const s3 = process.env.TEST_STORAGE === 's3' ? await startS3Server(join(dir, 's3')) : undefined;
  cleanups.push(async () => {
    await serverDb?.close();
    await s3?.stop();
    await rm(dir, { recursive: true, force: true });
  });
  // TMPDIR of its own: the upload's temporary files are the only ones in it.
  const app = await spawnApp({ DATA_DIR: dir, TMPDIR: temp, DATABASE_URL: serverDb?.url ?? '', JANITOR_INTERVAL_MINUTES: '0', ...s3?.env, ...env });
  let output = '';
  app.child.stdout!.on('data', (d) => (output += d));
  app.child.stderr!.on('data', (d) => (output += d));
  const exited = once(app.child, 'exit').then(() => app.child.exitCode);
  return {
    app,
    port: Number(new URL(app.url).port),
    cookie: await signUpOver(app.url, 'stopper'),
    storage: s3 ? createS3Storage(s3.options) : createDiskStorage(join(dir, 'objects')),
    exited,
    output: () => output,
    /** Settles once the process said it is draining (it says so only after it stopped accepting). */
    draining: async () => {
      while (!/draining/.test(output)) {
        if (app.child.exitCode !== null) throw new Error(`exited before draining:\n${output}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    tempUploads: async () => (await readdir(temp)).filter((f) => f.startsWith('upload-')),
    /** The database the app used, opened again after it stopped. */
    database: () => openDatabase({ databaseUrl: serverDb?.url, dataDir: dir }),
  };
}

type Instance = Awaited<ReturnType<typeof startInstance>>;

/** A multipart upload of `count` distinct photos, as bytes. */
async function uploadBody(count: number) {
  const form = new FormData();
  form.set('visibility', 'private');
  for (let i = 0; i < count; i++) form.append('images', new Blob([new Uint8Array(await jpeg(1200, 900))], { type: 'image/jpeg' }), `photo-${i}.jpg`);
  const encoded = new Response(form);
  return { bytes: Buffer.from(await encoded.arrayBuffer()), type: encoded.headers.get('content-type')! };
}

/** A connection that sends `head` and then what it is told to; everything the server answers is kept. */
function converse(port: number, head: string) {
  const socket = connect({ port, host: '127.0.0.1' });
  let answer = '';
  socket.on('data', (d) => (answer += d.toString('latin1')));
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(head);
  return { socket, answer: () => answer, closed, send: (bytes: Buffer) => socket.write(bytes) };
}

/** Starts POST /upload of `body` on a raw connection and sends its first `share` of the bytes. */
function startUpload(inst: Instance, body: { bytes: Buffer; type: string }, share: number) {
  const head = `POST /upload HTTP/1.1\r\nHost: 127.0.0.1:${inst.port}\r\nOrigin: ${inst.app.url}\r\nCookie: ${inst.cookie}\r\n` +
    `Content-Type: ${body.type}\r\nContent-Length: ${body.bytes.length}\r\n\r\n`;
  const upload = converse(inst.port, head);
  const cut = Math.floor(body.bytes.length * share);
  upload.send(body.bytes.subarray(0, cut));
  return { ...upload, rest: () => upload.send(body.bytes.subarray(cut)) };
}

/** Waits until the first image of the upload has its objects stored (its row comes only at the end). */
async function firstObjectsStored(inst: Instance) {
  while (![...(await storedKeys(inst.storage))].some((k) => k.endsWith('/original'))) {
    if (inst.app.child.exitCode !== null) throw new Error(`the app exited:\n${inst.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** What the app left: images rows, objects and temporary files; rows and objects must agree. */
async function leftBehind(inst: Instance) {
  const db = await inst.database();
  try {
    await assertConsistent(db.sql, inst.storage);
    const [{ n }] = await db.sql<{ n: number }[]>`select count(*)::int as n from images`;
    return { rows: n, objects: (await storedKeys(inst.storage)).size, temp: (await inst.tempUploads()).length };
  } finally {
    await db.close();
  }
}

test('SIGTERM mid-upload: /readyz is gone at once, the upload finishes and is answered, the process exits 0 with everything stored', async () => {
  const inst = await startInstance({ SHUTDOWN_GRACE_SECONDS: '300' });
  const body = await uploadBody(6);
  // A keep-alive connection that has had its answer and now sits idle.
  const idle = converse(inst.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
  for (let i = 0; i < 3000 && !/\r\n\r\nok$/.test(idle.answer()); i++) await new Promise((r) => setTimeout(r, 20));
  assert.match(idle.answer(), /^HTTP\/1\.1 200 [^]*\r\nconnection: keep-alive\r\n/i);

  const upload = startUpload(inst, body, 0.4);
  await firstObjectsStored(inst);
  inst.app.child.kill('SIGTERM');
  await inst.draining();

  // No new connection is accepted, and the idle one is closed rather than left to hold the process.
  await assert.rejects(fetch(`${inst.app.url}/readyz`));
  assert.ok(await within(idle.closed, 60_000), 'the idle keep-alive connection was closed');

  // The rest of the upload still arrives, is stored whole and answered; the answer closes its connection.
  upload.rest();
  assert.ok(await within(upload.closed, 240_000), `the upload was answered:\n${inst.output()}`);
  assert.match(upload.answer(), /^HTTP\/1\.1 200 /);
  assert.match(upload.answer(), /\r\nconnection: close\r\n/i);
  assert.match(upload.answer(), /6 of 6 images uploaded/);

  assert.ok(await within(inst.exited, 60_000), 'the process exited');
  assert.equal(await inst.exited, 0, inst.output());
  assert.match(inst.output(), /every request finished/);
  // Every object of the six images (rows and objects agree: checked in leftBehind).
  const left = await leftBehind(inst);
  assert.deepEqual({ rows: left.rows, temp: left.temp }, { rows: 6, temp: 0 });
  assert.ok(left.objects >= 6 * 2);
});

test('SIGTERM with a stalled upload: past the grace it is answered 503, leaves nothing, and the process exits 1', async () => {
  const graceSeconds = 2;
  // The upload's own idle limit is far away: only the shutdown ends it.
  const inst = await startInstance({ SHUTDOWN_GRACE_SECONDS: String(graceSeconds), UPLOAD_IDLE_SECONDS: '3600' });
  const upload = startUpload(inst, await uploadBody(6), 0.5);
  // Some images are decoded and their objects written; the rest never comes.
  await firstObjectsStored(inst);
  inst.app.child.kill('SIGTERM');
  await inst.draining();

  assert.ok(await within(inst.exited, graceSeconds * 1000 + 60_000), `the process exited:\n${inst.output()}`);
  assert.equal(await inst.exited, 1, inst.output());
  assert.match(inst.output(), /grace is over/);
  await upload.closed;
  assert.match(upload.answer(), /^HTTP\/1\.1 503 /);
  assert.match(upload.answer(), /\r\nretry-after: 5\r\n/i);
  assert.deepEqual(await leftBehind(inst), { rows: 0, objects: 0, temp: 0 });
});

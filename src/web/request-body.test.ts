// On Node, an upload's body is read from the connection itself, not through a web stream and back
// (src/web/request-body.ts): so nothing on the way to the upload routes may have asked for it.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { serve } from '@hono/node-server';
import { createToken } from '../api/tokens.sql.ts';
import { TestClient } from '../test-support/client.ts';
import { jpeg } from '../test-support/fixtures.ts';
import { startTestApp, type TestApp } from '../test-support/harness.ts';

let t: TestApp;
let server: ReturnType<typeof serve>;
let url: string;
let adapted = 0;
const fromWeb = Readable.fromWeb;

before(async () => {
  t = await startTestApp();
  server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Counts the web bodies adapted to Node streams: the way an upload's body must not take on Node.
  Readable.fromWeb = ((...args: Parameters<typeof fromWeb>) => ((adapted += 1), fromWeb(...args))) as typeof fromWeb;
});
after(async () => {
  Readable.fromWeb = fromWeb;
  await new Promise((resolve) => server.close(resolve));
  await t.close();
});

test('over HTTP on Node, the form and the API read an upload straight from the connection', async () => {
  const user = await new TestClient({ url }).signup('streamer');
  adapted = 0;
  assert.match(await (await user.upload([{ name: 'form.jpg', data: await jpeg(64, 48) }], 'public')).text(), /1 of 1 image uploaded/);
  const [{ id }] = await t.sql<{ id: string }[]>`select id from users where username = 'streamer'`;
  const { token } = await createToken(t.sql, { userId: id, name: 'uploads', scope: 'write' });
  const form = new FormData();
  form.append('images', new Blob([await jpeg(65, 48)], { type: 'image/jpeg' }), 'api.jpg');
  const res = await fetch(`${url}/api/v1/images`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
  assert.equal(res.status, 201, await res.clone().text());
  assert.equal(adapted, 0);
});

test('a request made in-process has only a web body: it is adapted, and the upload works the same', async () => {
  const user = await new TestClient({ app: t.app }).signup('inprocess');
  adapted = 0;
  assert.match(await (await user.upload([{ name: 'here.jpg', data: await jpeg(66, 48) }], 'public')).text(), /1 of 1 image uploaded/);
  assert.equal(adapted, 1);
});

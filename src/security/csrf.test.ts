// Attack: a foreign page makes the victim's browser send a state-changing request.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { newUser, type TestClient } from '../test-support/client.ts';
import { jpeg } from '../test-support/fixtures.ts';

let t: TestApp;
let victim: TestClient;
let imageId: string;
before(async () => {
  t = await startTestApp();
  victim = await newUser(t, 'victim');
  await victim.upload([{ name: 'mine.jpg', data: await jpeg(40, 30) }], 'public');
  imageId = ((await t.sql`select id from images`)[0] as { id: string }).id;
});
after(() => t.close());

// A delete moves the image to the trash: "exists" is "not deleted".
const imageExists = async () => (await t.sql`select 1 from images where id = ${imageId} and deleted_at is null`).length === 1;
const signedIn = async () => (await victim.request('/dashboard')).status === 200;

const BODIES: Array<[string, Record<string, string>, BodyInit | undefined]> = [
  ['form', { 'Content-Type': 'application/x-www-form-urlencoded' }, 'a=1'],
  ['multipart', {}, (() => { const f = new FormData(); f.set('a', '1'); return f; })()],
  ['text/plain', { 'Content-Type': 'text/plain' }, 'a=1'],
  ['JSON', { 'Content-Type': 'application/json' }, '{"a":1}'],
  ['no body', {}, undefined],
  ['odd casing', { 'Content-Type': 'Application/X-WWW-Form-URLENCODED' }, 'a=1'],
];

describe('CSRF', () => {
  for (const [kind, headers, body] of BODIES) {
    test(`a foreign Origin is refused with 403 (${kind})`, async () => {
      for (const [method, path] of [['POST', `/images/${imageId}/delete`], ['DELETE', `/images/${imageId}`], ['POST', '/logout'],
        ['PUT', `/images/${imageId}`], ['PATCH', `/images/${imageId}`]] as const) {
        const res = await victim.request(path, { method, headers: { ...headers, Origin: 'https://evil.example' }, body });
        assert.equal(res.status, 403, `${method} ${path}`);
      }
      assert.ok(await imageExists());
      assert.ok(await signedIn());
    });
  }

  test('an Origin that only looks like ours is foreign', async () => {
    for (const origin of ['http://localhost.evil.example', 'http://localhost:8080', 'https://localhost', 'null']) {
      const res = await victim.request(`/images/${imageId}/delete`, { method: 'POST', headers: { Origin: origin } });
      assert.equal(res.status, 403, origin);
    }
    assert.ok(await imageExists());
  });

  test('without Origin, Sec-Fetch-Site decides: cross-site and absent are refused, same-origin passes', async () => {
    const noOrigin = { Origin: undefined as unknown as string };
    for (const site of ['cross-site', 'same-site', undefined]) {
      const headers = site ? { ...noOrigin, 'Sec-Fetch-Site': site } : noOrigin;
      assert.equal((await victim.request('/logout', { method: 'POST', headers })).status, 403, String(site));
    }
    assert.ok(await signedIn());
    const res = await victim.request(`/images/${imageId}`, { method: 'DELETE', headers: { ...noOrigin, 'Sec-Fetch-Site': 'same-origin' } });
    assert.equal(res.status, 200);
    assert.equal(await imageExists(), false);
  });

  test('no state change is reachable by GET', async () => {
    const other = await newUser(t, 'getter');
    await other.upload([{ name: 'keep.jpg', data: await jpeg(41, 30) }], 'public');
    const [{ id }] = (await t.sql`select i.id from images i join users u on u.id = i.user_id where u.username = 'getter'`) as unknown as [{ id: string }];
    for (const path of [`/images/${id}/delete`, '/logout', '/settings/delete-account', '/settings/sessions/sign-out-others']) {
      const res = await other.request(path);
      assert.notEqual(res.status, 303, path);
    }
    assert.equal((await t.sql`select 1 from images where id = ${id}`).length, 1);
    assert.equal((await other.request('/dashboard')).status, 200);
  });
});

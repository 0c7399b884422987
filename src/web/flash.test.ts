import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeFlash, encodeFlash, isLocalPath, UNDO_MAX_IDS } from './flash.ts';
import { randomId } from './ids.ts';

describe('the flash cookie', () => {
  test('the largest flash we make (long message, longest path, most ids) fits a 4 KB cookie with its Undo', () => {
    const message = '海'.repeat(200);
    const back = `/dashboard?q=${'%E6%B5%B7'.repeat(110)}`.slice(0, 1000);
    assert.ok(isLocalPath(back));
    const ids = Array.from({ length: UNDO_MAX_IDS }, () => randomId());
    const value = encodeFlash({ message, undo: { ids, back } });
    // What a browser stores: name, value and the attributes we set.
    const cookie = `flash=${value}; Max-Age=60; Path=/; HttpOnly; SameSite=Lax`;
    assert.ok(Buffer.byteLength(cookie) <= 4096, String(cookie.length));
    assert.deepEqual(decodeFlash(value), { message, undo: { ids, back } });
  });

  test('an Undo that would not fit is left out; the message stays', () => {
    const ids = Array.from({ length: UNDO_MAX_IDS }, (_, i) => `${'x'.repeat(60)}${i}`);
    const value = encodeFlash({ message: 'Moved', undo: { ids, back: '/dashboard' } });
    assert.ok(value.length < 4000);
    assert.deepEqual(decodeFlash(value), { message: 'Moved' });
  });

  test('an invalid Undo is dropped, not the message', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64url');
    assert.deepEqual(decodeFlash(`${b64('Moved')}.${b64('//evil.example')}.abc`), { message: 'Moved' });
    assert.deepEqual(decodeFlash(`${b64('Moved')}.${b64('/ok')}.not an id`), { message: 'Moved' });
    assert.deepEqual(decodeFlash(`${b64('Moved')}.${b64('/ok')}`), { message: 'Moved' });
    assert.equal(decodeFlash(''), undefined);
    assert.equal(decodeFlash(b64('x'.repeat(201))), undefined);
  });
});

describe('isLocalPath', () => {
  test('a path of this site, up to 1000 characters; nothing that a browser reads as another host', () => {
    for (const ok of ['/', '/dashboard?q=a&sort=oldest', `/dashboard?q=${'%E6'.repeat(320)}`]) assert.ok(isLocalPath(ok), ok);
    for (const bad of ['', 'dashboard', '//evil.example', '/\\evil.example', '/\t/evil.example', '/ /x', '/a#b', '/é',
      'https://evil.example', `/${'a'.repeat(1000)}`]) {
      assert.equal(isLocalPath(bad), false, JSON.stringify(bad));
    }
  });
});

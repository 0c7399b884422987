import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { freshRead, freshReads } from './fresh-read.ts';

describe('freshRead', () => {
  test('shares a read among callers, but never one that began before the caller asked', async () => {
    const reads: { resolve: (n: number) => void }[] = [];
    const read = freshRead(() => new Promise<number>((resolve) => reads.push({ resolve })));
    const first = read();
    const second = read(); // arrives while the first read is in flight: waits for a new one
    const third = read(); // shares that new read
    assert.equal(reads.length, 1);
    reads[0]!.resolve(1);
    assert.equal(await first, 1);
    await new Promise((r) => setImmediate(r));
    assert.equal(reads.length, 2);
    reads[1]!.resolve(2);
    assert.deepEqual(await Promise.all([second, third]), [2, 2]);
    const fourth = read(); // nothing in flight: a read of its own
    assert.equal(reads.length, 3);
    reads[2]!.resolve(3);
    assert.equal(await fourth, 3);
  });

  test('a failed read fails its callers only; the next caller reads again', async () => {
    let n = 0;
    const read = freshRead(async () => {
      n++;
      if (n === 1) throw new Error('database down');
      return n;
    });
    await assert.rejects(read(), /database down/);
    assert.equal(await read(), 2);
  });
});

describe('freshReads', () => {
  /** Reads that answer when told to, recorded by key. */
  const pending = () => {
    const reads: { key: string; resolve: (v: string) => void }[] = [];
    const read = freshReads((key: string) => new Promise<string>((resolve) => reads.push({ key, resolve })));
    return { reads, read };
  };

  test('callers of one key share a read that began after they asked; other keys read on their own', async () => {
    const { reads, read } = pending();
    const first = read('a');
    const other = read('b');
    const second = read('a'); // arrives while a's read is in flight: waits for a new one
    const third = read('a'); // shares that new read
    assert.deepEqual(reads.map((r) => r.key), ['a', 'b']);
    reads[0]!.resolve('a1');
    reads[1]!.resolve('b1');
    assert.deepEqual(await Promise.all([first, other]), ['a1', 'b1']);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(reads.map((r) => r.key), ['a', 'b', 'a']);
    reads[2]!.resolve('a2');
    assert.deepEqual(await Promise.all([second, third]), ['a2', 'a2']);
  });

  test('a caller after a read has finished reads at once, not behind it', async () => {
    const { reads, read } = pending();
    const first = read('a');
    reads[0]!.resolve('a1');
    assert.equal(await first, 'a1');
    await new Promise((r) => setImmediate(r));
    const later = read('a');
    assert.equal(reads.length, 2, 'a read of its own, begun at once');
    reads[1]!.resolve('a2');
    assert.equal(await later, 'a2');
  });

  test('a failed read fails its callers only', async () => {
    let n = 0;
    const read = freshReads(async (key: string) => {
      n++;
      if (n === 1) throw new Error('database down');
      return `${key}${n}`;
    });
    await assert.rejects(read('a'), /database down/);
    assert.equal(await read('a'), 'a2');
  });
});

// postgres.js keeps its connections in queues (open, busy, ...) that it shifts from and removes
// from by search. Unpatched (3.4.9), a queue that never ran empty kept a hole for every shift, and
// every search walked all of them: under steady load each query cost more than the one before
// (the dashboard fell from 1,160 to 930 req/s in one minute; bench/HISTORY.md). patches/ fixes the module
// the app imports; these hold it to that.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Queue<T> = { length: number; push(x: T): T; shift(): T; remove(x: T): T | null };
const { default: Queue } = (await import(new URL('./queue.js', import.meta.resolve('postgres')).href)) as { default: <T>(initial?: T[]) => Queue<T> };

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapUsed = () => { gc(); return process.memoryUsage().heapUsed; };

describe("postgres.js's connection queues", () => {
  test('stay the size of what they hold when they never run empty', () => {
    const q = Queue<object>();
    const held = [{}, {}, {}, {}];
    for (const c of held) q.push(c);
    const before = heapUsed();
    // As under load: the next connection is taken from the front and goes back at the end.
    for (let i = 0; i < 2_000_000; i++) q.push(q.shift());
    const grown = heapUsed() - before;
    // Unpatched, 2 million holes: 16 MB.
    assert.ok(grown < 2 * 1024 * 1024, `the queue grew by ${(grown / 1024 / 1024).toFixed(1)} MB`);
    assert.equal(q.length, 4);
  });

  test('still hand out in order and remove what they hold, across a compaction', () => {
    const q = Queue<number>();
    for (let i = 0; i < 3000; i++) q.push(i);
    for (let i = 0; i < 2000; i++) assert.equal(q.shift(), i);
    assert.equal(q.remove(2500), 2500);
    assert.equal(q.remove(2500), null, 'gone');
    assert.equal(q.remove(10), null, 'already handed out');
    assert.equal(q.length, 999);
    assert.equal(q.shift(), 2000);
    q.push(7);
    const rest: number[] = [];
    while (q.length) rest.push(q.shift());
    assert.deepEqual(rest, [...Array.from({ length: 499 }, (_, i) => 2001 + i), ...Array.from({ length: 499 }, (_, i) => 2501 + i), 7]);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createDecodeQueue, DecodeBusy } from './decode-queue.ts';

/** A job that runs until `finish()` is called; `started` tells whether it got a slot. */
function job() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const j = { started: false, finish, run: () => ((j.started = true), done) };
  return j;
}
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('createDecodeQueue', () => {
  test('one account never holds every slot: another account starts at once', async () => {
    const q = createDecodeQueue({ slots: 2, perUser: 1, queue: 10 });
    const [a1, a2, b1] = [job(), job(), job()];
    const runs = [q.run('a', a1.run), q.run('a', a2.run), q.run('b', b1.run)];
    await tick();
    assert.deepEqual([a1.started, a2.started, b1.started], [true, false, true]);
    a1.finish();
    await tick();
    assert.equal(a2.started, true, "a's next file takes a's freed slot");
    a2.finish();
    b1.finish();
    await Promise.all(runs);
    assert.deepEqual(q.load(), { active: 0, waiting: 0 });
  });

  test('a freed slot goes to the oldest waiting job whose account is under its share', async () => {
    const q = createDecodeQueue({ slots: 1, perUser: 1, queue: 10 });
    const [a1, a2, a3, b1] = [job(), job(), job(), job()];
    const runs = [q.run('a', a1.run), q.run('a', a2.run), q.run('a', a3.run), q.run('b', b1.run)];
    await tick();
    a1.finish();
    await tick();
    assert.deepEqual([a2.started, b1.started], [true, false]);
    a2.finish();
    await tick();
    assert.equal(a3.started, true);
    a3.finish();
    await tick();
    assert.equal(b1.started, true);
    b1.finish();
    await Promise.all(runs);
  });

  test('the queue is bounded: past it a job fails at once with DecodeBusy and a Retry-After', async () => {
    const q = createDecodeQueue({ slots: 1, perUser: 1, queue: 3 });
    const held = job();
    const running = q.run('a', held.run);
    const waiting = [q.run('a', async () => 'a')];
    // One account may fill only half the queue (rounded down, at least one)...
    await assert.rejects(q.run('a', async () => 'a'), (err) => err instanceof DecodeBusy && err.retryAfter > 0);
    waiting.push(q.run('b', async () => 'b'), q.run('c', async () => 'c'));
    // ...and nobody waits once it is full.
    await assert.rejects(q.run('d', async () => 'd'), DecodeBusy);
    assert.deepEqual(q.load(), { active: 1, waiting: 3 });
    held.finish();
    assert.deepEqual(await Promise.all(waiting), ['a', 'b', 'c']);
    await running;
  });

  test('a failing job frees its slot', async () => {
    const q = createDecodeQueue({ slots: 1, perUser: 1, queue: 1 });
    await assert.rejects(q.run('a', async () => { throw new Error('broken image'); }), /broken image/);
    assert.equal(await q.run('a', async () => 'next'), 'next');
  });

  test("a job moved on to encoding frees its decode slot, once it holds an encode slot", async () => {
    const q = createDecodeQueue({ slots: 1, perUser: 1, queue: 10 });
    const steps: string[] = [];
    let finishFirst!: () => void;
    const firstEncodes = new Promise<void>((resolve) => (finishFirst = resolve));
    const first = q.run('a', async (toEncoding) => {
      await toEncoding();
      steps.push('1 encoding');
      await firstEncodes;
      steps.push('1 done');
    });
    const [a2, a3] = [job(), job()];
    const second = q.run('a', async (toEncoding) => {
      steps.push('2 decoding');
      await toEncoding();
      steps.push('2 encoding');
      await a2.run();
    });
    const third = q.run('a', a3.run);
    await tick();
    assert.deepEqual([...steps].sort(), ['1 encoding', '2 decoding'], "the second decodes beside the first's encode");
    assert.equal(a3.started, false, 'the second holds the decode slot while it waits for the encode slot');
    assert.deepEqual(q.load(), { active: 2, waiting: 1 });
    finishFirst();
    await tick();
    assert.deepEqual(steps.slice(2), ['1 done', '2 encoding']);
    assert.equal(a3.started, true, 'the decode slot went on to the third');
    a2.finish();
    a3.finish();
    await Promise.all([first, second, third]);
    assert.deepEqual(q.load(), { active: 0, waiting: 0 });
  });
});

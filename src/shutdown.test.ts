// The shutdown's order of things, with a stand-in server; shutdown.test.ts under health/ runs the
// real process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createShutdown, type Listener } from './shutdown.ts';
import { createLifecycle } from './web/lifecycle.ts';

/** A server whose connections close when the test says so; records what was asked of it. */
function standIn() {
  const asked: string[] = [];
  let closeConnections!: () => void;
  const closed = new Promise<void>((resolve) => (closeConnections = resolve));
  const listener: Listener = {
    close: () => (asked.push('close'), closed),
    closeIdle: () => void (asked.includes('closeIdle') || asked.push('closeIdle')),
    closeAll: () => (asked.push('closeAll'), closeConnections()),
  };
  return { listener, asked, closeConnections };
}

function shutdownOf(listener: Listener, graceMs: number) {
  const lifecycle = createLifecycle();
  const steps: string[] = [];
  const shutdown = createShutdown({
    listener,
    lifecycle,
    graceMs,
    stopBackground: async () => void steps.push('background stopped'),
    close: async () => void steps.push('database closed'),
    log: () => {},
  });
  return { lifecycle, steps, shutdown };
}

test('work that finishes within the grace: drained first, then the database closes; exit 0', async () => {
  const server = standIn();
  const { lifecycle, steps, shutdown } = shutdownOf(server.listener, 600_000);
  const upload = lifecycle.hold();
  const code = shutdown('SIGTERM');
  assert.equal(lifecycle.draining, true);
  assert.deepEqual(server.asked, ['close', 'closeIdle']);
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(steps, ['background stopped'], 'the database stays open while work is in flight');
  upload();
  server.closeConnections();
  assert.equal(await code, 0);
  assert.deepEqual(steps, ['background stopped', 'database closed']);
  assert.equal(lifecycle.signal.aborted, false);
});

test('a second signal cuts at once: work is aborted, connections are closed, exit 1', async () => {
  const server = standIn();
  const { lifecycle, steps, shutdown } = shutdownOf(server.listener, 600_000);
  const upload = lifecycle.hold();
  // The upload unwinds when it is cut, as ingestUpload does.
  lifecycle.signal.addEventListener('abort', () => upload());
  const first = shutdown('SIGTERM');
  const second = shutdown('SIGINT');
  assert.equal(first, second);
  assert.equal(await first, 1);
  assert.equal(lifecycle.signal.aborted, true);
  assert.equal(lifecycle.signal.reason.status, 503);
  assert.ok(server.asked.includes('closeAll'));
  assert.deepEqual(steps, ['background stopped', 'database closed']);
});

test('a grace of 0 cuts at once', async () => {
  const server = standIn();
  const { lifecycle, shutdown } = shutdownOf(server.listener, 0);
  lifecycle.signal.addEventListener('abort', lifecycle.hold());
  assert.equal(await shutdown('SIGTERM'), 1);
});

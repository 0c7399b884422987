import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Sql } from '../db/client.ts';
import { imageIdOf } from '../images/keys.ts';
import { dueDeletions } from '../storage/deletions.sql.ts';
import { purgeObjects } from '../storage/purge.ts';
import type { Storage } from '../storage/storage.ts';
import { recordRun, releaseLease, sweptTo, takeLease } from './leases.sql.ts';

/**
 * What the images feature answers for the janitor, which knows objects, not rows. `keysInUse`: of
 * the given image ids, the object keys their rows name now. `purgeTrash`: deletes up to `limit`
 * rows that have been in the trash past TRASH_DAYS, queueing their objects for deletion in the
 * same transaction; how many, and those keys.
 */
export type JanitorDeps = {
  sql: Sql;
  storage: Storage;
  keysInUse(imageIds: string[]): Promise<Set<string>>;
  purgeTrash(limit: number): Promise<{ count: number; keys: string[] }>;
  /** Told of every pass, for the metrics. */
  observe?(run: JanitorReport | 'failed'): void;
  log: Pick<Logger, 'error'>;
};
export type JanitorReport = { ran: boolean; trashed: number; retried: number; orphans: number };

const LEASE = 'janitor';
const LEASE_MS = 10 * 60_000;
const BATCH = 500;
const holderId = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;

/**
 * Objects a pass's sweep looks at, at most: the pass costs the same however large the library
 * (a full listing of 240,000 objects on disk took 15 s of CPU), and the next pass goes on where
 * it stopped. At the default interval, a library of 100,000 images (400,000 objects) is swept
 * whole in about 7 hours.
 */
const SWEEP_OBJECTS = 10_000;

/**
 * Removes the objects older than the grace period that no row names (each is garbage), looking at
 * up to `limit` of them after the key the last sweep stopped at. Returns how many it removed, and
 * the key to go on after next time (null: it reached the last one).
 */
async function sweepOrphans(deps: JanitorDeps, graceMs: number, limit: number) {
  const cutoff = Date.now() - graceMs;
  let removed = 0;
  let seen = 0;
  let last: string | null = null;
  let stoppedAt: string | null = null;
  let batch: string[] = [];
  const flush = async () => {
    // Read right before deleting: a row written since the listing keeps its objects.
    const inUse = await deps.keysInUse([...new Set(batch.map(imageIdOf))]);
    const garbage = batch.filter((key) => !inUse.has(key));
    await purgeObjects(deps, garbage);
    removed += garbage.length;
    batch = [];
  };
  for await (const o of deps.storage.list('images/', (await sweptTo(deps.sql)) ?? undefined)) {
    if (seen === limit) {
      stoppedAt = last;
      break;
    }
    seen += 1;
    last = o.key;
    if (o.modified.getTime() > cutoff) continue;
    batch.push(o.key);
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length) await flush();
  return { removed, stoppedAt };
}

/** Purges what has been in the trash long enough, a batch at a time; returns how many images. */
async function purgeTrash(deps: JanitorDeps) {
  let purged = 0;
  for (;;) {
    const { count, keys } = await deps.purgeTrash(BATCH);
    await purgeObjects(deps, keys, true);
    purged += count;
    if (count < BATCH) return purged;
  }
}

/**
 * Purges images kept in the trash past TRASH_DAYS, retries queued object deletions and removes
 * orphaned objects (no row, older than `graceMs`), looking at up to `sweep` objects from where
 * the last pass stopped. Runs only where it holds the lease, so one instance at a time does the work.
 */
export async function runJanitor(deps: JanitorDeps, graceMs: number, sweep = SWEEP_OBJECTS): Promise<JanitorReport> {
  const report = await pass(deps, graceMs, sweep).catch((err) => {
    deps.observe?.('failed');
    throw err;
  });
  deps.observe?.(report);
  return report;
}

async function pass(deps: JanitorDeps, graceMs: number, sweep: number): Promise<JanitorReport> {
  if (!(await takeLease(deps.sql, LEASE, holderId, LEASE_MS))) return { ran: false, trashed: 0, retried: 0, orphans: 0 };
  try {
    const trashed = await purgeTrash(deps);
    let retried = 0;
    for (let keys = await dueDeletions(deps.sql, BATCH); keys.length; keys = await dueDeletions(deps.sql, BATCH)) {
      await purgeObjects(deps, keys, true);
      retried += keys.length;
      if (keys.length < BATCH) break;
    }
    const { removed, stoppedAt } = await sweepOrphans(deps, graceMs, sweep);
    const report = { ran: true, trashed, retried, orphans: removed };
    await recordRun(deps.sql, report, stoppedAt);
    return report;
  } finally {
    await releaseLease(deps.sql, LEASE, holderId);
  }
}

/**
 * Runs the janitor every `intervalMs` in the background; returns a function that stops it and
 * settles when a pass that was running has ended (so its lease is released before the database closes).
 */
export function startJanitor(deps: JanitorDeps, opts: { graceMs: number; intervalMs: number }): () => Promise<void> {
  if (opts.intervalMs <= 0) return async () => {};
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    // A pass that outlasts the interval is not started again beside itself.
    if (running) return;
    running = runJanitor(deps, opts.graceMs)
      .then(() => {}, (err) => deps.log.error({ err }, 'janitor: the pass failed'))
      .finally(() => (running = undefined));
  }, opts.intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

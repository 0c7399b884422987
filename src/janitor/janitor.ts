import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Sql } from '../db/client.ts';
import { imageIdOf } from '../images/keys.ts';
import { dueDeletions } from '../storage/deletions.sql.ts';
import { purgeObjects } from '../storage/purge.ts';
import type { Storage } from '../storage/storage.ts';
import { recordRun, releaseLease, takeLease } from './leases.sql.ts';

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

/** Objects older than the grace period that no row names: each is garbage. */
async function sweepOrphans(deps: JanitorDeps, graceMs: number) {
  const cutoff = Date.now() - graceMs;
  let removed = 0;
  let batch: string[] = [];
  const flush = async () => {
    // Read right before deleting: a row written since the listing keeps its objects.
    const inUse = await deps.keysInUse([...new Set(batch.map(imageIdOf))]);
    const garbage = batch.filter((key) => !inUse.has(key));
    await purgeObjects(deps, garbage);
    removed += garbage.length;
    batch = [];
  };
  for await (const o of deps.storage.list('images/')) {
    if (o.modified.getTime() > cutoff) continue;
    batch.push(o.key);
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length) await flush();
  return removed;
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
 * orphaned objects (no row, older than `graceMs`). Runs only where it holds the lease, so one
 * instance at a time does the work.
 */
export async function runJanitor(deps: JanitorDeps, graceMs: number): Promise<JanitorReport> {
  const report = await pass(deps, graceMs).catch((err) => {
    deps.observe?.('failed');
    throw err;
  });
  deps.observe?.(report);
  return report;
}

async function pass(deps: JanitorDeps, graceMs: number): Promise<JanitorReport> {
  if (!(await takeLease(deps.sql, LEASE, holderId, LEASE_MS))) return { ran: false, trashed: 0, retried: 0, orphans: 0 };
  try {
    const trashed = await purgeTrash(deps);
    let retried = 0;
    for (let keys = await dueDeletions(deps.sql, BATCH); keys.length; keys = await dueDeletions(deps.sql, BATCH)) {
      await purgeObjects(deps, keys, true);
      retried += keys.length;
      if (keys.length < BATCH) break;
    }
    const report = { ran: true, trashed, retried, orphans: await sweepOrphans(deps, graceMs) };
    await recordRun(deps.sql, report);
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

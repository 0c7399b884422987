import type { Logger } from 'pino';
import type { Sql } from '../db/client.ts';
import type { Storage } from './storage.ts';
import { clearDeletions, postponeDeletions, queueDeletions } from './deletions.sql.ts';

/**
 * Deletes objects now, keeping the keys that could not be deleted in the outbox for the janitor.
 * `queued` says the caller already queued them (in the transaction that removed their rows).
 */
export async function purgeObjects(deps: { sql: Sql; storage: Storage; log: Pick<Logger, 'error'> }, keys: string[], queued = false) {
  if (keys.length === 0) return;
  if (!queued) {
    // Best effort: if the database is down too, the janitor's orphan sweep finds these objects.
    await queueDeletions(deps.sql, keys).catch(() => {});
  }
  const failed = await deps.storage.deleteMany(keys).catch(() => keys);
  const done = keys.filter((k) => !failed.includes(k));
  await Promise.all([
    clearDeletions(deps.sql, done),
    postponeDeletions(deps.sql, failed, 'delete failed'),
  ]).catch((err) => deps.log.error({ err }, 'storage: could not update the deletion outbox'));
  if (failed.length) deps.log.error({ keys: failed }, `storage: ${failed.length} object(s) left for the janitor`);
}

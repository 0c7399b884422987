import type { Queryable } from '../db/client.ts';

// The outbox of object deletions (`pending_deletions`): a key is queued in the same transaction
// that removes its row, deleted right after, and retried by the janitor until it is gone.

/** Queues `keys` for deletion; call it in the transaction that removes their rows. */
export async function queueDeletions(sql: Queryable, keys: string[]) {
  if (keys.length === 0) return;
  // One array parameter: an account with thousands of images would pass PostgreSQL's limit of
  // 65,535 parameters with one per key.
  await sql`insert into pending_deletions (key) select unnest(${sql.array(keys)}::text[]) on conflict (key) do nothing`;
}

export async function dueDeletions(sql: Queryable, limit: number) {
  const rows = await sql<{ key: string }[]>`
    select key from pending_deletions where next_attempt_at <= now() order by next_attempt_at limit ${limit}`;
  return rows.map((r) => r.key);
}

export async function clearDeletions(sql: Queryable, keys: string[]) {
  if (keys.length === 0) return;
  await sql`delete from pending_deletions where key in ${sql(keys)}`;
}

/** Tries again later, backing off exponentially up to an hour. */
export async function postponeDeletions(sql: Queryable, keys: string[], error: string) {
  if (keys.length === 0) return;
  await sql`
    update pending_deletions
    set attempts = attempts + 1, last_error = ${error},
        next_attempt_at = now() + least(interval '1 hour', interval '10 seconds' * power(2, attempts))
    where key in ${sql(keys)}`;
}
